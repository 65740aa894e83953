package http1

import (
	"errors"
	"testing"
)

// fuzzLimits pairs the defaults with tiny limits so the fuzzer reaches every
// limit path with short inputs.
var fuzzLimits = []Limits{
	{},
	{MaxRequestLine: 40, MaxHeaderBytes: 96, MaxBodyBytes: 16, MaxHeaders: 4},
}

var fuzzStatuses = map[int]bool{400: true, 413: true, 414: true, 431: true, 501: true, 505: true}

func FuzzParse(f *testing.F) {
	f.Add([]byte(typicalGET))
	f.Add([]byte(chunkedPost("5\r\nhello\r\n0\r\nT: v\r\n\r\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, l := range fuzzLimits {
			checkStream(t, l, data)
			checkSplitEqualsOneShot(t, l, data)
		}
	})
}

// checkStream parses data as a pipelined stream and checks the invariants
// every outcome must satisfy.
func checkStream(t *testing.T, l Limits, data []byte) {
	lim := l.normalized()
	p := NewParser(l)
	var req Request
	for buf := data; ; {
		n, err := p.Parse(buf, &req)
		if n < 0 || n > len(buf) {
			t.Fatalf("consumed %d of %d bytes", n, len(buf))
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || n != 0 || e.Reason == "" || !fuzzStatuses[e.Status] {
				t.Fatalf("bad error n=%d err=%#v", n, err)
			}
			return
		}
		if n == 0 {
			return
		}
		if int64(len(req.Body)) > lim.MaxBodyBytes {
			t.Fatalf("body of %d bytes passes limit %d", len(req.Body), lim.MaxBodyBytes)
		}
		if !req.Chunked && int64(len(req.Body)) != max(req.ContentLength, 0) {
			t.Fatalf("body of %d bytes with Content-Length %d", len(req.Body), req.ContentLength)
		}
		if len(req.Headers) > lim.MaxHeaders || len(req.Method) == 0 || len(req.Target) == 0 {
			t.Fatalf("implausible request %+v", snap(&req))
		}
		if req.ProtoMinor == 1 && req.Host == nil {
			t.Fatal("HTTP/1.1 request without Host accepted")
		}
		// A request must delimit itself: the consumed bytes alone parse
		// to the same request.
		var again Request
		if n2, err2 := NewParser(l).Parse(buf[:n], &again); n2 != n || err2 != nil || snap(&again) != snap(&req) {
			t.Fatalf("re-parsing the %d consumed bytes gave n=%d err=%v", n, n2, err2)
		}
		buf = buf[n:]
	}
}

// checkSplitEqualsOneShot is the differential check: for each request in
// the stream, feeding it byte by byte gives what parsing it in one go gives.
// Fresh buffers per prefix cost quadratic time, so only short inputs get
// them; long ones would stall the fuzzer's minimizer.
func checkSplitEqualsOneShot(t *testing.T, l Limits, data []byte) {
	for in := string(data); ; {
		once := parseOnce(t, l, in)
		if split := parseSplit(t, l, in, false); once != split {
			t.Fatalf("input %q:\none-shot %v\nsplit    %v", in, once, split)
		}
		if len(in) <= 256 {
			if split := parseSplit(t, l, in, true); once != split {
				t.Fatalf("input %q:\none-shot         %v\nsplit, moved buf %v", in, once, split)
			}
		}
		if once.N == 0 {
			return
		}
		in = in[once.N:]
	}
}

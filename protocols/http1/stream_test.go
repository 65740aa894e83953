package http1

import (
	"strings"
	"testing"
)

// parseStreamed parses the first request of in as a caller streaming every body would: it
// feeds step bytes at a time, switches to StreamBody at the pause, drops each consumed
// piece and moves what is left to a fresh buffer (overwriting the old one, so a parser or
// Request still pointing into it would see garbage). The outcome is shaped like parseOnce's
// with limit as the body limit, to compare the two.
func parseStreamed(t testing.TB, l Limits, in string, step int, limit int64) result {
	p := NewParser(l)
	p.PauseAfterHead()
	var req Request
	var buf, body []byte
	consumed := 0
	move := func(n int) {
		consumed += n
		fresh := append([]byte(nil), buf[n:]...)
		for i := range buf {
			buf[i] = '#'
		}
		buf = fresh
	}
	for fed := 0; ; {
		more := fed < len(in)
		if more {
			k := min(step, len(in)-fed)
			buf = append(buf, in[fed:fed+k]...)
			fed += k
		}
		if !p.Streaming() {
			r := outcome(t, p, buf, &req)
			if r.Status != 0 || r.N > 0 {
				return withRequest(r, &req)
			}
			if !p.Paused() {
				if !more {
					return withRequest(r, &req)
				}
				continue
			}
			n, err := p.StreamBody(buf, &req, limit)
			if err != nil {
				e := err.(*Error)
				return result{Status: e.Status, Reason: e.Reason, Head: p.HeadComplete()}
			}
			move(n)
		}
		for {
			data, n, done, err := p.ReadBody(buf)
			if err != nil {
				e := err.(*Error)
				return result{Status: e.Status, Reason: e.Reason, Head: p.HeadComplete()}
			}
			body = append(body, data...)
			move(n)
			if done {
				r := result{N: consumed, Req: snap(&req)}
				r.Req.Body = string(body)
				p.Reset()
				return r
			}
			if data == nil {
				break
			}
		}
		if !more {
			return result{Head: true, Req: snap(&req)}
		}
	}
}

// checkStreamedEqualsWhole compares parseStreamed with parseOnce for every request of in.
func checkStreamedEqualsWhole(t *testing.T, l Limits, in string, steps ...int) {
	limit := l.normalized().MaxBodyBytes
	for {
		once := parseOnce(t, l, in)
		for _, step := range steps {
			if got := parseStreamed(t, l, in, step, limit); got != once {
				t.Fatalf("input %q, step %d:\nwhole    %v\nstreamed %v", in, step, once, got)
			}
		}
		if once.N == 0 {
			return
		}
		in = in[once.N:]
	}
}

func TestStreamedBodyEqualsWholeBody(t *testing.T) {
	inputs := []string{
		post("Content-Length: 11\r\n", "hello world"),
		post("Content-Length: 5\r\n", "hel"), // incomplete
		chunkedPost("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n"),
		chunkedPost("5\r\nhello\r\n0\r\n\r\n") + typicalGET,
		chunkedPost("5\r\nhelloX\r\n0\r\n\r\n"), // no CRLF after the data
		chunkedPost("zz\r\n"),
		post("Content-Length: 3\r\n", "abc") + post("Content-Length: 2\r\n", "de"),
		typicalGET,
		post("Content-Length: 100\r\n", strings.Repeat("x", 100)), // over the small limit
		chunkedPost("64\r\n" + strings.Repeat("y", 100) + "\r\n0\r\n\r\n"),
		// Trailers over the small header budget, read over several calls.
		chunkedPost("1\r\nz\r\n0\r\n" + strings.Repeat("T: "+strings.Repeat("v", 35)+"\r\n", 3) + "\r\n"),
	}
	for _, in := range inputs {
		for _, l := range fuzzLimits {
			checkStreamedEqualsWhole(t, l, in, 1, 2, 7, len(in))
		}
	}
}

func TestStreamBodyLimitIsItsOwn(t *testing.T) {
	small := Limits{MaxBodyBytes: 4}
	in := post("Content-Length: 10\r\n", "0123456789")
	if r := parseStreamed(t, small, in, 3, 10); r.Status != 0 || r.Req.Body != "0123456789" {
		t.Fatalf("a streamed body may pass MaxBodyBytes: %v", r)
	}
	if r := parseStreamed(t, small, in, 3, 9); r.Status != 413 || r.Reason != "request body exceeds 9 bytes" {
		t.Fatalf("a Content-Length over the stream limit: %v", r)
	}
	chunked := chunkedPost("6\r\n012345\r\n6\r\n6789ab\r\n0\r\n\r\n")
	if r := parseStreamed(t, small, chunked, 5, 11); r.Status != 413 {
		t.Fatalf("a chunked body over the stream limit: %v", r)
	}
	if r := parseStreamed(t, small, chunked, 5, 0); r.Status != 0 || r.Req.Body != "0123456789ab" {
		t.Fatalf("no stream limit: %v", r)
	}
}

func TestPausedParseResumes(t *testing.T) {
	p := NewParser(Limits{MaxBodyBytes: 4})
	p.PauseAfterHead()
	var req Request
	in := []byte(post("Content-Length: 5\r\n", "hello"))
	if n, err := p.Parse(in, &req); n != 0 || err != nil || !p.Paused() || string(req.Method) != "POST" {
		t.Fatalf("no pause after the head: n=%d err=%v", n, err)
	}
	// Resuming checks MaxBodyBytes, which the pause postponed.
	if _, err := p.Parse(in, &req); err == nil || err.(*Error).Status != 413 {
		t.Fatalf("resumed parse: %v", err)
	}
	p.Reset()
	if _, err := p.StreamBody(in, &req, 10); err == nil {
		t.Fatal("StreamBody without a paused head")
	}
	if _, _, _, err := p.ReadBody(in); err == nil {
		t.Fatal("ReadBody without StreamBody")
	}
}

func FuzzStreamBody(f *testing.F) {
	f.Add([]byte(post("Content-Length: 11\r\n", "hello world")+typicalGET), uint8(3))
	f.Add([]byte(chunkedPost("5\r\nhello\r\n0\r\nT: v\r\n\r\n")), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		for _, l := range fuzzLimits {
			checkStreamedEqualsWhole(t, l, string(data), int(step)+1)
		}
	})
}

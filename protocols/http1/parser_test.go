package http1

import (
	"strconv"
	"strings"
	"testing"
)

const typicalGET = "GET /plaintext HTTP/1.1\r\n" +
	"Host: localhost:8080\r\n" +
	"User-Agent: wrk\r\n" +
	"Accept: */*\r\n" +
	"\r\n"

func TestParseTypicalGET(t *testing.T) {
	r := mustParse(t, typicalGET)
	want := snapshot{
		Method: "GET", Target: "/plaintext", Path: "/plaintext", QueryNil: true,
		ProtoMinor: 1, Headers: "Host=localhost:8080|User-Agent=wrk|Accept=*/*|",
		Host: "localhost:8080", ContentLength: -1, KeepAlive: true, UpgradeNil: true,
	}
	if r != want {
		t.Fatalf("got  %+v\nwant %+v", r, want)
	}
}

func TestPipelined(t *testing.T) {
	second := "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
	third := "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"
	buf := []byte(typicalGET + second + third + "GET /d")
	p := NewParser(Limits{})
	var req Request
	var paths []string
	for {
		n, err := p.Parse(buf, &req)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		paths = append(paths, string(req.Path)+":"+string(req.Body))
		buf = buf[n:]
	}
	if got := strings.Join(paths, " "); got != "/plaintext: /b:abc /c:" {
		t.Fatalf("parsed %q", got)
	}
	if string(buf) != "GET /d" {
		t.Fatalf("left %q", buf)
	}
}

// Every request, valid or not, must give the same outcome whether it
// arrives at once or split at any byte boundary.
func TestSplitAtEveryByte(t *testing.T) {
	inputs := []string{
		typicalGET,
		"\r\n\r\n" + typicalGET,
		post("Content-Length: 11\r\n", "hello world"),
		chunkedPost("5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n"),
		chunkedPost("5\r\nhelloXX"),
		post("Content-Length: 1\r\nTransfer-Encoding: chunked\r\n", "x"),
		get("Expect: 100-continue\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"),
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"GET /" + strings.Repeat("a", 100) + " HTTP/1.1\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nBad Name: v\r\n\r\n",
		"GET / HTTP/3.0\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		"\x00\x01garbage\r\n\r\n",
	}
	small := Limits{MaxRequestLine: 64, MaxHeaderBytes: 128, MaxBodyBytes: 8, MaxHeaders: 4}
	for _, l := range []Limits{{}, small} {
		for _, in := range inputs {
			once, split := parseOnce(t, l, in), parseSplit(t, l, in, true)
			if once != split {
				t.Errorf("limits %+v, input %q:\none-shot %v\nsplit    %v", l, in, once, split)
			}
		}
	}
}

func TestHeadCompleteBeforeBody(t *testing.T) {
	head := "POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
	p := NewParser(Limits{})
	var req Request
	if n, err := p.Parse([]byte(head[:len(head)-1]), &req); n != 0 || err != nil || p.HeadComplete() {
		t.Fatalf("partial head: n=%d err=%v head=%v", n, err, p.HeadComplete())
	}
	n, err := p.Parse([]byte(head), &req)
	if n != 0 || err != nil || !p.HeadComplete() {
		t.Fatalf("full head: n=%d err=%v head=%v", n, err, p.HeadComplete())
	}
	if !req.ExpectContinue || string(req.Path) != "/up" || req.ContentLength != 5 || req.Body != nil {
		t.Fatalf("head fields: %+v", snap(&req))
	}
	// A reallocated buffer: head fields must follow it.
	buf := []byte(head + "hel")
	if n, _ := p.Parse(buf, &req); n != 0 || &req.Method[0] != &buf[0] {
		t.Fatal("head fields do not point into the latest buffer")
	}
	full := []byte(head + "hello")
	n, err = p.Parse(full, &req)
	if n != len(full) || err != nil || string(req.Body) != "hello" {
		t.Fatalf("body: n=%d err=%v body=%q", n, err, req.Body)
	}
	if p.HeadComplete() {
		t.Fatal("HeadComplete should be false once the request is returned")
	}
}

func TestStickyErrorAndReset(t *testing.T) {
	p := NewParser(Limits{})
	var req Request
	_, err1 := p.Parse([]byte("BAD\r\n"), &req)
	_, err2 := p.Parse([]byte(typicalGET), &req)
	if err1 == nil || err2 != err1 {
		t.Fatalf("errors: %v then %v", err1, err2)
	}
	p.Reset()
	if n, err := p.Parse([]byte(typicalGET), &req); n != len(typicalGET) || err != nil {
		t.Fatalf("after Reset: n=%d err=%v", n, err)
	}
}

func TestResetAbandonsPartialRequest(t *testing.T) {
	p := NewParser(Limits{})
	var req Request
	_, _ = p.Parse([]byte("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\nab"), &req)
	p.Reset()
	if p.HeadComplete() {
		t.Fatal("HeadComplete after Reset")
	}
	if n, err := p.Parse([]byte(typicalGET), &req); n != len(typicalGET) || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
}

// A caller that breaks the contract by shrinking the buffer must not make
// the parser index out of range.
func TestShrunkBufferDoesNotPanic(t *testing.T) {
	p := NewParser(Limits{})
	var req Request
	_, _ = p.Parse([]byte(typicalGET[:40]), &req)
	if n, err := p.Parse([]byte(typicalGET[:10]), &req); n != 0 || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if n, err := p.Parse([]byte(typicalGET), &req); n != len(typicalGET) || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
}

func TestLargeChunkedBufferNotRetained(t *testing.T) {
	body := strings.Repeat("z", keepBodyCap+1)
	in := chunkedPost(strconv.FormatInt(int64(len(body)), 16) + "\r\n" + body + "\r\n0\r\n\r\n")
	p := NewParser(Limits{})
	var req Request
	if n, err := p.Parse([]byte(in), &req); n != len(in) || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if string(req.Body) != body {
		t.Fatal("body mismatch")
	}
	if cap(p.body) != 0 {
		t.Fatalf("parser kept a %d-byte body buffer", cap(p.body))
	}
}

func TestParseSteadyStateAllocations(t *testing.T) {
	p := NewParser(Limits{})
	var req Request
	get := []byte(typicalGET)
	chunked := []byte(chunkedPost("5\r\nhello\r\n0\r\n\r\n"))
	_, _ = p.Parse(get, &req)
	_, _ = p.Parse(chunked, &req)
	allocs := testing.AllocsPerRun(100, func() {
		if n, err := p.Parse(get, &req); n != len(get) || err != nil {
			t.Fatal(n, err)
		}
		if n, err := p.Parse(chunked, &req); n != len(chunked) || err != nil {
			t.Fatal(n, err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per keep-alive GET + chunked POST", allocs)
	}
}

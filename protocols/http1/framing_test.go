package http1

import (
	"math"
	"testing"
)

func post(fields, body string) string {
	return "POST /submit HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n" + body
}

func TestContentLength(t *testing.T) {
	accepted := []struct {
		fields string
		want   int64
	}{
		{"Content-Length: 5\r\n", 5},
		{"content-length:5\r\n", 5},
		{"Content-Length: 005\r\n", 5},
		{"Content-Length: 5\r\nContent-Length: 5\r\n", 5},
		{"Content-Length: 5, 5\r\n", 5},
		{"Content-Length: 5,5\r\nContent-Length: 05\r\n", 5},
	}
	for _, tt := range accepted {
		r := mustParse(t, post(tt.fields, "hello"))
		if r.ContentLength != tt.want || r.Body != "hello" || r.Chunked {
			t.Errorf("%q: got %+v", tt.fields, r)
		}
	}
	rejected := []string{
		"Content-Length: +5\r\n",
		"Content-Length: -5\r\n",
		"Content-Length: 0x5\r\n",
		"Content-Length: 5.0\r\n",
		"Content-Length: 5 5\r\n",
		"Content-Length:\r\n",
		"Content-Length: 5,\r\n",
		"Content-Length: ,5\r\n",
		"Content-Length: 5, 6\r\n",
		"Content-Length: 5\r\nContent-Length: 6\r\n",
		"Content-Length: 99999999999999999999\r\nContent-Length: 99999999999999999998\r\n",
	}
	for _, f := range rejected {
		wantStatus(t, Limits{}, post(f, "hello"), 400)
	}
}

func TestParseDecimalSaturates(t *testing.T) {
	if got := parseDecimal([]byte("123")); got != 123 {
		t.Errorf("got %d", got)
	}
	if got := parseDecimal([]byte("9223372036854775807")); got != math.MaxInt64 {
		t.Errorf("got %d", got)
	}
	if got := parseDecimal([]byte("99999999999999999999999")); got != math.MaxInt64 {
		t.Errorf("got %d", got)
	}
}

func TestNoBodyFraming(t *testing.T) {
	// RFC 9112 §6.3 rule 7: no Content-Length or Transfer-Encoding, no body;
	// the bytes that follow are the next request.
	in := post("", "")
	r := parseOnce(t, Limits{}, in+"GET")
	if r.N != len(in) || r.Req.Body != "" || r.Req.ContentLength != -1 {
		t.Fatalf("got %v", r)
	}
	if r := mustParse(t, post("Content-Length: 0\r\n", "")); r.ContentLength != 0 || r.Body != "" {
		t.Fatalf("got %+v", r)
	}
}

// RFC 9110 §15.5.14: 413 as soon as the announced length is too large.
func TestContentLengthLimit(t *testing.T) {
	l := Limits{MaxBodyBytes: 5}
	mustParseLimits(t, l, post("Content-Length: 5\r\n", "hello"))
	// No body bytes sent: the head alone is enough to refuse.
	wantStatus(t, l, post("Content-Length: 6\r\n", ""), 413)
	wantStatus(t, Limits{}, post("Content-Length: 99999999999999999999999\r\n", ""), 413)
}

func TestTransferEncoding(t *testing.T) {
	body := "5\r\nhello\r\n0\r\n\r\n"
	for _, f := range []string{
		"Transfer-Encoding: chunked\r\n",
		"Transfer-Encoding: CHUNKED\r\n",
		"Transfer-Encoding: , chunked,\r\n",
	} {
		r := mustParse(t, post(f, body))
		if !r.Chunked || r.Body != "hello" || r.ContentLength != -1 {
			t.Errorf("%q: got %+v", f, r)
		}
	}
	tests := []struct {
		fields string
		status int
	}{
		// RFC 9112 §6.3 rule 3: both framings is a smuggling attempt.
		{"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400},
		{"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400},
		{"Content-Length: 5\r\nTransfer-Encoding: identity\r\n", 400},
		// RFC 9112 §6.3 rule 4: chunked must be final.
		{"Transfer-Encoding: chunked, gzip\r\n", 400},
		{"Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", 400},
		{"Transfer-Encoding: chunked, chunked\r\n", 400},
		{"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", 400},
		{"Transfer-Encoding:\r\n", 400},
		{"Transfer-Encoding: ,\r\n", 400},
		// RFC 9112 §6.1: codings we do not implement.
		{"Transfer-Encoding: gzip\r\n", 501},
		{"Transfer-Encoding: gzip, chunked\r\n", 501},
		{"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", 501},
		{"Transfer-Encoding: identity\r\n", 501},
		{"Transfer-Encoding: xchunked\r\n", 501},
		{"Transfer-Encoding: chunked;q=1\r\n", 501},
	}
	for _, tt := range tests {
		wantStatus(t, Limits{}, post(tt.fields, body), tt.status)
	}
	// RFC 9112 §6.1: no transfer codings in HTTP/1.0.
	wantStatus(t, Limits{}, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"+body, 400)
}

// RFC 9112 §9.3.
func TestKeepAlive(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
		{"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", false},
		{"GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", false},
		{"GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", true},
		{"GET / HTTP/1.0\r\n\r\n", false},
		{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
		{"GET / HTTP/1.0\r\nConnection: foo ,KEEP-ALIVE\r\n\r\n", true},
		{"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false},
	}
	for _, tt := range tests {
		if r := mustParse(t, tt.in); r.KeepAlive != tt.want {
			t.Errorf("%q: KeepAlive = %v, want %v", tt.in, r.KeepAlive, tt.want)
		}
	}
}

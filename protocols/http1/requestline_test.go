package http1

import (
	"errors"
	"strings"
	"testing"
)

func TestRequestLineAccepted(t *testing.T) {
	tests := []struct {
		in                          string
		method, target, path, query string
		queryNil                    bool
		minor                       int
	}{
		{"GET /a/b?x=1&y HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/a/b?x=1&y", "/a/b", "x=1&y", false, 1},
		{"GET / HTTP/1.0\r\n\r\n", "GET", "/", "/", "", true, 0},
		{"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", "OPTIONS", "*", "*", "", true, 1},
		{"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "CONNECT", "example.com:443", "example.com:443", "", true, 1},
		{"GET /p? HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/p?", "/p", "", false, 1},
		{"GET /%7Euser?a=%20 HTTP/1.1\r\nHost: h\r\n\r\n", "GET", "/%7Euser?a=%20", "/%7Euser", "a=%20", false, 1},
		{"M-SEARCH /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", "M-SEARCH", "/caf\xc3\xa9", "/caf\xc3\xa9", "", true, 1},
	}
	for _, tt := range tests {
		r := mustParse(t, tt.in)
		if r.Method != tt.method || r.Target != tt.target || r.Path != tt.path || r.Query != tt.query || r.QueryNil != tt.queryNil || r.ProtoMinor != tt.minor {
			t.Errorf("%q: got %+v", tt.in, r)
		}
	}
}

// RFC 9112 §2.2: empty lines before the request line are ignored.
func TestLeadingEmptyLines(t *testing.T) {
	r := mustParse(t, "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
	if r.Method != "GET" {
		t.Fatalf("got %+v", r)
	}
	l := Limits{MaxRequestLine: 6}
	wantStatus(t, l, "\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n", 400)
	wantStatus(t, Limits{}, "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400)
}

func TestRequestLineRejected(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		status int
	}{
		{"method with slash", "GE/T / HTTP/1.1", 400},
		{"empty method", " / HTTP/1.1", 400},
		{"lower-case is still a token", "get / HTTP/1.1", 0},
		{"no spaces", "GET", 400},
		{"one space", "GET /", 400},
		{"double space", "GET  / HTTP/1.1", 400},
		{"tab separator", "GET\t/ HTTP/1.1", 400},
		{"space in target", "GET /a b HTTP/1.1", 400},
		{"control in target", "GET /a\x01b HTTP/1.1", 400},
		{"DEL in target", "GET /a\x7fb HTTP/1.1", 400},
		{"bare CR in target", "GET /a\rb HTTP/1.1", 400},
		{"trailing space", "GET / HTTP/1.1 ", 400},
		{"lower-case version", "GET / http/1.1", 400},
		{"garbage version", "GET / HTTP/1.x", 400},
		{"HTTP/2.0", "GET / HTTP/2.0", 505},
		{"HTTP/1.2", "GET / HTTP/1.2", 505},
		{"HTTP/0.9", "GET / HTTP/0.9", 505},
		{"HTTP/3.0", "GET / HTTP/3.0", 505},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.line + "\r\nHost: h\r\n\r\n"
			if tt.status == 0 {
				mustParse(t, in)
				return
			}
			wantStatus(t, Limits{}, in, tt.status)
		})
	}
}

func TestHTTP2Preface(t *testing.T) {
	in := []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
	var req Request
	n, err := NewParser(Limits{}).Parse(in, &req)
	if n != 0 || err != ErrHTTP2Preface || !errors.Is(err, ErrHTTP2Preface) {
		t.Fatalf("got n=%d err=%v, want ErrHTTP2Preface", n, err)
	}
	// Only the exact preface line is special.
	wantStatus(t, Limits{}, "PRI / HTTP/2.0\r\n\r\n", 505)
}

// RFC 9112 §3: over-long lines get 414 without waiting for the CRLF.
func TestRequestLineLimit(t *testing.T) {
	l := Limits{MaxRequestLine: 32}
	ok := "GET /" + strings.Repeat("a", 18) + " HTTP/1.1" // exactly 32 bytes
	if len(ok) != 32 {
		t.Fatalf("fixture is %d bytes", len(ok))
	}
	if r := parseOnce(t, l, ok+"\r\nHost: h\r\n\r\n"); r.Status != 0 || r.N == 0 {
		t.Fatalf("32-byte line: %v", r)
	}
	wantStatus(t, l, "GET /a"+ok[5:]+"\r\nHost: h\r\n\r\n", 414)
	// Unterminated: the error arrives once 34 bytes (line + CRLF room) are in.
	p := NewParser(l)
	var req Request
	long := []byte("GET /" + strings.Repeat("b", 40))
	if n, err := p.Parse(long[:33], &req); n != 0 || err != nil {
		t.Fatalf("33 bytes: n=%d err=%v, want more", n, err)
	}
	_, err := p.Parse(long[:34], &req)
	var e *Error
	if !errors.As(err, &e) || e.Status != 414 || e.Reason != "request line exceeds 32 bytes" {
		t.Fatalf("34 bytes: err=%v, want 414", err)
	}
}

func TestIsVersionSyntax(t *testing.T) {
	for v, want := range map[string]bool{"HTTP/1.1": true, "HTTP/9.9": true, "HTTP/1.10": false, "HTTP/11": false, "HTTP/a.1": false} {
		if got := isVersionSyntax([]byte(v)); got != want {
			t.Errorf("isVersionSyntax(%q) = %v", v, got)
		}
	}
}

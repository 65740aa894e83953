package http1

import (
	"strings"
	"testing"
)

func TestHeaderFieldsParsed(t *testing.T) {
	r := mustParse(t, "GET / HTTP/1.1\r\nHost: example.com\r\nX-Empty:\r\nX-Pad: \t a  b \t\r\nx-UTF8: caf\xc3\xa9\r\n\r\n")
	want := "Host=example.com|X-Empty=|X-Pad=a  b|x-UTF8=caf\xc3\xa9|"
	if r.Headers != want {
		t.Fatalf("headers = %q, want %q", r.Headers, want)
	}
}

func TestHeaderFieldsRejected(t *testing.T) {
	tests := []struct {
		name, fields string
	}{
		{"space before colon (RFC 9112 §5.1)", "Host : h\r\n"},
		{"tab before colon", "Host\t: h\r\n"},
		{"obs-fold (RFC 9112 §5.2)", "Host: h\r\nX-A: a\r\n  continued\r\n"},
		{"whitespace before first field (RFC 9112 §2.2)", " Host: h\r\n"},
		{"no colon", "Host: h\r\nNoColon\r\n"},
		{"empty name", "Host: h\r\n: v\r\n"},
		{"non-token name", "Host: h\r\nX(A): v\r\n"},
		{"NUL in value", "Host: h\r\nX-A: a\x00b\r\n"},
		{"bare CR in value", "Host: h\r\nX-A: a\rb\r\n"},
		{"DEL in value", "Host: h\r\nX-A: a\x7fb\r\n"},
		{"bare LF field terminator", "Host: h\nX-A: b\r\n"},
		{"bare LF end of head", "Host: h\r\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, Limits{}, "GET / HTTP/1.1\r\n"+tt.fields+"\r\n", 400)
		})
	}
	wantStatus(t, Limits{}, "GET / HTTP/1.1\n\r\n", 400)
}

// RFC 9112 §3.2: exactly one valid Host in HTTP/1.1.
func TestHost(t *testing.T) {
	if r := mustParse(t, get("")); r.Host != "x" {
		t.Errorf("Host = %q", r.Host)
	}
	if r := mustParse(t, "GET / HTTP/1.1\r\nHOST: [::1]:8080\r\n\r\n"); r.Host != "[::1]:8080" {
		t.Errorf("Host = %q", r.Host)
	}
	if r := mustParse(t, "GET / HTTP/1.1\r\nHost:\r\n\r\n"); r.Host != "" || r.HostNil {
		t.Errorf("empty Host should be present and empty, got %+v", r)
	}
	if r := mustParse(t, "GET / HTTP/1.0\r\n\r\n"); !r.HostNil {
		t.Errorf("HTTP/1.0 without Host: Host = %q, want nil", r.Host)
	}
	wantStatus(t, Limits{}, "GET / HTTP/1.1\r\n\r\n", 400)
	wantStatus(t, Limits{}, get("host: y\r\n"), 400)
	wantStatus(t, Limits{}, "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400)
	wantStatus(t, Limits{}, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400)
	wantStatus(t, Limits{}, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400)
	wantStatus(t, Limits{}, "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400)
}

func TestExpectContinue(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{get("Expect: 100-continue\r\n"), true},
		{get("expect: 100-CONTINUE\r\n"), true},
		{get("Expect: something-else\r\n"), false},
		{get(""), false},
		// RFC 9110 §10.1.1: ignored in HTTP/1.0.
		{"GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", false},
	}
	for _, tt := range tests {
		if r := mustParse(t, tt.in); r.Expect != tt.want {
			t.Errorf("%q: ExpectContinue = %v, want %v", tt.in, r.Expect, tt.want)
		}
	}
}

func TestUpgrade(t *testing.T) {
	tests := []struct {
		in   string
		want string // "<nil>" for nil
	}{
		{get("Connection: Upgrade\r\nUpgrade: websocket\r\n"), "websocket"},
		{get("Upgrade: h2c\r\nConnection: keep-alive, upgrade, HTTP2-Settings\r\n"), "h2c"},
		{get("Upgrade: websocket\r\n"), "<nil>"},
		{get("Connection: upgrade\r\n"), "<nil>"},
		// RFC 9110 §7.8: ignored in HTTP/1.0.
		{"GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n", "<nil>"},
	}
	for _, tt := range tests {
		r := mustParse(t, tt.in)
		got := r.Upgrade
		if r.UpgradeNil {
			got = "<nil>"
		}
		if got != tt.want {
			t.Errorf("%q: Upgrade = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeaderSectionLimit(t *testing.T) {
	// Header section = everything after the request line, final CRLF
	// included.
	section := "Host: h\r\nX-A: " + strings.Repeat("v", 20) + "\r\n\r\n"
	l := Limits{MaxHeaderBytes: len(section)}
	if r := parseOnce(t, l, "GET / HTTP/1.1\r\n"+section); r.Status != 0 || r.N == 0 {
		t.Fatalf("section at the limit: %v", r)
	}
	l.MaxHeaderBytes--
	wantStatus(t, l, "GET / HTTP/1.1\r\n"+section, 431)

	// Unfinished line: 431 as soon as the budget is used up.
	p := NewParser(Limits{MaxHeaderBytes: 64})
	var req Request
	in := []byte("GET / HTTP/1.1\r\nX-Long: " + strings.Repeat("a", 200))
	if n, err := p.Parse(in[:16+63], &req); n != 0 || err != nil {
		t.Fatalf("under budget: n=%d err=%v", n, err)
	}
	if _, err := p.Parse(in[:16+64], &req); err == nil || err.(*Error).Status != 431 {
		t.Fatalf("at budget: err=%v, want 431", err)
	}
}

func TestMaxHeaders(t *testing.T) {
	l := Limits{MaxHeaders: 3}
	mustParseLimits(t, l, get("A: 1\r\nB: 2\r\n"))
	wantStatus(t, l, get("A: 1\r\nB: 2\r\nC: 3\r\n"), 431)
}

func mustParseLimits(t *testing.T, l Limits, in string) {
	t.Helper()
	if r := parseOnce(t, l, in); r.Status != 0 || r.N != len(in) {
		t.Fatalf("parse %q: %v", in, r)
	}
}

func TestParseFieldLineSpans(t *testing.T) {
	buf := []byte("xxName:  v 1 \tyy")
	f, e := parseFieldLine(buf, 2, len(buf)-2)
	if e != nil {
		t.Fatal(e)
	}
	if string(f.name.of(buf)) != "Name" || string(f.value.of(buf)) != "v 1" {
		t.Fatalf("got name %q value %q", f.name.of(buf), f.value.of(buf))
	}
}

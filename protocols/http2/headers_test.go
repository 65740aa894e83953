package http2

import (
	"strings"
	"testing"

	xhttp2 "golang.org/x/net/http2"
)

func TestMalformedRequests(t *testing.T) {
	base := func(extra ...string) []string { return get("/", extra...) }
	for _, tc := range []struct {
		name string
		kv   []string
	}{
		{"uppercase name", base("X-Upper", "1")},
		{"space in name", base("x y", "1")},
		{"colon in name", base("x:y", "1")},
		{"empty name", base("", "1")},
		{"nul in value", base("x", "a\x00b")},
		{"cr in value", base("x", "a\rb")},
		{"lf in value", base("x", "a\nb")},
		{"leading space", base("x", " a")},
		{"trailing tab", base("x", "a\t")},
		{"connection", base("connection", "keep-alive")},
		{"keep-alive", base("keep-alive", "5")},
		{"proxy-connection", base("proxy-connection", "x")},
		{"transfer-encoding", base("transfer-encoding", "chunked")},
		{"upgrade", base("upgrade", "websocket")},
		{"te gzip", base("te", "gzip")},
		{"pseudo after regular", append([]string{":method", "GET", ":scheme", "https", "a", "b"}, ":path", "/")},
		{"unknown pseudo", base(":foo", "bar")},
		{"response pseudo", base(":status", "200")},
		{"protocol not enabled", []string{":method", "CONNECT", ":protocol", "websocket", ":scheme", "https", ":path", "/", ":authority", "a"}},
		{"duplicate method", append([]string{":method", "GET"}, get("/")...)},
		{"duplicate path", base(":path", "/")},
		{"missing method", []string{":scheme", "https", ":path", "/"}},
		{"missing scheme", []string{":method", "GET", ":path", "/"}},
		{"missing path", []string{":method", "GET", ":scheme", "https"}},
		{"empty path", []string{":method", "GET", ":scheme", "https", ":path", ""}},
		{"relative path", []string{":method", "GET", ":scheme", "https", ":path", "x"}},
		{"asterisk not OPTIONS", []string{":method", "GET", ":scheme", "https", ":path", "*"}},
		{"bad method", []string{":method", "G T", ":scheme", "https", ":path", "/"}},
		{"connect with path", []string{":method", "CONNECT", ":authority", "a:443", ":path", "/"}},
		{"connect without authority", []string{":method", "CONNECT"}},
		{"bad content-length", base("content-length", "1x")},
		{"negative content-length", base("content-length", "-1")},
		{"conflicting content-length", post("/", "content-length", "1", "content-length", "2")},
		{"content-length without body", base("content-length", "3")},
		{"host differs", base("host", "other.example")},
		{"conflicting host", []string{":method", "GET", ":scheme", "https", ":path", "/", "host", "a", "host", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, Config{})
			cl.headers(1, true, tc.kv...)
			cl.expectRST(1, ErrCodeProtocol)
			if evs := cl.events(); len(evs) != 0 {
				t.Fatalf("malformed request delivered: %+v", evs)
			}
			// The connection stays usable.
			cl.headers(3, true, get("/next")...)
			cl.mustFlush()
			if evs := cl.events(); len(evs) != 1 || evs[0].Path != "/next" {
				t.Fatalf("events %+v", evs)
			}
		})
	}
}

func TestWellFormedRequests(t *testing.T) {
	for _, tc := range []struct {
		name      string
		kv        []string
		cfg       Config
		authority string
	}{
		{"te trailers", get("/", "te", "trailers"), Config{}, "example.com"},
		{"te Trailers", get("/", "te", "Trailers"), Config{}, "example.com"},
		{"host only", []string{":method", "GET", ":scheme", "http", ":path", "/", "host", "h.example"}, Config{}, "h.example"},
		{"host equals authority", get("/", "host", "EXAMPLE.com"), Config{}, "example.com"},
		{"options asterisk", []string{":method", "OPTIONS", ":scheme", "https", ":path", "*"}, Config{}, ""},
		{"connect", []string{":method", "CONNECT", ":authority", "a:443"}, Config{}, "a:443"},
		{"extended connect", []string{":method", "CONNECT", ":protocol", "websocket", ":scheme", "https", ":path", "/chat", ":authority", "a"}, Config{EnableConnectProtocol: true}, "a"},
		{"empty value", get("/", "x-empty", ""), Config{}, "example.com"},
		{"content-length zero", get("/", "content-length", "0"), Config{}, "example.com"},
		{"obs-text value", get("/", "x", "caf\xc3\xa9"), Config{}, "example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, tc.cfg)
			cl.headers(1, true, tc.kv...)
			cl.mustFlush()
			evs := cl.events()
			if len(evs) != 1 || evs[0].Kind != EventRequestHeaders || evs[0].Authority != tc.authority {
				t.Fatalf("events %+v frames %+v", evs, cl.frames())
			}
			if tc.cfg.EnableConnectProtocol && evs[0].Protocol != "websocket" {
				t.Fatalf("protocol %q", evs[0].Protocol)
			}
		})
	}
}

func TestContentLength(t *testing.T) {
	t.Run("match", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, false, post("/", "content-length", "5")...)
		cl.data(1, false, "he")
		cl.data(1, true, "llo")
		cl.mustFlush()
		evs := cl.events()
		if len(evs) != 2 || evs[0].ContentLength != 5 || string(evs[1].Data) != "hello" || !evs[1].EndStream {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("too much", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, false, post("/", "content-length", "3")...)
		cl.data(1, false, "hello")
		cl.expectRST(1, ErrCodeProtocol)
		evs := cl.events()
		if len(evs) != 2 || evs[1].Kind != EventStreamReset || evs[1].Remote {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("too little", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, false, post("/", "content-length", "10")...)
		cl.data(1, true, "hello")
		cl.expectRST(1, ErrCodeProtocol)
	})
	t.Run("too little before trailers", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, false, post("/", "content-length", "10")...)
		cl.data(1, false, "hello")
		cl.headers(1, true, "x-checksum", "1")
		cl.expectRST(1, ErrCodeProtocol)
	})
}

func TestTrailers(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, false, post("/", "te", "trailers")...)
	cl.data(1, false, "body")
	cl.headers(1, true, "x-checksum", "abc", "grpc-status", "0")
	cl.mustFlush()
	evs := cl.events()
	if len(evs) != 3 || evs[2].Kind != EventRequestTrailers || !evs[2].EndStream || len(evs[2].Headers) != 2 ||
		evs[2].Headers[0] != (Header{"x-checksum", "abc"}) {
		t.Fatalf("events %+v", evs)
	}
	if cl.c.streams[1].state != stateHalfClosedRemote {
		t.Fatal("trailers did not end the request")
	}

	t.Run("without end stream", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		cl.headers(1, false, "x", "y")
		cl.expectRST(1, ErrCodeProtocol)
	})
	t.Run("pseudo-header", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		cl.headers(1, true, ":path", "/")
		cl.expectRST(1, ErrCodeProtocol)
		if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventStreamReset {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("uppercase", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		cl.headers(1, true, "X", "y")
		cl.expectRST(1, ErrCodeProtocol)
	})
	t.Run("too large", func(t *testing.T) {
		cl := newClient(t, Config{MaxHeaderListSize: 250})
		cl.openPost(1)
		cl.headers(1, true, "x", strings.Repeat("v", 300))
		cl.expectRST(1, ErrCodeNo)
		hs := only(cl.seen, xhttp2.FrameHeaders)
		if len(hs) != 1 || hs[0].header(":status") != "431" {
			t.Fatalf("frames %+v", cl.seen)
		}
	})
}

func TestHeaderListTooLarge(t *testing.T) {
	cl := newClient(t, Config{MaxHeaderListSize: 1000})
	cl.headers(1, true, get("/", "x-big", strings.Repeat("a", 1000))...)
	cl.mustFlush()
	fs := cl.frames()
	if len(fs) != 1 || fs[0].header(":status") != "431" || !fs[0].endStream() {
		t.Fatalf("frames %+v", fs)
	}
	if evs := cl.events(); len(evs) != 0 {
		t.Fatalf("events %+v", evs)
	}
	// Still open to the client: stop its body with RST_STREAM(NO_ERROR).
	cl.headers(3, false, post("/", "x-big", strings.Repeat("a", 1000))...)
	cl.expectRST(3, ErrCodeNo)
	cl.data(3, true, "ignored")
	cl.mustFlush()
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("frames %+v", fs)
	}
	// Smaller requests still work.
	cl.headers(5, true, get("/")...)
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
}

func TestHeaderListSizeBoundary(t *testing.T) {
	kv := get("/")
	size := 0
	for i := 0; i < len(kv); i += 2 {
		size += len(kv[i]) + len(kv[i+1]) + 32
	}
	cl := newClient(t, Config{MaxHeaderListSize: uint32(size + 32 + 1 + 5)})
	cl.headers(1, true, get("/", "x", "12345")...) // exactly the limit
	cl.headers(3, true, get("/", "x", "123456")...)
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Stream != 1 {
		t.Fatalf("events %+v", evs)
	}
	if fs := cl.frames(); len(fs) != 1 || fs[0].Stream != 3 || fs[0].header(":status") != "431" {
		t.Fatalf("frames %+v", fs)
	}
}

func TestMaxBodyBytes(t *testing.T) {
	cl := newClient(t, Config{MaxBodyBytes: 10})
	cl.headers(1, false, post("/", "content-length", "11")...)
	cl.expectRST(1, ErrCodeNo)
	if hs := only(cl.seen, xhttp2.FrameHeaders); len(hs) != 1 || hs[0].header(":status") != "413" {
		t.Fatalf("frames %+v", cl.seen)
	}
	if evs := cl.events(); len(evs) != 0 {
		t.Fatalf("events %+v", evs)
	}
	// Without content-length the limit is found while streaming.
	cl.headers(3, false, post("/")...)
	cl.data(3, false, "0123456789")
	cl.mustFlush()
	cl.events()
	cl.data(3, false, "x")
	cl.expectRST(3, ErrCodeNo)
	evs := cl.events()
	if len(evs) != 1 || evs[0].Kind != EventStreamReset || evs[0].Code != ErrCodeNo || evs[0].Reason == "" {
		t.Fatalf("events %+v", evs)
	}
	// Once the handler has answered, only a reset is possible.
	cl.headers(5, false, post("/")...)
	cl.mustFlush()
	_ = cl.c.WriteHeaders(5, 200, nil, false)
	cl.data(5, false, "0123456789x")
	cl.expectRST(5, ErrCodeCancel)
}

func TestLimitBodyPerStream(t *testing.T) {
	cl := newClient(t, Config{MaxBodyBytes: 20})
	// Lowered below a declared content-length: 413 at once.
	cl.headers(1, false, post("/", "content-length", "15")...)
	cl.mustFlush()
	cl.events()
	cl.c.LimitBody(1, 10)
	cl.expectRST(1, ErrCodeNo)
	if hs := only(cl.seen, xhttp2.FrameHeaders); len(hs) != 1 || hs[0].header(":status") != "413" {
		t.Fatalf("frames %+v", cl.seen)
	}
	if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventStreamReset || evs[0].Stream != 1 {
		t.Fatalf("events %+v", evs)
	}
	// Raised above MaxBodyBytes (or lifted with 0): the body may pass it.
	cl.headers(3, false, post("/")...)
	cl.mustFlush()
	cl.events()
	cl.c.LimitBody(3, 0)
	cl.data(3, false, "0123456789")
	cl.data(3, true, "0123456789abcdef")
	cl.mustFlush()
	var got int
	for _, ev := range cl.events() {
		if ev.Kind != EventRequestData {
			t.Fatalf("event %+v", ev)
		}
		got += len(ev.Data)
		cl.c.ConsumeData(3, len(ev.Data))
	}
	if got != 26 {
		t.Fatalf("got %d body bytes", got)
	}
	// Lowered below what was received already.
	cl.headers(5, false, post("/")...)
	cl.data(5, false, "0123456")
	cl.mustFlush()
	cl.events()
	cl.c.LimitBody(5, 5)
	cl.expectRST(5, ErrCodeNo)
	cl.c.LimitBody(7, 5) // no such stream: nothing happens
}

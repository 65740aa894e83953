package http2

import (
	"errors"
	"strings"
	"testing"

	xhttp2 "golang.org/x/net/http2"
)

func TestWriteHeadersErrors(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/")...)
	cl.mustFlush()
	for _, tc := range []struct {
		name   string
		stream uint32
		status int
		hs     []Header
		end    bool
		want   error
	}{
		{"unknown stream", 3, 200, nil, false, ErrStreamClosed},
		{"status 99", 1, 99, nil, false, ErrInvalidStatus},
		{"status 1000", 1, 1000, nil, false, ErrInvalidStatus},
		{"status 101", 1, 101, nil, false, ErrInvalidStatus},
		{"1xx with end stream", 1, 100, nil, true, ErrInvalidStatus},
		{"pseudo-header", 1, 200, []Header{{":path", "/"}}, false, ErrInvalidHeader},
		{"bad name", 1, 200, []Header{{"a b", "c"}}, false, ErrInvalidHeader},
		{"empty name", 1, 200, []Header{{"", "c"}}, false, ErrInvalidHeader},
		{"crlf in value", 1, 200, []Header{{"x", "a\r\nb: c"}}, false, ErrInvalidHeader},
		{"nul in value", 1, 200, []Header{{"x", "a\x00"}}, false, ErrInvalidHeader},
	} {
		if err := cl.c.WriteHeaders(tc.stream, tc.status, tc.hs, tc.end); err != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("rejected calls wrote %+v", fs)
	}
	if _, err := cl.c.WriteData(1, []byte("x"), false); err != ErrNoHeaders {
		t.Fatal(err)
	}
	if err := cl.c.WriteTrailers(1, nil); err != ErrNoHeaders {
		t.Fatal(err)
	}
	// Informational heads may precede the final one.
	if err := cl.c.WriteHeaders(1, 103, []Header{{"link", "</a.css>; rel=preload"}}, false); err != nil {
		t.Fatal(err)
	}
	if err := cl.c.WriteHeaders(1, 200, nil, false); err != nil {
		t.Fatal(err)
	}
	if err := cl.c.WriteHeaders(1, 200, nil, false); err != ErrHeadersSent {
		t.Fatal(err)
	}
	if err := cl.c.WriteTrailers(1, []Header{{":status", "1"}}); err != ErrInvalidHeader {
		t.Fatal(err)
	}
	if err := cl.c.WriteTrailers(1, []Header{{"x-t", "1"}}); err != nil {
		t.Fatal(err)
	}
	fs := cl.frames()
	if len(fs) != 3 || fs[0].header(":status") != "103" || fs[1].header(":status") != "200" ||
		fs[2].header("x-t") != "1" || !fs[2].endStream() {
		t.Fatalf("frames %+v", fs)
	}
	if err := cl.c.WriteTrailers(1, nil); err != ErrStreamClosed {
		t.Fatal(err)
	}
}

func TestWriteHeadersNormalizes(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/")...)
	cl.mustFlush()
	err := cl.c.WriteHeaders(1, 200, []Header{
		{"Content-Type", " text/plain "},
		{"Connection", "keep-alive"},
		{"transfer-encoding", "chunked"},
		{"x-ok", "1"},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	fs := cl.frames()
	if len(fs) != 1 {
		t.Fatalf("frames %+v", fs)
	}
	want := []Header{{":status", "200"}, {"content-type", "text/plain"}, {"x-ok", "1"}}
	if len(fs[0].Headers) != len(want) {
		t.Fatalf("headers %v", fs[0].Headers)
	}
	for i := range want {
		if fs[0].Headers[i] != want[i] {
			t.Fatalf("headers %v, want %v", fs[0].Headers, want)
		}
	}
}

func TestWriteHeadersContinuation(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/")...)
	cl.mustFlush()
	big := strings.Repeat("z", 40000)
	if err := cl.c.WriteHeaders(1, 200, []Header{{"x-big", big}}, true); err != nil {
		t.Fatal(err)
	}
	raw := cl.c.Pending()
	// HEADERS of 16384 bytes without END_HEADERS, then CONTINUATION frames.
	if raw[3] != frameHeaders || raw[4]&flagEndHeaders != 0 || int(raw[0])<<16|int(raw[1])<<8|int(raw[2]) != 16384 {
		t.Fatalf("first frame header % x", raw[:9])
	}
	fs := cl.frames()
	if len(fs) != 1 || fs[0].header("x-big") != big || !fs[0].endStream() {
		t.Fatal("header block did not reassemble")
	}
}

func TestResetStream(t *testing.T) {
	cl := newClient(t, Config{})
	cl.respond(1)
	_, _ = cl.c.WriteData(1, make([]byte, 70000), false) // some queued
	cl.frames()
	if err := cl.c.ResetStream(1, ErrCodeInternal); err != nil {
		t.Fatal(err)
	}
	if err := cl.c.ResetStream(1, ErrCodeInternal); err != ErrStreamClosed {
		t.Fatal(err)
	}
	fs := cl.frames()
	if len(fs) != 1 || fs[0].Type != xhttp2.FrameRSTStream || fs[0].Code != ErrCodeInternal {
		t.Fatalf("frames %+v", fs)
	}
	if cl.c.BufferedTotal() != 0 || len(cl.c.ready) != 0 {
		t.Fatal("queued data kept after reset")
	}
	_ = cl.fw.WriteWindowUpdate(0, 100000)
	_ = cl.fw.WriteWindowUpdate(1, 100000) // closed stream: ignored
	cl.mustFlush()
	if fs := cl.frames(); len(fs) != 0 || len(cl.events()) != 0 {
		t.Fatalf("frames %+v", fs)
	}
}

func TestEarlyResponseThenReset(t *testing.T) {
	// A handler may answer before reading the body and then ask the client
	// to stop with RST_STREAM(NO_ERROR) (RFC 9113 §8.1).
	cl := newClient(t, Config{})
	cl.openPost(1)
	if err := cl.c.WriteHeaders(1, 400, nil, true); err != nil {
		t.Fatal(err)
	}
	if cl.c.streams[1].state != stateHalfClosedLocal {
		t.Fatal("not half-closed (local)")
	}
	// The client may keep sending body until it sees the response.
	cl.data(1, false, "more")
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventRequestData {
		t.Fatalf("events %+v", evs)
	}
	if err := cl.c.ResetStream(1, ErrCodeNo); err != nil {
		t.Fatal(err)
	}
	cl.data(1, true, "ignored")
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 0 {
		t.Fatalf("events %+v", evs)
	}
}

func TestAbort(t *testing.T) {
	cl := newClient(t, Config{})
	cl.respond(1)
	cl.headers(3, true, get("/")...)
	cl.mustFlush()
	cl.events()
	cl.c.Abort(ErrCodeEnhanceYourCalm, "stalled")
	if !cl.c.Closed() || cl.c.Feed(nil) == nil {
		t.Fatal("not closed after Abort")
	}
	var ce *ConnError
	if !errors.As(cl.c.Err(), &ce) || ce.Code != ErrCodeEnhanceYourCalm {
		t.Fatalf("err %v", cl.c.Err())
	}
	if _, err := cl.c.WriteData(1, []byte("x"), true); !errors.Is(err, ErrConnClosed) {
		t.Fatalf("write after Abort: %v", err)
	}
	ga := only(cl.frames(), xhttp2.FrameGoAway)
	if len(ga) != 1 || ga[0].Code != ErrCodeEnhanceYourCalm || ga[0].Last != 3 || string(ga[0].Data) != "stalled" {
		t.Fatalf("GOAWAY %+v", ga)
	}
	// A second Abort (or a later error) sends nothing more.
	cl.c.Abort(ErrCodeProtocol, "again")
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("frames after the second Abort: %+v", fs)
	}
}

package http2

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	xhttp2 "golang.org/x/net/http2"
)

func TestUpgrade(t *testing.T) {
	// HTTP2-Settings: SETTINGS_INITIAL_WINDOW_SIZE = 3, MAX_FRAME_SIZE = 20000.
	raw := []byte{0, 4, 0, 0, 0, 3, 0, 5, 0, 0, 0x4e, 0x20}
	hdr := base64.RawURLEncoding.EncodeToString(raw)
	settings, err := DecodeSettingsHeader(hdr + "=")
	if err != nil || !bytes.Equal(settings, raw) {
		t.Fatal(settings, err)
	}
	c, err := NewConnFromUpgrade(Config{}, settings, RequestHead{
		Method: "POST", Path: "/up",
		Headers: []Header{
			{"Host", "h.example"}, {"Connection", "Upgrade, HTTP2-Settings"}, {"Upgrade", "h2c"},
			{"HTTP2-Settings", hdr}, {"Content-Length", "4"}, {"X-Custom", "v"},
		},
		Body: []byte("body"),
	})
	if err != nil {
		t.Fatal(err)
	}
	p := string(c.Pending())
	if !strings.HasPrefix(p, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n") {
		t.Fatalf("pending %q", p)
	}
	c.Consumed(len(switchingProtocols))
	cl := newRawClient(t, c)
	cl.drainEvents()
	evs := cl.events()
	if len(evs) != 2 {
		t.Fatalf("events %+v", evs)
	}
	h := evs[0]
	if h.Kind != EventRequestHeaders || h.Stream != 1 || h.Method != "POST" || h.Scheme != "http" ||
		h.Authority != "h.example" || h.Path != "/up" || h.EndStream || h.ContentLength != 4 ||
		len(h.Headers) != 2 || h.Headers[0] != (Header{"content-length", "4"}) || h.Headers[1] != (Header{"x-custom", "v"}) {
		t.Fatalf("head %+v", h)
	}
	if d := evs[1]; d.Kind != EventRequestData || string(d.Data) != "body" || !d.EndStream {
		t.Fatalf("data %+v", d)
	}
	fs := cl.frames()
	if len(fs) != 2 || fs[0].Type != xhttp2.FrameSettings {
		t.Fatalf("server preface %+v", fs)
	}
	// The client preface follows; no ACK is owed for HTTP2-Settings.
	cl.in.WriteString(ClientPreface)
	_ = cl.fw.WriteSettings()
	cl.mustFlush()
	if fs := cl.frames(); len(fs) != 1 || !fs[0].Flags.Has(xhttp2.FlagSettingsAck) {
		t.Fatalf("frames %+v", fs)
	}
	// The response on stream 1 honours the upgrade's settings.
	if err := cl.c.WriteHeaders(1, 200, nil, false); err != nil {
		t.Fatal(err)
	}
	if n, _ := cl.c.WriteData(1, []byte("hello"), true); n != 3 {
		t.Fatalf("written %d with an initial window of 3", n)
	}
	cl.c.ConsumeData(1, 4) // the HTTP/1.1 body is outside flow control: no-op
	if fs := only(cl.frames(), xhttp2.FrameWindowUpdate); len(fs) != 0 {
		t.Fatalf("frames %+v", fs)
	}
	// Stream 3 is the next the client may open.
	cl.headers(3, true, get("/")...)
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Stream != 3 {
		t.Fatalf("events %+v", evs)
	}
}

func TestUpgradeNoBody(t *testing.T) {
	c, err := NewConnFromUpgrade(Config{}, nil, RequestHead{Method: "GET", Path: "/", Authority: "a"})
	if err != nil {
		t.Fatal(err)
	}
	ev, ok := c.NextEvent()
	if !ok || !ev.EndStream || ev.Authority != "a" {
		t.Fatalf("event %+v", ev)
	}
	if _, ok := c.NextEvent(); ok {
		t.Fatal("extra event")
	}
}

func TestUpgradeBadSettings(t *testing.T) {
	for _, s := range [][]byte{{0, 4, 0}, {0, 4, 0x80, 0, 0, 0}, {0, 5, 0, 0, 0, 1}} {
		if _, err := NewConnFromUpgrade(Config{}, s, RequestHead{Method: "GET", Path: "/"}); err != ErrBadSettings {
			t.Errorf("settings % x: %v", s, err)
		}
	}
	if _, err := NewConnFromUpgrade(Config{}, nil, RequestHead{Path: "/"}); err != ErrBadSettings {
		t.Error("missing method accepted")
	}
	for _, v := range []string{"!!!", "AAQAAAA"} {
		if _, err := DecodeSettingsHeader(v); err != ErrBadSettings {
			t.Errorf("%q: %v", v, err)
		}
	}
}

package http2

import (
	"bytes"
	"testing"

	xhttp2 "golang.org/x/net/http2"
)

// respond opens stream id with a GET and writes a 200 head.
func (cl *client) respond(id uint32) {
	cl.t.Helper()
	cl.headers(id, true, get("/")...)
	cl.mustFlush()
	cl.events()
	if err := cl.c.WriteHeaders(id, 200, nil, false); err != nil {
		cl.t.Fatal(err)
	}
	cl.frames()
}

func dataBytes(fs []frame, id uint32) (n int, ended bool) {
	for _, f := range fs {
		if f.Type == xhttp2.FrameData && f.Stream == id {
			n += len(f.Data)
			ended = ended || f.endStream()
		}
	}
	return n, ended
}

func TestSendFlowControl(t *testing.T) {
	cl := newClient(t, Config{})
	cl.respond(1)
	body := bytes.Repeat([]byte("0123456789"), 10000) // 100000 bytes
	n, err := cl.c.WriteData(1, body, true)
	if err != nil || n != 65535 {
		t.Fatalf("written %d, %v; want the initial window 65535", n, err)
	}
	if b := cl.c.Buffered(1); b != 100000-65535 {
		t.Fatalf("Buffered %d", b)
	}
	if cl.c.StalledStreams() != 1 || cl.c.BufferedTotal() != 100000-65535 {
		t.Fatal("not reported stalled")
	}
	fs := cl.frames()
	for _, f := range fs {
		if f.Type == xhttp2.FrameData && len(f.Data) > 16384 {
			t.Fatalf("frame of %d bytes exceeds the peer's max frame size", len(f.Data))
		}
	}
	if got, ended := dataBytes(fs, 1); got != 65535 || ended {
		t.Fatalf("sent %d ended %v", got, ended)
	}
	// A stream update alone does not help: the connection window is spent.
	_ = cl.fw.WriteWindowUpdate(1, 50000)
	cl.mustFlush()
	if got, _ := dataBytes(cl.frames(), 1); got != 0 {
		t.Fatalf("sent %d beyond the connection window", got)
	}
	_ = cl.fw.WriteWindowUpdate(0, 10000)
	cl.mustFlush()
	if got, _ := dataBytes(cl.frames(), 1); got != 10000 {
		t.Fatalf("sent %d", got)
	}
	if evs := cl.events(); len(evs) != 0 {
		t.Fatalf("drained early: %+v", evs)
	}
	_ = cl.fw.WriteWindowUpdate(0, 1<<20)
	cl.mustFlush()
	got, ended := dataBytes(cl.frames(), 1)
	if got != 100000-75535 || !ended {
		t.Fatalf("sent %d ended %v", got, ended)
	}
	if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventDrained || evs[0].Stream != 1 {
		t.Fatalf("events %+v", evs)
	}
	if cl.c.Buffered(1) != 0 || cl.c.StalledStreams() != 0 || len(cl.c.streams) != 0 {
		t.Fatal("state after drain")
	}
}

func TestSendFlowControlInitialWindowSetting(t *testing.T) {
	cl := newClient(t, Config{}, xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 10})
	cl.respond(1)
	if n, _ := cl.c.WriteData(1, []byte("0123456789abcdef"), false); n != 10 {
		t.Fatalf("written %d", n)
	}
	cl.frames()
	// Shrinking makes the window negative (RFC 9113 §6.9.2)...
	_ = cl.fw.WriteSettings(xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 5})
	_ = cl.fw.WriteWindowUpdate(1, 3)
	cl.mustFlush()
	if got, _ := dataBytes(cl.frames(), 1); got != 0 {
		t.Fatalf("sent %d with a window of -2", got)
	}
	// ...and growing it releases data.
	_ = cl.fw.WriteSettings(xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 9})
	cl.mustFlush()
	if got, _ := dataBytes(cl.frames(), 1); got != 2 {
		t.Fatalf("sent %d, want 2", got)
	}
	// New streams start with the current value.
	cl.respond(3)
	if n, _ := cl.c.WriteData(3, make([]byte, 100), false); n != 9 {
		t.Fatalf("written %d", n)
	}
	// Overflowing a stream window through SETTINGS is a connection error.
	_ = cl.fw.WriteWindowUpdate(3, 1<<31-20)
	_ = cl.fw.WriteSettings(xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 1 << 20})
	cl.expectConnError(ErrCodeFlowControl)
}

func TestTrailersAfterQueuedData(t *testing.T) {
	cl := newClient(t, Config{}, xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 4})
	cl.respond(1)
	_, _ = cl.c.WriteData(1, []byte("abcdefgh"), false)
	if err := cl.c.WriteTrailers(1, []Header{{"grpc-status", "0"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.c.WriteData(1, []byte("x"), false); err != ErrStreamClosed {
		t.Fatalf("write after trailers: %v", err)
	}
	fs := cl.frames()
	if got, _ := dataBytes(fs, 1); got != 4 || len(only(fs, xhttp2.FrameHeaders)) != 0 {
		t.Fatalf("frames %+v", fs)
	}
	_ = cl.fw.WriteWindowUpdate(1, 100)
	cl.mustFlush()
	fs = cl.frames()
	if len(fs) != 2 || string(fs[0].Data) != "efgh" || fs[0].endStream() ||
		fs[1].Type != xhttp2.FrameHeaders || !fs[1].endStream() || fs[1].header("grpc-status") != "0" {
		t.Fatalf("frames %+v", fs)
	}
}

func TestRoundRobin(t *testing.T) {
	cl := newClient(t, Config{}, xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 1 << 20})
	cl.respond(1)
	cl.respond(3)
	// Use up the 65535-byte connection window.
	_, _ = cl.c.WriteData(1, make([]byte, 65535), false)
	cl.frames()
	_, _ = cl.c.WriteData(1, make([]byte, 100000), true)
	_, _ = cl.c.WriteData(3, make([]byte, 100000), true)
	if cl.c.StalledStreams() != 2 {
		t.Fatal("streams not stalled")
	}
	_ = cl.fw.WriteWindowUpdate(0, 40000)
	cl.mustFlush()
	fs := only(cl.frames(), xhttp2.FrameData)
	a, _ := dataBytes(fs, 1)
	b, _ := dataBytes(fs, 3)
	if a+b != 40000 || a < 16384 || b < 16384 {
		t.Fatalf("stream 1 got %d, stream 3 got %d", a, b)
	}
}

func TestReceiveFlowControl(t *testing.T) {
	cl := newClient(t, Config{InitialWindowSize: 100, ConnWindowSize: 65535})
	cl.openPost(1)
	cl.data(1, false, string(make([]byte, 60)))
	cl.mustFlush()
	evs := cl.events()
	if len(evs) != 1 || len(evs[0].Data) != 60 {
		t.Fatalf("events %+v", evs)
	}
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("window update before the data was consumed: %+v", fs)
	}
	cl.c.ConsumeData(1, 49)
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("update below half a window: %+v", fs)
	}
	cl.c.ConsumeData(1, 1000) // clamped to the 11 bytes left
	fs := cl.frames()
	if len(fs) != 1 || fs[0].Stream != 1 || fs[0].Incr != 60 {
		t.Fatalf("frames %+v", fs)
	}
	// The window is 100 again: 100 fit, 101 do not.
	cl.data(1, false, string(make([]byte, 100)))
	cl.mustFlush()
	cl.data(1, false, "x")
	cl.expectRST(1, ErrCodeFlowControl)
}

func TestReceiveConnectionWindow(t *testing.T) {
	cl := newClient(t, Config{InitialWindowSize: 65535, ConnWindowSize: 65535})
	for id := uint32(1); id <= 5; id += 2 {
		cl.openPost(id)
	}
	cl.data(1, false, string(make([]byte, 16384)))
	cl.data(1, false, string(make([]byte, 16384)))
	cl.data(3, false, string(make([]byte, 16384)))
	cl.data(3, false, string(make([]byte, 16383)))
	cl.mustFlush()
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("frames %+v", fs)
	}
	// Consuming returns connection credit once half the window is back.
	cl.c.ConsumeData(1, 32768)
	fs := only(cl.frames(), xhttp2.FrameWindowUpdate)
	if len(fs) != 2 || fs[0].Stream != 0 || fs[0].Incr != 32768 || fs[1].Stream != 1 {
		t.Fatalf("frames %+v", fs)
	}
	// Closing a stream returns what it held (32767, half the window).
	_ = cl.c.ResetStream(3, ErrCodeCancel)
	fs = only(cl.frames(), xhttp2.FrameWindowUpdate)
	if len(fs) != 1 || fs[0].Stream != 0 || fs[0].Incr != 32767 {
		t.Fatalf("frames %+v", fs)
	}
	cl.data(5, false, string(make([]byte, 16384)))
	cl.data(5, false, string(make([]byte, 16384)))
	cl.data(5, false, string(make([]byte, 16384)))
	cl.data(5, false, string(make([]byte, 16384)))
	cl.data(5, false, "x") // 65536 > 65535 in flight (stream 1 holds nothing)
	cl.expectConnError(ErrCodeFlowControl)
}

func TestDiscardedDataCredited(t *testing.T) {
	cl := newClient(t, Config{ConnWindowSize: 65535})
	cl.openPost(1)
	_ = cl.c.ResetStream(1, ErrCodeCancel)
	cl.frames()
	// Far more than the connection window, all discarded and credited.
	for range 10 {
		cl.data(1, false, string(make([]byte, 16384)))
		cl.mustFlush()
	}
	if len(only(cl.frames(), xhttp2.FrameWindowUpdate)) < 4 {
		t.Fatal("discarded data not credited back")
	}
}

func TestReceiveWindowBeforeSettingsAck(t *testing.T) {
	// Until the client acknowledges our SETTINGS it may still assume the
	// 65535-byte default window (RFC 9113 §6.9.2).
	cl := newRawClient(t, NewConn(Config{InitialWindowSize: 100}))
	cl.frames()
	cl.in.WriteString(ClientPreface)
	_ = cl.fw.WriteSettings()
	cl.headers(1, false, post("/")...)
	cl.data(1, false, string(make([]byte, 1000)))
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 2 || len(evs[1].Data) != 1000 {
		t.Fatalf("events %+v", evs)
	}
	_ = cl.fw.WriteSettingsAck()
	cl.headers(3, false, post("/")...)
	cl.data(3, false, string(make([]byte, 101)))
	cl.expectRST(3, ErrCodeFlowControl)
}

func TestClientEndsAfterResponse(t *testing.T) {
	cl := newClient(t, Config{})
	cl.openPost(1)
	_ = cl.c.WriteHeaders(1, 200, nil, true)
	cl.data(1, false, "late")
	cl.data(1, true, "")
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || string(evs[0].Data) != "late" || !evs[0].EndStream {
		t.Fatalf("events %+v", evs)
	}
	if len(cl.c.streams) != 0 {
		t.Fatal("stream not closed when both sides ended")
	}
}

func TestDataSentCountsFramedBytesOnly(t *testing.T) {
	cl := newClient(t, Config{}, xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 10})
	cl.respond(1)
	if n, err := cl.c.WriteData(1, make([]byte, 25), true); n != 10 || err != nil {
		t.Fatal(n, err)
	}
	if got := cl.c.DataSent(); got != 10 {
		t.Fatalf("DataSent %d, want 10 (the rest waits for the window)", got)
	}
	// Progress, as a transport's stall timer sees it, comes with each
	// window the peer opens.
	_ = cl.fw.WriteWindowUpdate(1, 5)
	cl.mustFlush()
	if got := cl.c.DataSent(); got != 15 || cl.c.StalledStreams() != 1 {
		t.Fatalf("DataSent %d, stalled %d", got, cl.c.StalledStreams())
	}
	_ = cl.fw.WriteWindowUpdate(1, 100)
	cl.mustFlush()
	if got := cl.c.DataSent(); got != 25 || cl.c.StalledStreams() != 0 {
		t.Fatalf("DataSent %d, stalled %d", got, cl.c.StalledStreams())
	}
}

// A producer that tops the queue up while the peer drains it slowly never lets it empty; the
// queue must still not grow by everything ever sent.
func TestQueueThatNeverEmptiesStaysBounded(t *testing.T) {
	cl := newClient(t, Config{})
	cl.respond(1)
	chunk := bytes.Repeat([]byte("x"), 16384)
	for range 5 { // fill the initial windows and queue a few chunks beyond them
		if _, err := cl.c.WriteData(1, chunk, false); err != nil {
			t.Fatal(err)
		}
	}
	cl.frames()
	for range 2000 { // 32 MiB through a window that opens one chunk at a time
		_ = cl.fw.WriteWindowUpdate(0, uint32(len(chunk)))
		_ = cl.fw.WriteWindowUpdate(1, uint32(len(chunk)))
		cl.mustFlush()
		cl.frames()
		if _, err := cl.c.WriteData(1, chunk, false); err != nil {
			t.Fatal(err)
		}
		if cl.c.Buffered(1) == 0 {
			t.Fatal("the queue emptied; the test needs it never to")
		}
	}
	s := cl.c.streams[1]
	if c := cap(s.queue); c > 1<<20 {
		t.Fatalf("queue capacity %d bytes after 32 MiB sent with about %d queued", c, cl.c.Buffered(1))
	}
}

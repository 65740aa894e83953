package http2

import (
	"encoding/binary"
	"testing"

	xhttp2 "golang.org/x/net/http2"
)

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// openPost opens stream id with a request whose body is still to come.
func (cl *client) openPost(id uint32) {
	cl.t.Helper()
	cl.headers(id, false, post("/")...)
	cl.mustFlush()
	cl.frames()
	cl.events()
}

func TestDataFrameErrors(t *testing.T) {
	t.Run("stream 0", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.raw(xhttp2.FrameData, 0, 0, []byte("x"))
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("idle stream", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.data(1, false, "x")
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("even stream", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(3)
		cl.data(2, false, "x")
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("padding too long", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		cl.raw(xhttp2.FrameData, xhttp2.FlagDataPadded, 1, []byte{4, 'a', 0, 0})
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("padded without pad length", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		cl.raw(xhttp2.FrameData, xhttp2.FlagDataPadded, 1, nil)
		cl.expectConnError(ErrCodeFrameSize)
	})
	t.Run("half-closed remote", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, true, get("/")...)
		cl.mustFlush()
		cl.events()
		cl.data(1, false, "x")
		cl.expectRST(1, ErrCodeStreamClosed)
		if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventStreamReset || evs[0].Remote || evs[0].Code != ErrCodeStreamClosed {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("closed stream", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, true, get("/")...)
		cl.mustFlush()
		_ = cl.c.WriteHeaders(1, 204, nil, true)
		cl.frames()
		cl.data(1, false, "x")
		cl.expectRST(1, ErrCodeStreamClosed)
	})
	t.Run("after client reset", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		_ = cl.fw.WriteRSTStream(1, xhttp2.ErrCodeCancel)
		cl.data(1, false, "x")
		cl.expectRST(1, ErrCodeStreamClosed)
	})
	t.Run("after our reset is discarded", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		if err := cl.c.ResetStream(1, ErrCodeCancel); err != nil {
			t.Fatal(err)
		}
		cl.frames()
		cl.data(1, false, "x")
		cl.mustFlush()
		if fs := cl.frames(); len(fs) != 0 {
			t.Fatalf("frames %+v", fs)
		}
		if evs := cl.events(); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
	})
}

func TestDataPaddedDelivered(t *testing.T) {
	cl := newClient(t, Config{InitialWindowSize: 100, ConnWindowSize: 65535})
	cl.openPost(1)
	_ = cl.fw.WriteDataPadded(1, false, []byte("abc"), make([]byte, 60))
	cl.mustFlush()
	evs := cl.events()
	if len(evs) != 1 || string(evs[0].Data) != "abc" || evs[0].EndStream {
		t.Fatalf("events %+v", evs)
	}
	// 61 padding bytes passed half the 100-byte window: returned at once.
	fs := cl.frames()
	if len(fs) != 1 || fs[0].Type != xhttp2.FrameWindowUpdate || fs[0].Stream != 1 || fs[0].Incr != 61 {
		t.Fatalf("frames %+v", fs)
	}
	cl.data(1, true, "")
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || len(evs[0].Data) != 0 || !evs[0].EndStream {
		t.Fatalf("events %+v", evs)
	}
}

func TestHeadersFrameFlags(t *testing.T) {
	cl := newClient(t, Config{})
	blk := cl.encode(get("/p")...)
	_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: blk, EndStream: true,
		EndHeaders: true, PadLength: 17, Priority: xhttp2.PriorityParam{StreamDep: 0, Weight: 200, Exclusive: true}})
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Path != "/p" {
		t.Fatalf("events %+v", evs)
	}

	t.Run("padding too long", func(t *testing.T) {
		cl := newClient(t, Config{})
		blk := cl.encode(get("/")...)
		p := append([]byte{byte(len(blk) + 1)}, blk...)
		cl.raw(xhttp2.FrameHeaders, xhttp2.FlagHeadersEndHeaders|xhttp2.FlagHeadersPadded, 1, p)
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("priority too short", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.raw(xhttp2.FrameHeaders, xhttp2.FlagHeadersEndHeaders|xhttp2.FlagHeadersPriority, 1, []byte{0, 0})
		cl.expectConnError(ErrCodeFrameSize)
	})
	t.Run("self dependency", func(t *testing.T) {
		cl := newClient(t, Config{})
		blk := cl.encode(get("/")...)
		_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: blk, EndStream: true,
			EndHeaders: true, Priority: xhttp2.PriorityParam{StreamDep: 1, Weight: 1}})
		cl.expectRST(1, ErrCodeProtocol)
		if evs := cl.events(); len(evs) != 0 {
			t.Fatalf("events %+v", evs)
		}
		// HPACK state stayed in step: the next request decodes.
		cl.headers(3, true, get("/")...)
		cl.mustFlush()
		if evs := cl.events(); len(evs) != 1 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("stream 0", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(0, true, get("/")...)
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("even stream", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(2, true, get("/")...)
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("decreasing stream id", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(5, true, get("/")...)
		cl.mustFlush()
		cl.headers(3, true, get("/")...)
		cl.expectConnError(ErrCodeProtocol)
	})
	t.Run("on half-closed remote", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, true, get("/")...)
		cl.mustFlush()
		cl.events()
		cl.headers(1, true, "x", "y")
		cl.expectRST(1, ErrCodeStreamClosed)
	})
	t.Run("on closed stream", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.headers(1, true, get("/")...)
		cl.mustFlush()
		_ = cl.c.WriteHeaders(1, 204, nil, true)
		cl.headers(1, true, "x", "y")
		cl.expectConnError(ErrCodeStreamClosed)
	})
	t.Run("trailers after our reset are discarded", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		_ = cl.c.ResetStream(1, ErrCodeInternal)
		cl.frames()
		cl.headers(1, true, "x-trailer", "y")
		cl.headers(3, true, get("/")...)
		cl.mustFlush()
		if evs := cl.events(); len(evs) != 1 || evs[0].Stream != 3 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("bad hpack", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.raw(xhttp2.FrameHeaders, xhttp2.FlagHeadersEndHeaders, 1, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
		cl.expectConnError(ErrCodeCompression)
	})
	t.Run("truncated hpack", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.raw(xhttp2.FrameHeaders, xhttp2.FlagHeadersEndHeaders, 1, []byte{0x40, 0x05, 'a'})
		cl.expectConnError(ErrCodeCompression)
	})
}

func TestPriorityFrame(t *testing.T) {
	cl := newClient(t, Config{})
	_ = cl.fw.WritePriority(5, xhttp2.PriorityParam{StreamDep: 3, Weight: 10})
	cl.headers(1, true, get("/")...) // PRIORITY did not open stream 5
	cl.mustFlush()
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("frames %+v", fs)
	}
	if evs := cl.events(); len(evs) != 1 || evs[0].Stream != 1 {
		t.Fatalf("events %+v", evs)
	}
	_ = cl.fw.WritePriority(1, xhttp2.PriorityParam{StreamDep: 3, Weight: 10}) // on an open stream
	cl.mustFlush()

	cl.raw(xhttp2.FramePriority, 0, 7, []byte{0, 0, 0, 1})
	cl.expectRST(7, ErrCodeFrameSize)
	_ = cl.fw.WritePriority(9, xhttp2.PriorityParam{StreamDep: 9})
	cl.expectRST(9, ErrCodeProtocol)
	_ = cl.fw.WritePriority(1, xhttp2.PriorityParam{StreamDep: 1})
	cl.expectRST(1, ErrCodeProtocol)

	cl.raw(xhttp2.FramePriority, 0, 0, make([]byte, 5))
	cl.expectConnError(ErrCodeProtocol)
}

func TestRSTStreamFrame(t *testing.T) {
	cl := newClient(t, Config{})
	cl.openPost(1)
	_ = cl.fw.WriteRSTStream(1, xhttp2.ErrCodeCancel)
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventStreamReset || !evs[0].Remote || evs[0].Code != ErrCodeCancel {
		t.Fatalf("events %+v", evs)
	}
	if _, err := cl.c.WriteData(1, nil, true); err != ErrStreamClosed {
		t.Fatal(err)
	}
	_ = cl.fw.WriteRSTStream(1, xhttp2.ErrCodeCancel) // closed: ignored
	cl.mustFlush()

	for _, tc := range []struct {
		id   uint32
		p    []byte
		code ErrCode
	}{
		{0, u32(0), ErrCodeProtocol},
		{3, u32(0), ErrCodeProtocol}, // idle
		{1, []byte{0, 0, 0}, ErrCodeFrameSize},
	} {
		cl := newClient(t, Config{})
		cl.openPost(1)
		cl.raw(xhttp2.FrameRSTStream, 0, tc.id, tc.p)
		cl.expectConnError(tc.code)
	}
}

func TestSettingsFrameErrors(t *testing.T) {
	setting := func(id uint16, v uint32) []byte {
		return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint16(nil, id), v)
	}
	for _, tc := range []struct {
		name  string
		flags xhttp2.Flags
		id    uint32
		p     []byte
		code  ErrCode
	}{
		{"ack with payload", xhttp2.FlagSettingsAck, 0, setting(1, 1), ErrCodeFrameSize},
		{"length", 0, 0, []byte{0, 1, 0}, ErrCodeFrameSize},
		{"stream", 0, 1, setting(1, 1), ErrCodeProtocol},
		{"enable push", 0, 0, setting(2, 2), ErrCodeProtocol},
		{"connect protocol", 0, 0, setting(8, 7), ErrCodeProtocol},
		{"window too big", 0, 0, setting(4, 1<<31), ErrCodeFlowControl},
		{"frame size small", 0, 0, setting(5, 16383), ErrCodeProtocol},
		{"frame size big", 0, 0, setting(5, 1<<24), ErrCodeProtocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, Config{})
			cl.raw(xhttp2.FrameSettings, tc.flags, tc.id, tc.p)
			cl.expectConnError(tc.code)
		})
	}
	t.Run("unknown ignored", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.raw(xhttp2.FrameSettings, 0, 0, append(setting(0x99, 5), setting(3, 0)...))
		cl.mustFlush()
		if fs := cl.frames(); len(fs) != 1 || !fs[0].Flags.Has(xhttp2.FlagSettingsAck) {
			t.Fatalf("frames %+v", fs)
		}
	})
}

func TestSettingsHeaderTableSize(t *testing.T) {
	// The client shrinks our encoder's table to zero; its decoder (the
	// test client's, strict about table size updates) must keep up.
	cl := newClient(t, Config{}, xhttp2.Setting{ID: xhttp2.SettingHeaderTableSize, Val: 0})
	cl.fr.ReadMetaHeaders.SetAllowedMaxDynamicTableSize(0)
	for id := uint32(1); id < 7; id += 2 {
		cl.headers(id, true, get("/")...)
		cl.mustFlush()
		if err := cl.c.WriteHeaders(id, 200, []Header{{"x-a", "b"}}, true); err != nil {
			t.Fatal(err)
		}
		fs := cl.frames()
		if len(fs) != 1 || fs[0].header("x-a") != "b" {
			t.Fatalf("frames %+v", fs)
		}
	}
}

func TestSettingsMaxFrameSizeSplitsData(t *testing.T) {
	cl := newClient(t, Config{}, xhttp2.Setting{ID: xhttp2.SettingMaxFrameSize, Val: 20000})
	_ = cl.fw.WriteWindowUpdate(0, 100000)
	cl.headers(1, true, get("/")...)
	cl.mustFlush()
	_ = cl.c.WriteHeaders(1, 200, nil, false)
	n, err := cl.c.WriteData(1, make([]byte, 50000), true)
	if err != nil || n != 50000 {
		t.Fatal(n, err)
	}
	// The stream window is 65535, so all fits, in frames of <= 20000.
	fs := only(cl.frames(), xhttp2.FrameData)
	if len(fs) != 3 || len(fs[0].Data) != 20000 || len(fs[2].Data) != 10000 || !fs[2].endStream() {
		t.Fatalf("data frames: %d", len(fs))
	}
}

func TestPushPromiseRejected(t *testing.T) {
	cl := newClient(t, Config{})
	cl.raw(xhttp2.FramePushPromise, xhttp2.FlagPushPromiseEndHeaders, 0, []byte{0, 0, 0, 2})
	cl.expectConnError(ErrCodeProtocol)
}

func TestPingFrameErrors(t *testing.T) {
	cl := newClient(t, Config{})
	cl.raw(xhttp2.FramePing, 0, 0, make([]byte, 7))
	cl.expectConnError(ErrCodeFrameSize)
	cl = newClient(t, Config{})
	cl.raw(xhttp2.FramePing, 0, 1, make([]byte, 8))
	cl.expectConnError(ErrCodeProtocol)
}

func TestGoAwayFrameErrors(t *testing.T) {
	cl := newClient(t, Config{})
	cl.raw(xhttp2.FrameGoAway, 0, 1, make([]byte, 8))
	cl.expectConnError(ErrCodeProtocol)
	cl = newClient(t, Config{})
	cl.raw(xhttp2.FrameGoAway, 0, 0, make([]byte, 7))
	cl.expectConnError(ErrCodeFrameSize)
}

func TestWindowUpdateFrame(t *testing.T) {
	for _, tc := range []struct {
		name string
		id   uint32
		p    []byte
		code ErrCode
	}{
		{"length", 0, []byte{0, 0, 1}, ErrCodeFrameSize},
		{"zero increment on connection", 0, u32(0), ErrCodeProtocol},
		{"connection overflow", 0, u32(1<<31 - 1), ErrCodeFlowControl},
		{"idle stream", 5, u32(1), ErrCodeProtocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, Config{})
			cl.openPost(1)
			cl.raw(xhttp2.FrameWindowUpdate, 0, tc.id, tc.p)
			cl.expectConnError(tc.code)
		})
	}
	t.Run("stream errors", func(t *testing.T) {
		cl := newClient(t, Config{})
		cl.openPost(1)
		cl.openPost(3)
		cl.raw(xhttp2.FrameWindowUpdate, 0, 1, u32(0))
		cl.expectRST(1, ErrCodeProtocol)
		cl.raw(xhttp2.FrameWindowUpdate, 0, 3, u32(1<<31-1))
		cl.expectRST(3, ErrCodeFlowControl)
		cl.raw(xhttp2.FrameWindowUpdate, 0, 3, u32(1)) // closed: ignored
		cl.mustFlush()
		if fs := cl.frames(); len(fs) != 0 {
			t.Fatalf("frames %+v", fs)
		}
	})
}

func TestContinuationSequencing(t *testing.T) {
	cl := newClient(t, Config{})
	blk := cl.encode(get("/cont", "a", "b")...)
	_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: blk[:3], EndStream: true})
	cl.mustFlush() // the block spans Feed calls
	_ = cl.fw.WriteContinuation(1, false, blk[3:5])
	_ = cl.fw.WriteContinuation(1, false, nil)
	cl.mustFlush()
	_ = cl.fw.WriteContinuation(1, true, blk[5:])
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Path != "/cont" || len(evs[0].Headers) != 1 {
		t.Fatalf("events %+v", evs)
	}

	for _, tc := range []struct {
		name  string
		write func(cl *client)
	}{
		{"continuation without headers", func(cl *client) { _ = cl.fw.WriteContinuation(1, true, nil) }},
		{"continuation after end headers", func(cl *client) {
			cl.headers(1, true, get("/")...)
			_ = cl.fw.WriteContinuation(1, true, nil)
		}},
		{"interrupted by another frame", func(cl *client) {
			_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: cl.encode(get("/")...)})
			_ = cl.fw.WritePing(false, [8]byte{})
		}},
		{"interrupted by unknown frame", func(cl *client) {
			_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: cl.encode(get("/")...)})
			cl.raw(0xee, 0, 0, nil)
		}},
		{"continuation on another stream", func(cl *client) {
			_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: cl.encode(get("/")...)})
			_ = cl.fw.WriteContinuation(3, true, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := newClient(t, Config{})
			tc.write(cl)
			cl.expectConnError(ErrCodeProtocol)
		})
	}
}

package http2

import (
	"bytes"
	"errors"
	"testing"

	xhttp2 "golang.org/x/net/http2"
)

func TestGetRequestResponse(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/hello?x=1", "user-agent", "test", "cookie", "a=1", "cookie", "b=2")...)
	cl.mustFlush()
	evs := cl.events()
	if len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
	ev := evs[0]
	if ev.Kind != EventRequestHeaders || ev.Stream != 1 || ev.Method != "GET" || ev.Scheme != "https" ||
		ev.Authority != "example.com" || ev.Path != "/hello?x=1" || !ev.EndStream || ev.ContentLength != -1 {
		t.Fatalf("event %+v", ev)
	}
	want := []Header{{"user-agent", "test"}, {"cookie", "a=1"}, {"cookie", "b=2"}}
	if len(ev.Headers) != len(want) {
		t.Fatalf("headers %v", ev.Headers)
	}
	for i := range want {
		if ev.Headers[i] != want[i] {
			t.Fatalf("headers %v, want %v", ev.Headers, want)
		}
	}
	if err := cl.c.WriteHeaders(1, 200, []Header{{"content-type", "text/plain"}}, false); err != nil {
		t.Fatal(err)
	}
	if n, err := cl.c.WriteData(1, []byte("ok"), true); n != 2 || err != nil {
		t.Fatal(n, err)
	}
	fs := cl.frames()
	if len(fs) != 2 || fs[0].Type != xhttp2.FrameHeaders || fs[0].header(":status") != "200" ||
		fs[0].header("content-type") != "text/plain" || fs[0].endStream() ||
		fs[1].Type != xhttp2.FrameData || string(fs[1].Data) != "ok" || !fs[1].endStream() {
		t.Fatalf("frames %+v", fs)
	}
	if len(cl.c.streams) != 0 {
		t.Fatal("stream not closed after both sides ended")
	}
	if _, err := cl.c.WriteData(1, nil, true); !errors.Is(err, ErrStreamClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestServerPreface(t *testing.T) {
	c := NewConn(Config{MaxConcurrentStreams: 7, InitialWindowSize: 1000, MaxFrameSize: 1 << 15,
		MaxHeaderListSize: 4096, ConnWindowSize: 1 << 20, EnableConnectProtocol: true})
	cl := newRawClient(t, c)
	fs := cl.frames()
	if len(fs) != 2 || fs[0].Type != xhttp2.FrameSettings || fs[1].Type != xhttp2.FrameWindowUpdate ||
		fs[1].Stream != 0 || fs[1].Incr != 1<<20-65535 {
		t.Fatalf("preface %+v", fs)
	}
	got := map[xhttp2.SettingID]uint32{}
	for _, s := range fs[0].Settings {
		got[s.ID] = s.Val
	}
	want := map[xhttp2.SettingID]uint32{
		xhttp2.SettingMaxConcurrentStreams: 7, xhttp2.SettingInitialWindowSize: 1000,
		xhttp2.SettingMaxFrameSize: 1 << 15, xhttp2.SettingMaxHeaderListSize: 4096,
		xhttp2.SettingEnableConnectProtocol: 1,
	}
	if len(got) != len(want) {
		t.Fatalf("settings %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("settings %v, want %v", got, want)
		}
	}
}

func TestInvalidPreface(t *testing.T) {
	for _, in := range []string{"GET / HTTP/1.1\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\r"} {
		cl := newRawClient(t, NewConn(Config{}))
		cl.frames()
		cl.in.WriteString(in)
		cl.expectConnError(ErrCodeProtocol)
		if err := cl.c.Feed([]byte("more")); err == nil {
			t.Fatal("error not sticky")
		}
	}
}

func TestPrefaceMustBeFollowedBySettings(t *testing.T) {
	cl := newRawClient(t, NewConn(Config{}))
	cl.frames()
	cl.in.WriteString(ClientPreface)
	if err := cl.fw.WritePing(false, [8]byte{}); err != nil {
		t.Fatal(err)
	}
	cl.expectConnError(ErrCodeProtocol)

	cl = newRawClient(t, NewConn(Config{}))
	cl.frames()
	cl.in.WriteString(ClientPreface)
	_ = cl.fw.WriteSettingsAck()
	cl.expectConnError(ErrCodeProtocol)
}

// TestSplitFeed checks that any split of the input gives the same output
// and events as feeding it whole.
func TestSplitFeed(t *testing.T) {
	build := func() []byte {
		cl := newRawClient(t, NewConn(Config{}))
		cl.in.WriteString(ClientPreface)
		_ = cl.fw.WriteSettings(xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 100})
		_ = cl.fw.WritePing(false, [8]byte{1, 2, 3})
		cl.headers(1, false, post("/upload", "content-length", "11")...)
		cl.data(1, false, "hello")
		_ = cl.fw.WriteDataPadded(1, true, []byte(" world"), make([]byte, 7))
		blk := cl.encode(get("/b", "x-long", string(bytes.Repeat([]byte("v"), 100)))...)
		_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 3, BlockFragment: blk[:10], EndStream: true,
			Priority: xhttp2.PriorityParam{StreamDep: 1, Weight: 5}, PadLength: 3})
		_ = cl.fw.WriteContinuation(3, false, blk[10:50])
		_ = cl.fw.WriteContinuation(3, true, blk[50:])
		_ = cl.fw.WriteRSTStream(3, xhttp2.ErrCodeCancel)
		return bytes.Clone(cl.in.Bytes())
	}
	in := build()
	run := func(chunk int) (string, string) {
		c := NewConn(Config{})
		var evs []Event
		for p := in; len(p) > 0; {
			n := min(chunk, len(p))
			if err := c.Feed(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
			for ev, ok := c.NextEvent(); ok; ev, ok = c.NextEvent() {
				ev.Data = bytes.Clone(ev.Data)
				ev.Headers = append([]Header(nil), ev.Headers...)
				evs = append(evs, ev)
			}
		}
		return string(c.Pending()), describeEvents(evs)
	}
	out1, ev1 := run(len(in))
	if ev1 == "" {
		t.Fatal("no events")
	}
	for _, chunk := range []int{1, 2, 3, 7, 9, 10, 64} {
		out, ev := run(chunk)
		if out != out1 || ev != ev1 {
			t.Fatalf("chunk %d:\n%q\n%s\nwant\n%q\n%s", chunk, out, ev, out1, ev1)
		}
	}
}

// describeEvents renders events with consecutive body pieces of a stream
// merged, since how a body is cut into events depends on Feed boundaries.
func describeEvents(evs []Event) string {
	var b bytes.Buffer
	for i := 0; i < len(evs); i++ {
		ev := evs[i]
		if ev.Kind == EventRequestData {
			data := bytes.Clone(ev.Data)
			for i+1 < len(evs) && evs[i+1].Kind == EventRequestData && evs[i+1].Stream == ev.Stream && !ev.EndStream {
				i++
				data = append(data, evs[i].Data...)
				ev.EndStream = evs[i].EndStream
			}
			ev.Data = data
		}
		b.WriteString(ev.Kind.String())
		b.WriteString(" ")
		b.WriteString(string(rune('0' + ev.Stream)))
		b.WriteString(" " + ev.Method + " " + ev.Path + " " + string(ev.Data))
		for _, h := range ev.Headers {
			b.WriteString(" " + h.Name + "=" + h.Value)
		}
		if ev.EndStream {
			b.WriteString(" END")
		}
		b.WriteString(" " + ev.Code.String() + "\n")
	}
	return b.String()
}

func TestPartialConsume(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/")...)
	cl.mustFlush()
	_ = cl.c.WriteHeaders(1, 200, nil, false)
	_, _ = cl.c.WriteData(1, bytes.Repeat([]byte("x"), 10000), true)
	p := cl.c.Pending()
	total := len(p)
	var got []byte
	for len(cl.c.Pending()) > 0 {
		p := cl.c.Pending()
		n := min(len(p), 777)
		got = append(got, p[:n]...)
		cl.c.Consumed(n)
	}
	if len(got) != total {
		t.Fatalf("consumed %d of %d", len(got), total)
	}
	cl.out.Write(got)
	fs := cl.frames()
	if len(fs) != 2 || len(fs[1].Data) != 10000 {
		t.Fatalf("frames %+v", fs)
	}
	cl.c.Consumed(100) // past the end: ignored
	if len(cl.c.Pending()) != 0 {
		t.Fatal("pending not empty")
	}
}

func TestUnknownFrameIgnored(t *testing.T) {
	cl := newClient(t, Config{})
	cl.raw(0xfa, 0xff, 0, []byte("whatever"))
	cl.raw(0x10, 0, 1, []byte("u=1")) // PRIORITY_UPDATE (RFC 9218) is unknown here
	cl.headers(1, true, get("/")...)
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventRequestHeaders {
		t.Fatalf("events %+v", evs)
	}
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("frames %+v", fs)
	}
}

func TestFrameTooLarge(t *testing.T) {
	cl := newClient(t, Config{})
	// Only the header arrives: the error must not wait for the payload.
	cl.in.Write([]byte{0, 0x40, 0x01, 0, 0, 0, 0, 0, 1})
	cl.expectConnError(ErrCodeFrameSize)

	cl = newClient(t, Config{MaxFrameSize: 1 << 15})
	cl.data(1, false, string(make([]byte, 1<<15+1)))
	cl.expectConnError(ErrCodeFrameSize)
}

func TestPing(t *testing.T) {
	cl := newClient(t, Config{})
	_ = cl.fw.WritePing(false, [8]byte{1, 2, 3, 4, 5, 6, 7, 8})
	cl.mustFlush()
	fs := cl.frames()
	if len(fs) != 1 || fs[0].Type != xhttp2.FramePing || !fs[0].Flags.Has(xhttp2.FlagPingAck) ||
		fs[0].PingData != [8]byte{1, 2, 3, 4, 5, 6, 7, 8} {
		t.Fatalf("frames %+v", fs)
	}
	// Our own ping comes back as an event; an unsolicited ACK does not.
	_ = cl.fw.WritePing(true, [8]byte{9})
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 0 {
		t.Fatalf("unsolicited ack gave %+v", evs)
	}
	if err := cl.c.Ping([8]byte{42}); err != nil {
		t.Fatal(err)
	}
	fs = cl.frames()
	if len(fs) != 1 || fs[0].Flags.Has(xhttp2.FlagPingAck) || fs[0].PingData != [8]byte{42} {
		t.Fatalf("frames %+v", fs)
	}
	_ = cl.fw.WritePing(true, [8]byte{42})
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Kind != EventPingAck || evs[0].PingData != [8]byte{42} {
		t.Fatalf("events %+v", evs)
	}
}

func TestShutdown(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/")...)
	cl.headers(3, true, get("/")...)
	cl.mustFlush()
	cl.events()
	cl.c.Shutdown()
	cl.c.Shutdown() // idempotent
	fs := cl.frames()
	if len(fs) != 1 || fs[0].Type != xhttp2.FrameGoAway || fs[0].Last != 3 || fs[0].Code != ErrCodeNo {
		t.Fatalf("frames %+v", fs)
	}
	// A stream the client opened after our GOAWAY is ignored.
	cl.headers(5, true, get("/late")...)
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 0 {
		t.Fatalf("late stream delivered: %+v", evs)
	}
	if cl.c.Closed() {
		t.Fatal("closed while streams are open")
	}
	_ = cl.c.WriteHeaders(1, 204, nil, true)
	if cl.c.Closed() {
		t.Fatal("closed while stream 3 is open")
	}
	_ = cl.c.WriteHeaders(3, 204, nil, true)
	if !cl.c.Closed() {
		t.Fatal("not closed after the last stream")
	}
	if fs := cl.frames(); len(only(fs, xhttp2.FrameHeaders)) != 2 {
		t.Fatalf("frames %+v", fs)
	}
}

func TestGoAwayReceived(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/")...)
	_ = cl.fw.WriteGoAway(0, xhttp2.ErrCodeNo, []byte("bye"))
	cl.mustFlush()
	evs := cl.events()
	if len(evs) != 2 || evs[1].Kind != EventGoAway || evs[1].Code != ErrCodeNo || string(evs[1].DebugData) != "bye" {
		t.Fatalf("events %+v", evs)
	}
	if cl.c.Closed() {
		t.Fatal("closed with stream 1 open")
	}
	_ = cl.c.WriteHeaders(1, 200, nil, true)
	if !cl.c.Closed() {
		t.Fatal("not closed")
	}
}

func TestConnErrorAfterwards(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, false, post("/")...)
	cl.mustFlush()
	cl.raw(xhttp2.FramePushPromise, xhttp2.FlagPushPromiseEndHeaders, 1, []byte{0, 0, 0, 2})
	cl.expectConnError(ErrCodeProtocol)
	if f := cl.seen[len(cl.seen)-1]; f.Last != 1 {
		t.Fatalf("GOAWAY last stream %d", f.Last)
	}
	if err := cl.c.WriteHeaders(1, 200, nil, true); !errors.Is(err, ErrConnClosed) {
		t.Fatal(err)
	}
	if err := cl.c.ResetStream(1, ErrCodeCancel); !errors.Is(err, ErrConnClosed) {
		t.Fatal(err)
	}
	if err := cl.c.Ping([8]byte{}); !errors.Is(err, ErrConnClosed) {
		t.Fatal(err)
	}
	if cl.c.Err() == nil {
		t.Fatal("Err is nil")
	}
	cl.c.Shutdown() // no second GOAWAY
	if fs := cl.frames(); len(fs) != 0 {
		t.Fatalf("frames %+v", fs)
	}
}

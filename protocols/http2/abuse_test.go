package http2

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	xhttp2 "golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// attack builds a byte stream with a client's framer (after the preface and
// SETTINGS of newClient) without feeding it.
func attack(t *testing.T, cl *client, build func(fw *xhttp2.Framer, enc func(kv ...string) []byte)) []byte {
	t.Helper()
	build(cl.fw, cl.encode)
	b := bytes.Clone(cl.in.Bytes())
	cl.in.Reset()
	return b
}

// feedAll feeds in in 16 KiB reads, popping events and, when drain is set,
// consuming output as a transport would. It returns the bytes fed before
// Feed failed, the heap bytes allocated while doing it, the largest
// Pending seen and Feed's error.
func feedAll(c *Conn, in []byte, drain bool) (fed int, alloc uint64, maxPending int, err error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for fed < len(in) && err == nil {
		n := min(16<<10, len(in)-fed)
		err = c.Feed(in[fed : fed+n])
		fed += n
		for _, ok := c.NextEvent(); ok; _, ok = c.NextEvent() {
		}
		maxPending = max(maxPending, len(c.Pending()))
		if drain && err == nil {
			c.Consumed(len(c.Pending()))
		}
	}
	runtime.ReadMemStats(&after)
	return fed, after.TotalAlloc - before.TotalAlloc, maxPending, err
}

func wantCalm(t *testing.T, c *Conn, err error) {
	t.Helper()
	var ce *ConnError
	if !errors.As(err, &ce) || ce.Code != ErrCodeEnhanceYourCalm {
		t.Fatalf("error %v, want ENHANCE_YOUR_CALM", err)
	}
	p := c.Pending()
	if len(p) < 17 || p[len(p)-17-len(ce.Reason)+3] != frameGoAway {
		t.Fatal("no GOAWAY at the end of the output")
	}
}

func TestRapidReset(t *testing.T) {
	cl := newClient(t, Config{})
	const n = 100000
	in := attack(t, cl, func(fw *xhttp2.Framer, enc func(...string) []byte) {
		blk := enc(get("/")...) // after the first, the block is all indexed
		for i := range n {
			id := uint32(2*i + 1)
			_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: id, BlockFragment: blk, EndHeaders: true, EndStream: true})
			_ = fw.WriteRSTStream(id, xhttp2.ErrCodeCancel)
			blk = enc(get("/")...)
		}
	})
	fed, alloc, _, err := feedAll(cl.c, in, true)
	wantCalm(t, cl.c, err)
	// Cut off after MaxEarlyResets (200) streams, not 100000.
	if fed > 16<<10*2 {
		t.Fatalf("fed %d of %d bytes before GOAWAY", fed, len(in))
	}
	// The events of one 16 KiB read (a few hundred) dominate.
	if alloc > 1<<20 {
		t.Fatalf("allocated %d bytes", alloc)
	}
}

func TestCancellationsWithServedRequestsAllowed(t *testing.T) {
	// A browser cancelling now and then while most requests complete is
	// not an attack: completed responses pay the score back.
	cl := newClient(t, Config{MaxEarlyResets: 20})
	for i := range 1000 {
		id := uint32(2*i + 1)
		cl.headers(id, true, get("/")...)
		cl.mustFlush()
		if i%3 == 0 {
			_ = cl.fw.WriteRSTStream(id, xhttp2.ErrCodeCancel)
		} else {
			_ = cl.c.WriteHeaders(id, 204, nil, true)
		}
		cl.mustFlush()
		cl.events()
		cl.frames()
	}
}

func TestContinuationFlood(t *testing.T) {
	t.Run("empty frames", func(t *testing.T) {
		cl := newClient(t, Config{})
		in := attack(t, cl, func(fw *xhttp2.Framer, enc func(...string) []byte) {
			_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: enc(get("/")...)})
			for range 1 << 20 {
				_ = fw.WriteContinuation(1, false, nil)
			}
		})
		fed, alloc, _, err := feedAll(cl.c, in, true)
		wantCalm(t, cl.c, err)
		// 32 KiB budget at 9 bytes per frame: about 3640 frames.
		if fed > 64<<10 || alloc > 64<<10 {
			t.Fatalf("fed %d bytes, allocated %d", fed, alloc)
		}
	})
	t.Run("large block", func(t *testing.T) {
		cl := newClient(t, Config{})
		in := attack(t, cl, func(fw *xhttp2.Framer, enc func(...string) []byte) {
			_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: enc(get("/")...)})
			for i := range 1000 {
				blk := enc("x-filler-"+strings.Repeat("n", i%50), strings.Repeat("v", 8000))
				_ = fw.WriteContinuation(1, false, blk)
			}
		})
		fed, alloc, _, err := feedAll(cl.c, in, true)
		wantCalm(t, cl.c, err)
		if fed > 64<<10 || alloc > 256<<10 {
			t.Fatalf("fed %d bytes, allocated %d", fed, alloc)
		}
		if cap(cl.c.carry) > 9+16384 || len(cl.c.hdrArena) > 100 {
			t.Fatalf("buffers grew: carry %d, fields %d", cap(cl.c.carry), len(cl.c.hdrArena))
		}
	})
}

func TestHPACKBomb(t *testing.T) {
	// One 4000-byte field enters the dynamic table; each later reference
	// costs the attacker one byte and would cost a naive server 4 KB.
	bomb := func(refs int) []byte {
		var b bytes.Buffer
		enc := hpack.NewEncoder(&b)
		for i := 0; i < 8; i += 2 {
			kv := get("/")
			_ = enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
		}
		_ = enc.WriteField(hpack.HeaderField{Name: "x-bomb", Value: strings.Repeat("b", 4000)})
		for range refs {
			b.WriteByte(0x80 | 62) // indexed: the newest dynamic entry
		}
		return b.Bytes()
	}
	t.Run("within block budget", func(t *testing.T) {
		cl := newClient(t, Config{})
		blk := bomb(20000) // 80 MB decoded
		in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
			_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: blk[:16000], EndStream: true})
			_ = fw.WriteContinuation(1, true, blk[16000:])
		})
		_, alloc, _, err := feedAll(cl.c, in, false)
		if err != nil {
			t.Fatal(err)
		}
		if alloc > 128<<10 {
			t.Fatalf("allocated %d bytes", alloc)
		}
		cl.pump()
		if fs := cl.frames(); len(fs) != 1 || fs[0].header(":status") != "431" {
			t.Fatalf("frames %+v", fs)
		}
		// Decoder state survived: the next request works.
		cl.headers(3, true, get("/")...)
		cl.mustFlush()
		if evs := eventsOf(cl.events(), EventRequestHeaders); len(evs) != 1 {
			t.Fatalf("events %+v", evs)
		}
	})
	t.Run("beyond block budget", func(t *testing.T) {
		cl := newClient(t, Config{})
		blk := bomb(100000)
		in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
			_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: blk[:16000], EndStream: true})
			for p := blk[16000:]; len(p) > 0; {
				n := min(len(p), 16000)
				_ = fw.WriteContinuation(1, n == len(p), p[:n])
				p = p[n:]
			}
		})
		fed, alloc, _, err := feedAll(cl.c, in, false)
		wantCalm(t, cl.c, err)
		if fed > 64<<10 || alloc > 128<<10 {
			t.Fatalf("fed %d, allocated %d bytes", fed, alloc)
		}
	})
	t.Run("repeated", func(t *testing.T) {
		cl := newClient(t, Config{MaxEarlyResets: 10})
		blk := bomb(5000)
		in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
			for i := range 100 {
				_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: uint32(2*i + 1), BlockFragment: blk, EndStream: true, EndHeaders: true})
			}
		})
		_, _, _, err := feedAll(cl.c, in, true)
		wantCalm(t, cl.c, err)
	})
	t.Run("huge literal", func(t *testing.T) {
		// A string longer than MaxHeaderBlockBytes is refused by the
		// decoder before it is buffered or decoded.
		cl := newClient(t, Config{MaxHeaderListSize: 1000})
		var b bytes.Buffer
		b.Write([]byte{0x00, 0x01, 'x', 0x7f, 0xff, 0xff, 0x03}) // literal, value length 65662
		in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
			_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: b.Bytes()})
		})
		_, _, _, err := feedAll(cl.c, in, true)
		wantCalm(t, cl.c, err)
	})
}

func TestSettingsFlood(t *testing.T) {
	cl := newClient(t, Config{})
	in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
		for range 100000 {
			_ = fw.WriteSettings()
		}
	})
	// A transport that keeps writing copes with any number...
	c2 := newClient(t, Config{})
	if _, _, maxPending, err := feedAll(c2.c, in, true); err != nil || maxPending > 32<<10 {
		t.Fatalf("drained: %v, pending up to %d", err, maxPending)
	}
	// ...but a peer that does not read gets GOAWAY after 10000 ACKs.
	fed, alloc, maxPending, err := feedAll(cl.c, in, false)
	wantCalm(t, cl.c, err)
	if fed > 10001*9+16<<10 || maxPending > 10001*9+100 || alloc > 1<<20 {
		t.Fatalf("fed %d, pending %d, allocated %d", fed, maxPending, alloc)
	}
}

func TestPingFlood(t *testing.T) {
	cl := newClient(t, Config{MaxQueuedControlFrames: 50})
	in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
		for i := range 100000 {
			_ = fw.WritePing(false, [8]byte{byte(i)})
		}
	})
	fed, _, maxPending, err := feedAll(cl.c, in, false)
	wantCalm(t, cl.c, err)
	if fed > 16<<10 || maxPending > 51*17+100 {
		t.Fatalf("fed %d, pending %d", fed, maxPending)
	}
	// Partially drained output releases only the frames written out.
	c := newClient(t, Config{MaxQueuedControlFrames: 3}).c
	ping := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
		_ = fw.WritePing(false, [8]byte{})
		_ = fw.WritePing(false, [8]byte{})
		_ = fw.WritePing(false, [8]byte{})
	})
	if err := c.Feed(ping); err != nil {
		t.Fatal(err)
	}
	c.Consumed(17*2 + 5) // two ACKs and part of the third written
	if err := c.Feed(ping[:34]); err != nil {
		t.Fatal(err) // 1 + 2 queued
	}
	if err := c.Feed(ping[:17]); err == nil {
		t.Fatal("fourth queued ACK accepted")
	}
}

func TestResetElicitationFlood(t *testing.T) {
	// DATA on a closed stream makes us send RST_STREAM each time.
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/")...)
	cl.mustFlush()
	_ = cl.c.WriteHeaders(1, 204, nil, true)
	cl.frames()
	in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
		for range 100000 {
			_ = fw.WriteData(1, false, nil)
		}
	})
	fed, _, _, err := feedAll(cl.c, in, false)
	wantCalm(t, cl.c, err)
	if fed > 10001*9+16<<10 {
		t.Fatalf("fed %d", fed)
	}
}

func TestTooManyStreams(t *testing.T) {
	cl := newClient(t, Config{MaxConcurrentStreams: 10, MaxEarlyResets: 50})
	for i := range 10 {
		cl.headers(uint32(2*i+1), false, post("/")...)
	}
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 10 {
		t.Fatalf("%d events", len(evs))
	}
	cl.headers(21, true, get("/")...)
	cl.expectRST(21, ErrCodeRefusedStream)
	// Completing one frees a slot.
	_ = cl.c.ResetStream(1, ErrCodeNo)
	cl.headers(23, true, get("/")...)
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Stream != 23 {
		t.Fatalf("events %+v", evs)
	}
	// A client that ignores the limit is cut off; memory stays bounded.
	in := attack(t, cl, func(fw *xhttp2.Framer, enc func(...string) []byte) {
		for i := range 10000 {
			_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: uint32(25 + 2*i), BlockFragment: enc(get("/")...), EndHeaders: true, EndStream: true})
		}
	})
	fed, _, _, err := feedAll(cl.c, in, true)
	wantCalm(t, cl.c, err)
	if fed > 16<<10 {
		t.Fatalf("fed %d", fed)
	}
}

func TestZeroWindowSlowloris(t *testing.T) {
	// The client opens no window, so a response sits in the Conn. The
	// Conn cannot tell time; the transport sees StalledStreams and
	// BufferedTotal, and after its write timeout shuts the connection
	// down.
	cl := newClient(t, Config{}, xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 0})
	cl.respond(1)
	n, err := cl.c.WriteData(1, make([]byte, 1<<20), true)
	if n != 0 || err != nil {
		t.Fatal(n, err)
	}
	// Dribbling one byte at a time keeps it stalled.
	for range 100 {
		_ = cl.fw.WriteWindowUpdate(1, 1)
		cl.mustFlush()
	}
	if cl.c.StalledStreams() != 1 || cl.c.BufferedTotal() != 1<<20-100 || cl.c.Buffered(1) != 1<<20-100 {
		t.Fatalf("stalled %d buffered %d", cl.c.StalledStreams(), cl.c.BufferedTotal())
	}
	// The transport's timeout policy: GOAWAY, then cancel what is stuck.
	cl.c.Shutdown()
	if cl.c.Closed() {
		t.Fatal("closed with a stream open")
	}
	_ = cl.c.ResetStream(1, ErrCodeCancel)
	if !cl.c.Closed() || cl.c.BufferedTotal() != 0 {
		t.Fatal("not closed after cancelling the stalled stream")
	}
	fs := cl.frames()
	if len(only(fs, xhttp2.FrameGoAway)) != 1 || len(only(fs, xhttp2.FrameRSTStream)) != 1 {
		t.Fatalf("frames %+v", fs)
	}
}

func TestIdleFramesBounded(t *testing.T) {
	// Frames that need no answer (PRIORITY, unknown types, WINDOW_UPDATE)
	// cost constant memory however many arrive.
	cl := newClient(t, Config{})
	cl.openPost(1)
	in := attack(t, cl, func(fw *xhttp2.Framer, _ func(...string) []byte) {
		for i := range 30000 {
			_ = fw.WritePriority(uint32(3+2*i), xhttp2.PriorityParam{StreamDep: 1})
			_ = fw.WriteRawFrame(0xcc, 0, 0, []byte("junk"))
			_ = fw.WriteWindowUpdate(1, 1)
		}
	})
	_, alloc, maxPending, err := feedAll(cl.c, in, false)
	if err != nil || alloc > 64<<10 || maxPending != 0 {
		t.Fatalf("err %v, allocated %d, pending %d", err, alloc, maxPending)
	}
}

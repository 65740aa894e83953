package server

import (
	"bytes"
	"io"
	"testing"
	"time"

	h2core "github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/transport"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Test drives a session over HTTP/2 in memory. unsent plays the transport's buffer of
// bytes the peer has not read.
type h2Test struct {
	t      *testing.T
	sess   *session
	unsent int
	out    []byte
	action transport.Action
}

func newH2Test(t *testing.T, draining *bool) *h2Test {
	_, sess, _ := newTestServer(t, &scriptedCaller{defer_: map[int]bool{1: true}})
	if draining != nil {
		sess.srv.draining = func() bool { return *draining }
	}
	ht := &h2Test{t: t, sess: sess}
	sess.info.Outbound = func() int { return ht.unsent }
	t.Cleanup(sess.OnClose)
	return ht
}

// send feeds frames built by build (after the preface when first is set).
func (ht *h2Test) send(first bool, build func(fr *http2.Framer, enc func(path string) []byte)) {
	var buf bytes.Buffer
	if first {
		buf.WriteString(http2.ClientPreface)
	}
	fr := http2.NewFramer(&buf, nil)
	if first {
		_ = fr.WriteSettings()
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	build(fr, func(path string) []byte {
		hb.Reset()
		for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", path}} {
			_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		return append([]byte(nil), hb.Bytes()...)
	})
	ht.out, ht.action = ht.sess.OnData(buf.Bytes(), ht.out)
}

// h2Frame is a frame read back from the session, with the payload it carried copied (the
// Framer's frames are valid only until the next read).
type h2Frame struct {
	http2.Frame
	payload []byte // DATA contents or a HEADERS block fragment
}

// frames parses what the session wrote so far and forgets it.
func (ht *h2Test) frames() []h2Frame {
	fr := http2.NewFramer(io.Discard, bytes.NewReader(ht.out))
	var fs []h2Frame
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			break
		}
		var p []byte
		switch f := f.(type) {
		case *http2.DataFrame:
			p = bytes.Clone(f.Data())
		case *http2.HeadersFrame:
			p = bytes.Clone(f.HeaderBlockFragment())
		}
		fs = append(fs, h2Frame{f, p})
	}
	ht.out = ht.out[:0]
	return fs
}

func goAway(fs []h2Frame) *http2.GoAwayFrame {
	for _, f := range fs {
		if g, ok := f.Frame.(*http2.GoAwayFrame); ok {
			return g
		}
	}
	return nil
}

func TestH2PingFloodWhileNotReadingEndsInGoAway(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(*http2.Framer, func(string) []byte) {})
	ht.frames()
	ht.unsent = h2OutboundHigh + 1 // the peer stopped reading
	for i := 0; i < 100 && ht.sess.h2.Load().conn.Err() == nil; i++ {
		ht.send(false, func(fr *http2.Framer, _ func(string) []byte) {
			for range 1000 {
				_ = fr.WritePing(false, [8]byte{})
			}
		})
		if len(ht.out) != 0 {
			t.Fatalf("output handed over while the transport holds %d unsent bytes", ht.unsent)
		}
	}
	h := ht.sess.h2.Load()
	if err := h.conn.Err(); err == nil || !bytes.Contains([]byte(err.Error()), []byte("ENHANCE_YOUR_CALM")) {
		t.Fatalf("err %v", err)
	}
	if n := len(h.conn.Pending()); n > 200<<10 {
		t.Fatalf("%d bytes held", n)
	}
	// Once the peer reads, the ACKs and then the GOAWAY go out; the peer gets the linger to
	// close first, then the connection closes.
	ht.unsent = 0
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if g := goAway(ht.frames()); g == nil || g.ErrCode != http2.ErrCodeEnhanceYourCalm || ht.action != transport.Continue {
		t.Fatalf("GOAWAY %v, action %v", g, ht.action)
	}
	if _, action := h.finish(nil, h.lingerUntil); action != transport.CloseAfterWrite {
		t.Fatalf("action %v after the linger", action)
	}
}

func TestH2FailedConnectionWaitsWhilePeerReads(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(*http2.Framer, func(string) []byte) {})
	ht.frames()
	h := ht.sess.h2.Load()
	h.conn.Abort(h2core.ErrCodeProtocol, "test")
	ht.unsent = 1000 // the GOAWAY is still on its way
	start := time.Now().UnixNano()
	if _, action := h.finish(nil, start); action != transport.Continue {
		t.Fatal("closed with output unsent")
	}
	ht.unsent = 500 // the peer reads: keep going past the linger
	h.handedBefore = h.handed
	if _, action := h.finish(nil, start+int64(h2Linger)); action != transport.Continue {
		t.Fatal("closed while the peer was still reading")
	}
	// Nothing taken for the linger: give up.
	if _, action := h.finish(nil, start+2*int64(h2Linger)); action != transport.CloseAfterWrite {
		t.Fatalf("action %v after the peer stopped reading", action)
	}
}

func TestH2StalledResponseTimesOut(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc("/items/5"), EndHeaders: true, EndStream: true})
	})
	h := ht.sess.h2.Load()
	if h.conn.StalledStreams() != 1 || h.stall.since == 0 {
		t.Fatalf("stalled %d since %d", h.conn.StalledStreams(), h.stall.since)
	}
	start := h.stall.since
	h.checkProgress(start + int64(ht.sess.srv.opts.BodyTimeout) - 1)
	if h.conn.Err() != nil {
		t.Fatal("gave up before the body timeout")
	}
	h.checkProgress(start + int64(ht.sess.srv.opts.BodyTimeout))
	if h.conn.Err() == nil {
		t.Fatal("still waiting after the body timeout")
	}
	out, action := h.finish(nil, start+int64(ht.sess.srv.opts.BodyTimeout))
	ht.out = out
	if g := goAway(ht.frames()); g == nil || g.ErrCode != http2.ErrCodeEnhanceYourCalm || action != transport.Continue {
		t.Fatalf("GOAWAY %v, action %v", g, action)
	}
	if _, action := h.finish(nil, h.lingerUntil); action != transport.CloseAfterWrite {
		t.Fatalf("action %v after the linger", action)
	}
}

func TestH2ProgressRestartsTheStallClock(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc("/items/5"), EndHeaders: true, EndStream: true})
	})
	h := ht.sess.h2.Load()
	first := h.stall.since
	time.Sleep(2 * time.Millisecond)
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteWindowUpdate(1, 1) })
	if h.stall.since == first || h.conn.Err() != nil {
		t.Fatalf("a byte of window did not count as progress: %d %d", first, h.stall.since)
	}
	// Answering PINGs is not progress on a stalled response.
	second := h.stall.since
	time.Sleep(2 * time.Millisecond)
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WritePing(false, [8]byte{}) })
	if h.stall.since != second {
		t.Fatal("a PING restarted the stall clock")
	}
}

func TestH2BackedUpRequestsWait(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(*http2.Framer, func(string) []byte) {})
	ht.frames()
	ht.unsent = h2ResponseBacklog + 1
	ht.send(false, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc("/items/5"), EndHeaders: true, EndStream: true})
	})
	h := ht.sess.h2.Load()
	if len(h.waiting) != 1 {
		t.Fatalf("waiting %v", h.waiting)
	}
	ht.unsent = 0
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	var got bool
	for _, f := range ht.frames() {
		if d, ok := f.Frame.(*http2.DataFrame); ok && d.StreamID == 1 && string(f.payload) == `{"item_id":5}` {
			got = true
		}
	}
	if !got || len(h.waiting) != 0 {
		t.Fatalf("request not answered once the peer read (waiting %v)", h.waiting)
	}
}

func TestH2ShutdownSendsGoAwayAndFinishesStreams(t *testing.T) {
	draining := false
	ht := newH2Test(t, &draining)
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc("/slow"), EndHeaders: true, EndStream: true})
	})
	ht.frames()
	if ht.sess.Idle() {
		t.Fatal("an HTTP/2 connection reported idle before its GOAWAY")
	}
	draining = true
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if g := goAway(ht.frames()); g == nil || g.ErrCode != http2.ErrCodeNo || g.LastStreamID != 1 || ht.action != transport.Continue {
		t.Fatalf("GOAWAY %v, action %v", g, ht.action)
	}
	// The parked call answers; the response goes out and the connection closes.
	ht.sess.srv.Deliver(ht.sess.token<<32|1, itemResult)
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	var answered bool
	for _, f := range ht.frames() {
		if d, ok := f.Frame.(*http2.DataFrame); ok && d.StreamID == 1 && d.StreamEnded() {
			answered = true
		}
	}
	if !answered || ht.action != transport.Continue {
		t.Fatalf("answered %v, action %v", answered, ht.action)
	}
	// The client closes after the GOAWAY; if it does not, the linger ends the connection.
	h := ht.sess.h2.Load()
	if _, action := h.finish(nil, h.lingerUntil); action != transport.CloseAfterWrite {
		t.Fatalf("action %v after the linger", action)
	}
}

func TestH2PeerNotReadingTimesOut(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(*http2.Framer, func(string) []byte) {})
	ht.unsent = h2OutboundHigh + 1 // the peer stopped reading
	ht.send(false, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc("/items/5"), EndHeaders: true, EndStream: true})
	})
	h := ht.sess.h2.Load()
	start := h.drain.since
	if start == 0 {
		t.Fatal("drain clock not running while output is held")
	}
	limit := int64(ht.sess.srv.opts.BodyTimeout)
	// The kernel taking bytes is progress...
	ht.unsent--
	h.checkProgress(start + limit/2)
	if h.drain.since != start+limit/2 {
		t.Fatalf("drain clock at %d, want restarted at %d", h.drain.since, start+limit/2)
	}
	// ...and nothing moving for the body timeout ends the connection.
	h.checkProgress(start + limit/2 + limit)
	if h.conn.Err() == nil {
		t.Fatal("still waiting on a peer that reads nothing")
	}
}

func TestH2IdleTimeoutSendsGoAway(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc("/items/5"), EndHeaders: true, EndStream: true})
	})
	ht.frames()
	h := ht.sess.h2.Load()
	if h.idleAt == 0 || ht.sess.Deadline() <= h.idleAt {
		t.Fatalf("idle at %d, transport deadline %d", h.idleAt, ht.sess.Deadline())
	}
	// A PING does not make an idle connection busy.
	idleAt := h.idleAt
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WritePing(false, [8]byte{}) })
	if h.idleAt != idleAt || goAway(ht.frames()) != nil {
		t.Fatal("a PING moved the idle timeout or ended the connection early")
	}
	// A timer pending for an earlier time (a previous idle spell) fires first; the wake for
	// this idle spell is asked for again then.
	h.timerAt = time.Now().Add(time.Hour)
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if !h.timerAt.Before(time.Unix(0, h.idleAt).Add(time.Millisecond)) {
		t.Fatalf("no wake asked for the idle timeout: timer at %v, idle at %v", h.timerAt, time.Unix(0, h.idleAt))
	}
	h.idleAt = time.Now().UnixNano() - 1 // the keep-alive timeout has passed
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if g := goAway(ht.frames()); g == nil || g.ErrCode != http2.ErrCodeNo || g.LastStreamID != 1 {
		t.Fatalf("GOAWAY %v", g)
	}
}

package server

import (
	"bytes"
	"io"
	"sync/atomic"
	"testing"

	"github.com/fasterapi/fasterapi/pybridge"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// newH2StreamTest drives an HTTP/2 session of a server with a WebSocket route (0) and a
// streamed route (1), both deferred as the Python host defers long-lived handlers.
func newH2StreamTest(t *testing.T) (*Server, *h2Test) {
	srv, sess := newStreamServer(t)
	ht := &h2Test{t: t, sess: sess}
	sess.info.Outbound = func() int { return ht.unsent }
	t.Cleanup(sess.OnClose)
	return srv, ht
}

func headerBlock(fields ...[2]string) []byte {
	var b bytes.Buffer
	enc := hpack.NewEncoder(&b)
	for _, f := range fields {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	return b.Bytes()
}

// eachFrame hands every frame the session wrote so far to f, which must not keep it (the
// framer reuses frames), and forgets the bytes.
func eachFrame(ht *h2Test, f func(http2.Frame)) {
	fr := http2.NewFramer(io.Discard, bytes.NewReader(ht.out))
	for {
		frame, err := fr.ReadFrame()
		if err != nil {
			break
		}
		f(frame)
	}
	ht.out = ht.out[:0]
}

func streamToken(srv *Server, ht *h2Test, id uint32) uint64 { return ht.sess.token<<32 | uint64(id) }

// openH2Stream requests /stream on stream 1 of a new HTTP/2 session and attaches its handler.
func openH2Stream(t *testing.T) (*Server, *h2Test, uint64) {
	t.Helper()
	srv, ht := newH2StreamTest(t)
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, EndHeaders: true, EndStream: true,
			BlockFragment: enc("/stream")})
	})
	token := streamToken(srv, ht, 1)
	h2send(t, srv, token, pybridge.OpAttach, 0, "")
	return srv, ht, token
}

func h2send(t *testing.T, srv *Server, token uint64, op pybridge.StreamOp, code int, data string) {
	t.Helper()
	if n := srv.StreamSend(token, op, code, []byte(data)); n < 0 {
		t.Fatalf("StreamSend(%d) = %d", op, n)
	}
}

func TestH2StreamedResponseFramesAndEnd(t *testing.T) {
	srv, ht := newH2StreamTest(t)
	ht.send(true, func(fr *http2.Framer, _ func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, EndHeaders: true, EndStream: true,
			BlockFragment: headerBlock([2]string{":method", "GET"}, [2]string{":scheme", "http"},
				[2]string{":authority", "x"}, [2]string{":path", "/stream"})})
	})
	ht.frames()
	token := streamToken(srv, ht, 1)
	h2send(t, srv, token, pybridge.OpAttach, 0, "")
	h2send(t, srv, token, pybridge.OpHTTPStart, 200, "content-type: text/event-stream\r\n")
	h2send(t, srv, token, pybridge.OpHTTPBody, 0, "data: 1\n\n")
	srv.Deliver(token, pybridge.Result{Status: 200, JSON: true, Body: []byte("null")})
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	var data []byte
	var headers, ended bool
	eachFrame(ht, func(f http2.Frame) {
		switch f := f.(type) {
		case *http2.HeadersFrame:
			headers = true
			if f.StreamEnded() {
				t.Error("the head of a streamed response ended the stream")
			}
		case *http2.DataFrame:
			data = append(data, f.Data()...)
			ended = ended || f.StreamEnded()
		}
	})
	if !headers || string(data) != "data: 1\n\n" || !ended {
		t.Fatalf("headers %v, data %q, ended %v", headers, data, ended)
	}
	if n := srv.StreamSend(token, pybridge.OpHTTPBody, 0, []byte("late")); n != streamGone {
		t.Fatalf("send after the end = %d", n)
	}
}

func TestH2StreamAbortResetsTheStream(t *testing.T) {
	srv, ht := newH2StreamTest(t)
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, EndHeaders: true, EndStream: true,
			BlockFragment: enc("/stream")})
	})
	ht.frames()
	token := streamToken(srv, ht, 1)
	h2send(t, srv, token, pybridge.OpAttach, 0, "")
	h2send(t, srv, token, pybridge.OpHTTPStart, 200, "")
	h2send(t, srv, token, pybridge.OpAbort, 0, "")
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	reset := http2.ErrCode(0xff)
	eachFrame(ht, func(f http2.Frame) {
		if r, ok := f.(*http2.RSTStreamFrame); ok {
			reset = r.ErrCode
		}
	})
	if reset != http2.ErrCodeInternal {
		t.Fatalf("RST_STREAM %v, want INTERNAL_ERROR", reset)
	}
}

func TestH2ClientResetTellsTheHandler(t *testing.T) {
	srv, ht, token := openH2Stream(t)
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteRSTStream(1, http2.ErrCodeCancel) })
	if n := srv.StreamSend(token, pybridge.OpHTTPStart, 200, nil); n != streamGone {
		t.Fatalf("send after the client's reset = %d", n)
	}
}

func TestH2BlockedStreamIsLookedAtAgainWithoutPeerInput(t *testing.T) {
	srv, ht := newH2StreamTest(t)
	var wakes atomic.Int32
	ht.sess.info.Wake = func() { wakes.Add(1) }
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		// Windows wide enough for everything: flow control holds nothing back on the wire.
		_ = fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 30})
		_ = fr.WriteWindowUpdate(0, 1<<30)
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, EndHeaders: true, EndStream: true,
			BlockFragment: enc("/stream")})
	})
	token := streamToken(srv, ht, 1)
	h2send(t, srv, token, pybridge.OpAttach, 0, "")
	h2send(t, srv, token, pybridge.OpHTTPStart, 200, "")
	piece := string(make([]byte, streamBudget+1))
	h2send(t, srv, token, pybridge.OpHTTPBody, 0, piece) // more than one look's budget...
	h2send(t, srv, token, pybridge.OpHTTPBody, 0, piece) // ...so this one waits for the next
	wakes.Store(0)
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if wakes.Load() == 0 {
		t.Fatal("a stream held back for its budget is not looked at again once its output left")
	}
	ht.send(false, func(*http2.Framer, func(string) []byte) {}) // the wake-up's OnData
	var data int
	eachFrame(ht, func(f http2.Frame) {
		if d, ok := f.(*http2.DataFrame); ok {
			data += len(d.Data())
		}
	})
	if data != 2*len(piece) {
		t.Fatalf("%d body bytes written, want %d", data, 2*len(piece))
	}
}

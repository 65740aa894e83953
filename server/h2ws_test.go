package server

import (
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/pybridge"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

func TestH2WebSocketOverExtendedConnect(t *testing.T) {
	srv, ht := newH2StreamTest(t)
	ht.send(true, func(fr *http2.Framer, _ func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, EndHeaders: true,
			BlockFragment: headerBlock([2]string{":method", "CONNECT"}, [2]string{":protocol", "websocket"},
				[2]string{":scheme", "http"}, [2]string{":authority", "x"}, [2]string{":path", "/ws"},
				[2]string{"sec-websocket-version", "13"})})
	})
	var enabled bool
	eachFrame(ht, func(f http2.Frame) {
		if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
			v, found := s.Value(http2.SettingEnableConnectProtocol)
			enabled = found && v == 1
		}
	})
	if !enabled {
		t.Fatal("SETTINGS_ENABLE_CONNECT_PROTOCOL not announced for an app with WebSocket routes")
	}
	token := streamToken(srv, ht, 1)
	h2send(t, srv, token, pybridge.OpAttach, 0, "")
	h2send(t, srv, token, pybridge.OpWSAccept, 0, "\r\n")
	h2send(t, srv, token, pybridge.OpWSText, 0, "hi")
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	var status string
	var data []byte
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) {
		if f.Name == ":status" {
			status = f.Value
		}
	})
	eachFrame(ht, func(f http2.Frame) {
		switch f := f.(type) {
		case *http2.HeadersFrame:
			_, _ = dec.Write(f.HeaderBlockFragment())
		case *http2.DataFrame:
			data = append(data, f.Data()...)
		}
	})
	if status != "200" || string(data) != "\x81\x02hi" {
		t.Fatalf("status %q, data %q", status, data)
	}
	// The client's Close is answered, and our side of the stream ends with it (RFC 8441 §5).
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) {
		_ = fr.WriteData(1, false, maskedFrame(0x88, "\x03\xe8"))
	})
	var closeFrame []byte
	var ended bool
	eachFrame(ht, func(f http2.Frame) {
		if d, ok := f.(*http2.DataFrame); ok {
			closeFrame = append(closeFrame, d.Data()...)
			ended = ended || d.StreamEnded()
		}
	})
	if string(closeFrame) != "\x88\x02\x03\xe8" || !ended {
		t.Fatalf("close reply %q, ended %v", closeFrame, ended)
	}
}

// openH2WebSocket opens an accepted WebSocket on stream 1 of a new HTTP/2 session, with the
// server's options changed by opts first, and forgets the frames written so far.
func openH2WebSocket(t *testing.T, opts func(*Options)) (*Server, *h2Test, uint64) {
	t.Helper()
	srv, ht := newH2StreamTest(t)
	if opts != nil {
		opts(&srv.opts)
	}
	ht.send(true, func(fr *http2.Framer, _ func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, EndHeaders: true,
			BlockFragment: headerBlock([2]string{":method", "CONNECT"}, [2]string{":protocol", "websocket"},
				[2]string{":scheme", "http"}, [2]string{":authority", "x"}, [2]string{":path", "/ws"},
				[2]string{"sec-websocket-version", "13"})})
	})
	token := streamToken(srv, ht, 1)
	h2send(t, srv, token, pybridge.OpAttach, 0, "")
	h2send(t, srv, token, pybridge.OpWSAccept, 0, "\r\n")
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	eachFrame(ht, func(http2.Frame) {})
	return srv, ht, token
}

// streamData collects the DATA the session wrote on stream 1 and whether a RST_STREAM came.
func streamData(ht *h2Test) (data []byte, reset http2.ErrCode) {
	eachFrame(ht, func(f http2.Frame) {
		switch f := f.(type) {
		case *http2.DataFrame:
			data = append(data, f.Data()...)
		case *http2.RSTStreamFrame:
			reset = f.ErrCode
		}
	})
	return data, reset
}

func TestH2WebSocketJoinsChannels(t *testing.T) {
	srv, ht, token := openH2WebSocket(t, nil)
	h2send(t, srv, token, pybridge.OpSubscribe, 0, "room")
	if n := srv.StreamSend(0, pybridge.OpPublish, 1, []byte("room\x00hello")); n != 1 {
		t.Fatalf("the publish reached %d subscribers, want 1", n)
	}
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if data, _ := streamData(ht); string(data) != "\x81\x05hello" {
		t.Fatalf("the subscriber's stream got %q", data)
	}
	h2send(t, srv, token, pybridge.OpUnsubscribe, 0, "room")
	if n := srv.StreamSend(0, pybridge.OpPublish, 1, []byte("room\x00again")); n != 0 {
		t.Fatalf("reached %d after unsubscribing", n)
	}
	// A stream reset by the peer leaves its channels.
	h2send(t, srv, token, pybridge.OpSubscribe, 0, "room")
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteRSTStream(1, http2.ErrCodeCancel) })
	if n := srv.StreamSend(0, pybridge.OpPublish, 1, []byte("room\x00gone")); n != 0 || len(srv.channels.subs) != 0 {
		t.Fatalf("a reset stream is still subscribed (reached %d)", n)
	}
	if n := srv.StreamSend(token, pybridge.OpSubscribe, 0, []byte("room")); n != streamGone || len(srv.channels.subs) != 0 {
		t.Fatalf("subscribing a reset stream: %d, %v", n, srv.channels.subs)
	}
}

func TestH2StreamedResponseCannotJoinChannels(t *testing.T) {
	srv, _, token := openH2Stream(t)
	if n := srv.StreamSend(token, pybridge.OpSubscribe, 0, []byte("room")); n != streamUnsupported {
		t.Fatalf("a streamed response subscribed: %d", n)
	}
}

func TestH2WebSocketKeepAlivePings(t *testing.T) {
	_, ht, _ := openH2WebSocket(t, func(o *Options) {
		o.WSPingInterval, o.WSPingTimeout = time.Hour, time.Hour
	})
	h := ht.sess.h2.Load()
	h.pingDue(1) // as the timer does
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if data, _ := streamData(ht); string(data) != "\x89\x00" {
		t.Fatalf("expected an empty Ping on the stream, got %q", data)
	}
	if h.streams[1].pingSent == 0 {
		t.Fatal("the Ping is not awaiting its Pong")
	}
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteData(1, false, maskedFrame(0x8A, "")) })
	if st := h.streams[1]; st.pingSent != 0 {
		t.Fatal("the Pong did not clear the pending Ping")
	}
	h.pingDue(1)
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if data, reset := streamData(ht); string(data) != "\x89\x00" || reset != 0 {
		t.Fatalf("the next Ping: %q, reset %v", data, reset)
	}
}

func TestH2WebSocketWithoutPongIsReset(t *testing.T) {
	srv, ht, token := openH2WebSocket(t, func(o *Options) {
		o.WSPingInterval, o.WSPingTimeout = time.Hour, time.Millisecond
	})
	h := ht.sess.h2.Load()
	h.pingDue(1)
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	time.Sleep(2 * time.Millisecond)
	h.pingDue(1) // the timeout firing, with no Pong received
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if _, reset := streamData(ht); reset != http2.ErrCodeCancel {
		t.Fatalf("a stream whose Pong is late was not reset with CANCEL: %v", reset)
	}
	if n := srv.StreamSend(token, pybridge.OpWSText, 0, []byte("x")); n != streamGone {
		t.Fatalf("the handler can still send: %d", n)
	}
	if len(h.streams) != 0 {
		t.Fatal("the reset stream is still open")
	}
}

package server

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/transport"
)

// newStreamServer serves a WebSocket route (0) and a streamed HTTP route (1), both deferred
// the way the Python host defers long-lived handlers.
func newStreamServer(t *testing.T) (*Server, *session) {
	t.Helper()
	routes := []pyhost.Route{
		{Path: "/ws", Methods: []string{websocketMethod}, Status: 200, Name: "ws"},
		{Path: "/stream", Methods: []string{"GET"}, Status: 200, Name: "stream"},
		{Path: "/plain", Methods: []string{"GET"}, Status: 200, Name: "plain"},
	}
	opts := Options{Limits: http1.DefaultLimits(), KeepAliveTimeout: time.Second, HeaderTimeout: time.Second,
		BodyTimeout: time.Second}
	srv, err := New(routes, &scriptedCaller{defer_: map[int]bool{0: true, 1: true}}, opts, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	sess := srv.NewSession(transport.ConnInfo{Wake: func() {}, Outbound: func() int { return 0 }}).(*session)
	return srv, sess
}

const upgradeRequest = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
	"Sec-WebSocket-Protocol: chat\r\n\r\n"

func send(t *testing.T, srv *Server, sess *session, op pybridge.StreamOp, code int, data string) {
	t.Helper()
	if n := srv.StreamSend(sess.token<<32, op, code, []byte(data)); n < 0 {
		t.Fatalf("StreamSend(%d) = %d", op, n)
	}
}

func maskedFrame(b0 byte, payload string) []byte {
	key := [4]byte{1, 2, 3, 4}
	f := []byte{b0, 0x80 | byte(len(payload)), key[0], key[1], key[2], key[3]}
	for i := range len(payload) {
		f = append(f, payload[i]^key[i%4])
	}
	return f
}

func TestWebSocketAcceptMessagesAndClose(t *testing.T) {
	srv, sess := newStreamServer(t)
	out, action := sess.OnData([]byte(upgradeRequest), nil)
	if len(out) != 0 || action != transport.Continue {
		t.Fatalf("before accept: %q, %v", out, action)
	}
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	send(t, srv, sess, pybridge.OpWSAccept, 0, "chat\r\nx-room: blue\r\n")
	send(t, srv, sess, pybridge.OpWSText, 0, "hi")
	out, _ = sess.OnData(nil, nil)
	head, frames, ok := bytes.Cut(out, []byte("\r\n\r\n"))
	if !ok || !bytes.HasPrefix(head, []byte("HTTP/1.1 101 ")) {
		t.Fatalf("no 101 response: %q", out)
	}
	for _, want := range []string{"sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "sec-websocket-protocol: chat", "x-room: blue"} {
		if !strings.Contains(string(head), want) {
			t.Errorf("101 lacks %q: %q", want, head)
		}
	}
	if string(frames) != "\x81\x02hi" {
		t.Fatalf("frames after the head = %q", frames)
	}
	// The client closes; the server answers with its Close and ends the connection.
	out, action = sess.OnData(maskedFrame(0x88, "\x03\xe8"), nil)
	if string(out) != "\x88\x02\x03\xe8" || action != transport.CloseAfterWrite {
		t.Fatalf("close reply %q, %v", out, action)
	}
	if n := srv.StreamSend(sess.token<<32, pybridge.OpWSText, 0, []byte("late")); n != streamGone {
		t.Errorf("send after the close = %d, want streamGone", n)
	}
}

func TestWebSocketClosedBeforeAcceptIs403(t *testing.T) {
	srv, sess := newStreamServer(t)
	sess.OnData([]byte(upgradeRequest), nil)
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	send(t, srv, sess, pybridge.OpWSClose, 1000, "")
	out, action := sess.OnData(nil, nil)
	if !bytes.HasPrefix(out, []byte("HTTP/1.1 403 ")) || action != transport.CloseAfterWrite {
		t.Fatalf("got %q, %v", out, action)
	}
}

func TestWebSocketHandlerEndingWithoutAcceptIs403(t *testing.T) {
	srv, sess := newStreamServer(t)
	sess.OnData([]byte(upgradeRequest), nil)
	srv.Deliver(sess.token<<32, pybridge.Result{Status: 200, JSON: true, Body: []byte("null")})
	out, action := sess.OnData(nil, nil)
	if !bytes.HasPrefix(out, []byte("HTTP/1.1 403 ")) || action != transport.CloseAfterWrite {
		t.Fatalf("got %q, %v", out, action)
	}
}

func TestWebSocketProtocolErrorFailsAndLingers(t *testing.T) {
	srv, sess := newStreamServer(t)
	sess.OnData([]byte(upgradeRequest), nil)
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	send(t, srv, sess, pybridge.OpWSAccept, 0, "\r\n")
	sess.OnData(nil, nil)
	unmasked := []byte{0x81, 0x01, 'x'} // RFC 6455 §5.1: a client must mask
	out, action := sess.OnData(unmasked, nil)
	if !bytes.HasPrefix(out, []byte{0x88}) || action != transport.Continue || !sess.lingering {
		t.Fatalf("got %q, %v, lingering %v", out, action, sess.lingering)
	}
	if sess.Deadline() == 0 {
		t.Error("a lingering connection has no deadline")
	}
	if out, _ := sess.OnData([]byte("more junk"), nil); len(out) != 0 {
		t.Errorf("lingering connection answered %q", out)
	}
}

func TestStreamedResponseIsChunkedAndKeepsTheConnection(t *testing.T) {
	srv, sess := newStreamServer(t)
	out, _ := sess.OnData([]byte("GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	if len(out) != 0 {
		t.Fatalf("answered before the handler: %q", out)
	}
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	send(t, srv, sess, pybridge.OpHTTPStart, 200, "content-type: text/plain\r\n")
	send(t, srv, sess, pybridge.OpHTTPBody, 0, "abc")
	out, _ = sess.OnData(nil, nil)
	send(t, srv, sess, pybridge.OpHTTPBody, 0, "de")
	srv.Deliver(sess.token<<32, pybridge.Result{Status: 200, JSON: true, Body: []byte("null")})
	out, action := sess.OnData(nil, out)
	if action != transport.Continue {
		t.Fatalf("action %v", action)
	}
	rs := parseResponses(t, out, 2)
	if rs[0].TransferEncoding[0] != "chunked" || body(rs[0]) != "abcde" {
		t.Errorf("streamed response: %v %q", rs[0].TransferEncoding, body(rs[0]))
	}
	if rs[1].StatusCode != 200 || body(rs[1]) != `{"item_id":5}` {
		t.Errorf("pipelined request after the stream: %d %q", rs[1].StatusCode, body(rs[1]))
	}
}

func TestStreamAbortCutsTheConnection(t *testing.T) {
	srv, sess := newStreamServer(t)
	sess.OnData([]byte("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	send(t, srv, sess, pybridge.OpHTTPStart, 200, "")
	send(t, srv, sess, pybridge.OpAbort, 0, "")
	out, action := sess.OnData(nil, nil)
	if action != transport.CloseAfterWrite || bytes.Contains(out, []byte("0\r\n\r\n")) {
		t.Fatalf("abort: %q, %v", out, action)
	}
}

func TestStreamWaitsForASlowReader(t *testing.T) {
	srv, sess := newStreamServer(t)
	buffered := 0
	sess.info.Outbound = func() int { return buffered }
	sess.OnData([]byte("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	send(t, srv, sess, pybridge.OpHTTPStart, 200, "")
	piece := strings.Repeat("x", 64<<10)
	var queued int64
	for range 32 { // 2 MiB: past the high-water mark
		queued = srv.StreamSend(sess.token<<32, pybridge.OpHTTPBody, 0, []byte(piece))
	}
	if queued <= highWater {
		t.Fatalf("queued %d, want past the high-water mark %d", queued, highWater)
	}
	buffered = writeWater // the socket took nothing
	if out, _ := sess.OnData(nil, nil); len(out) != 0 {
		t.Fatalf("wrote %d bytes to a full socket", len(out))
	}
	buffered = 0
	out, _ := sess.OnData(nil, nil)
	if len(out) == 0 || len(out) > writeWater+len(piece)+512 {
		t.Fatalf("wrote %d bytes with a budget of %d", len(out), writeWater)
	}
}

func TestStreamSendTokens(t *testing.T) {
	srv, sess := newStreamServer(t)
	if n := srv.StreamSend(999<<32, pybridge.OpAttach, 0, nil); n != streamGone {
		t.Errorf("unknown session: %d", n)
	}
	if n := srv.StreamSend(sess.token<<32|3, pybridge.OpAttach, 0, nil); n != streamGone {
		t.Errorf("HTTP/2 stream of an HTTP/1.1 connection: %d", n)
	}
	if n := srv.StreamSend(sess.token<<32, pybridge.OpHTTPBody, 0, nil); n != streamGone {
		t.Errorf("operation before attach: %d", n)
	}
}

func TestSplitAcceptData(t *testing.T) {
	sub, extra := splitAcceptData([]byte("chat\r\nx-a: 1\r\nx-b:two \r\n"))
	if sub != "chat" || len(extra) != 2 || extra[0] != [2]string{"x-a", "1"} || extra[1] != [2]string{"x-b", "two"} {
		t.Fatalf("got %q %q", sub, extra)
	}
	if sub, extra := splitAcceptData([]byte("\r\n")); sub != "" || extra != nil {
		t.Fatalf("empty: %q %q", sub, extra)
	}
}

func acceptedSession(t *testing.T, opts func(*Options)) (*Server, *session) {
	t.Helper()
	srv, sess := newStreamServer(t)
	if opts != nil {
		opts(&srv.opts)
	}
	sess.OnData([]byte(upgradeRequest), nil)
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	send(t, srv, sess, pybridge.OpWSAccept, 0, "\r\n")
	sess.OnData(nil, nil)
	return srv, sess
}

func TestWebSocketKeepAlivePingAndPong(t *testing.T) {
	_, sess := acceptedSession(t, func(o *Options) {
		o.WSPingInterval, o.WSPingTimeout = time.Hour, 3*time.Second
	})
	defer sess.OnClose()
	sess.pingDue.Store(true) // as the timer does
	out, _ := sess.OnData(nil, nil)
	if string(out) != "\x89\x00" {
		t.Fatalf("expected an empty Ping, got %q", out)
	}
	if d := sess.Deadline(); d == 0 || d > time.Now().Add(3*time.Second).UnixNano() {
		t.Fatalf("deadline after the ping: %d", d)
	}
	sess.OnData(maskedFrame(0x8A, ""), nil) // the Pong
	if sess.Deadline() != 0 || sess.pingSent != 0 {
		t.Fatalf("the Pong did not clear the deadline (%d)", sess.Deadline())
	}
}

func TestDrainClosesWebSocketsWith1012(t *testing.T) {
	_, sess := acceptedSession(t, nil)
	sess.Drain()
	out, action := sess.OnData(nil, nil)
	if !bytes.HasPrefix(out, []byte{0x88}) || out[2] != 0x03 || out[3] != 0xf4 || action != transport.Continue {
		t.Fatalf("drain: %q, %v", out, action)
	}
	if _, action = sess.OnData(maskedFrame(0x88, "\x03\xf4"), nil); action != transport.CloseAfterWrite {
		t.Fatalf("after the peer's Close: %v", action)
	}
}

func TestDrainEndsAStreamedResponse(t *testing.T) {
	srv, sess := newStreamServer(t)
	sess.OnData([]byte("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	send(t, srv, sess, pybridge.OpAttach, 0, "")
	sess.Drain()
	if n := srv.StreamSend(sess.token<<32, pybridge.OpHTTPBody, 0, []byte("x")); n != streamGone {
		t.Fatalf("a drained stream still takes data: %d", n)
	}
}

// instantStream answers like an async handler whose whole stream is done before the loop
// thread returns from the call: attach, head, body and completion all come during Call.
type instantStream struct{ srv *Server }

func (f *instantStream) Call(route int, token uint64, meta, body []byte) pybridge.Result {
	f.srv.StreamSend(token, pybridge.OpAttach, 0, nil)
	f.srv.StreamSend(token, pybridge.OpHTTPStart, 200, []byte("content-type: text/event-stream\r\n"))
	f.srv.StreamSend(token, pybridge.OpHTTPBody, 0, []byte("data: 1\n\n"))
	f.srv.Deliver(token, pybridge.Result{Status: 200, JSON: true, Body: []byte("null")})
	return pybridge.Result{Deferred: true}
}

func TestStreamCompletedDuringTheCallIsStillStreamed(t *testing.T) {
	srv, sess := newStreamServer(t)
	srv.caller = &instantStream{srv: srv}
	out, _ := sess.OnData([]byte("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	out, _ = sess.OnData(nil, out) // the wake that came with the completion
	rs := parseResponses(t, out, 1)
	if rs[0].Header.Get("content-type") != "text/event-stream" || body(rs[0]) != "data: 1\n\n" {
		t.Fatalf("got %v %q; want the stream, not the completion's JSON", rs[0].Header, body(rs[0]))
	}
}

package server

import (
	"testing"

	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/transport"
)

func subscriber(srv *Server) *session {
	c := srv.NewSession(transport.ConnInfo{Wake: func() {}}).(*session)
	c.stream.Store(&streamQueue{token: c.token << 32, wake: func() {}})
	c.busyWithWebSocket.Store(true)
	return c
}

func TestChannelPublishReachesSubscribersOnly(t *testing.T) {
	srv, _ := newStreamServer(t)
	a, b, other := subscriber(srv), subscriber(srv), subscriber(srv)
	srv.channels.subscribe("room", a.stream.Load())
	srv.channels.subscribe("room", b.stream.Load())
	srv.channels.subscribe("room", b.stream.Load()) // twice is once
	srv.channels.subscribe("hall", other.stream.Load())
	if n := srv.StreamSend(0, pybridge.OpPublish, 1, []byte("room\x00hello")); n != 2 {
		t.Fatalf("reached %d, want 2", n)
	}
	for _, c := range []*session{a, b} {
		ops := c.stream.Load().take(nil, 1<<20)
		if len(ops) != 1 || ops[0].op != pybridge.OpWSText || string(ops[0].data) != "hello" {
			t.Fatalf("subscriber got %+v", ops)
		}
	}
	if other.stream.Load().pending() {
		t.Fatal("a subscriber of another channel got the message")
	}
	srv.channels.unsubscribe("room", a.stream.Load())
	a.OnClose()
	b.OnClose()
	if n := srv.StreamSend(0, pybridge.OpPublish, 0, []byte("room\x00bye")); n != 0 {
		t.Fatalf("reached %d after everyone left", n)
	}
	if len(srv.channels.subs) != 1 {
		t.Fatalf("empty channels are kept: %v", srv.channels.subs)
	}
}

func TestChannelDropsASlowSubscriber(t *testing.T) {
	srv, _ := newStreamServer(t)
	slow := subscriber(srv)
	srv.channels.subscribe("feed", slow.stream.Load())
	big := make([]byte, 1<<20)
	msg := append([]byte("feed\x00"), big...)
	reached := int64(0)
	for range 8 {
		reached += srv.StreamSend(0, pybridge.OpPublish, 0, msg)
	}
	if reached > 5 {
		t.Fatalf("a subscriber that reads nothing got %d MiB queued", reached)
	}
	ops := slow.stream.Load().take(nil, 1<<30)
	if last := ops[len(ops)-1]; last.op != pybridge.OpWSClose || last.code != closeCodeSlow {
		t.Fatalf("the slow subscriber was not closed: last op %+v", last.op)
	}
	if len(srv.channels.subs) != 0 {
		t.Fatal("the slow subscriber is still subscribed")
	}
}

func TestPublishNeedsAChannelName(t *testing.T) {
	srv, _ := newStreamServer(t)
	if n := srv.StreamSend(0, pybridge.OpPublish, 1, []byte("no separator")); n != streamUnsupported {
		t.Fatalf("got %d", n)
	}
}

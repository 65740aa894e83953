package http2

import "testing"

func TestStreamRecycling(t *testing.T) {
	cl := newClient(t, Config{MaxConcurrentStreams: 2})
	for i := range 50 {
		id := uint32(2*i + 1)
		cl.headers(id, true, get("/")...)
		cl.mustFlush()
		cl.events()
		s := cl.c.streams[id]
		if s == nil || s.contentLength != -1 || s.queued() != 0 || s.headersSent || s.state != stateHalfClosedRemote {
			t.Fatalf("stream %d not fresh: %+v", id, s)
		}
		_ = cl.c.WriteHeaders(id, 200, nil, false)
		_, _ = cl.c.WriteData(id, make([]byte, 70000), true) // queues some
		_ = cl.c.ResetStream(id, ErrCodeCancel)
		cl.frames()
	}
	if len(cl.c.free) > 2 {
		t.Fatalf("free list holds %d streams, limit 2", len(cl.c.free))
	}
	if s := cl.c.free[0]; cap(s.queue) > keepQueueCap {
		t.Fatalf("recycled stream kept a %d-byte queue", cap(s.queue))
	}
}

func TestClosedRing(t *testing.T) {
	c := NewConn(Config{})
	for id := uint32(1); id < 2*closedRingSize+1; id += 2 {
		c.noteClosed(id, id%4 == 1)
	}
	if found, byUs := c.recentlyClosed(1); !found || !byUs {
		t.Fatal("stream 1 forgotten too early")
	}
	if found, byUs := c.recentlyClosed(3); !found || byUs {
		t.Fatal("stream 3 state wrong")
	}
	c.noteClosed(2*closedRingSize+1, false) // evicts stream 1
	if found, _ := c.recentlyClosed(1); found {
		t.Fatal("ring did not evict the oldest entry")
	}
}

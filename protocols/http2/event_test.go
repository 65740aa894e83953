package http2

import (
	"testing"

	xhttp2 "golang.org/x/net/http2"
)

func TestEventKindString(t *testing.T) {
	for k, want := range map[EventKind]string{
		EventRequestHeaders: "RequestHeaders", EventDrained: "Drained", 0: "invalid", 99: "invalid",
	} {
		if got := k.String(); got != want {
			t.Errorf("%d: %q, want %q", k, got, want)
		}
	}
}

// TestEventLifetime checks the documented lifetime: an event's slices stay
// intact until the next Feed even as more events are queued and popped.
func TestEventLifetime(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, false, post("/", "x-a", "1")...)
	cl.data(1, false, "first")
	cl.headers(3, false, post("/", "x-b", "2")...)
	cl.data(3, false, "second")
	if err := cl.c.Feed(cl.in.Bytes()); err != nil {
		t.Fatal(err)
	}
	cl.in.Reset()
	var evs []Event
	for ev, ok := cl.c.NextEvent(); ok; ev, ok = cl.c.NextEvent() {
		evs = append(evs, ev)
	}
	if len(evs) != 4 || string(evs[1].Data) != "first" || string(evs[3].Data) != "second" ||
		evs[0].Headers[0].Value != "1" || evs[2].Headers[0].Value != "2" {
		t.Fatalf("events %+v", evs)
	}
	// Consecutive pieces of one stream's body coalesce into one event.
	cl.data(1, false, "a")
	cl.data(1, false, "b")
	cl.data(1, true, "c")
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || string(evs[0].Data) != "abc" || !evs[0].EndStream {
		t.Fatalf("events %+v", evs)
	}
}

// TestBlockSpanningFeedsKeepsFields covers the arena reset at the start of
// Feed while a header block is half received: its fields move, the popped
// events' memory is reused.
func TestBlockSpanningFeedsKeepsFields(t *testing.T) {
	cl := newClient(t, Config{})
	cl.headers(1, true, get("/a", "x-a", "1", "x-b", "2")...)
	blk := cl.encode(get("/b", "x-c", "3", "x-d", "4")...)
	_ = cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 3, BlockFragment: blk[:len(blk)-3], EndStream: true})
	cl.mustFlush()
	if evs := cl.events(); len(evs) != 1 || evs[0].Path != "/a" {
		t.Fatalf("events %+v", evs)
	}
	_ = cl.fw.WriteContinuation(3, true, blk[len(blk)-3:])
	cl.mustFlush()
	evs := cl.events()
	if len(evs) != 1 || evs[0].Path != "/b" || len(evs[0].Headers) != 2 ||
		evs[0].Headers[0] != (Header{"x-c", "3"}) || evs[0].Headers[1] != (Header{"x-d", "4"}) {
		t.Fatalf("events %+v", evs)
	}
}

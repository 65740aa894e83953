package pybridge

import (
	"encoding/binary"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/fasterapi/fasterapi/internal/testfd"
)

type record struct {
	token uint64
	kind  EventKind
	code  int
	data  string
}

func decodeRecords(t *testing.T, b []byte) []record {
	t.Helper()
	var out []record
	for len(b) > 0 {
		if len(b) < recordHead {
			t.Fatalf("truncated record head: %d bytes", len(b))
		}
		n := int(binary.NativeEndian.Uint32(b[11:]))
		out = append(out, record{binary.NativeEndian.Uint64(b), EventKind(b[8]),
			int(binary.NativeEndian.Uint16(b[9:])), string(b[recordHead : recordHead+n])})
		b = b[recordHead+n:]
	}
	return out
}

func newTestInbox(t *testing.T) (*Inbox, int) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = unix.Close(fd) })
	return NewInbox(fd), fd
}

func TestInboxRecordsAndOneWakeUpPerBurst(t *testing.T) {
	in, fd := newTestInbox(t)
	in.Post(1<<32, EventText, 0, []byte("hello"))
	in.Post(2<<32, EventDisconnect, 1006, nil)
	in.Post(1<<32, EventBinary, 0, []byte{0, 1, 2})
	if got := testfd.EventfdCount(t, fd); got != 1 {
		t.Fatalf("eventfd signalled %d times for one burst, want 1", got)
	}
	var got []record
	takeRecords(in.mb, func(b []byte) { got = decodeRecords(t, append([]byte(nil), b...)) })
	want := []record{{1 << 32, EventText, 0, "hello"}, {2 << 32, EventDisconnect, 1006, ""},
		{1 << 32, EventBinary, 0, "\x00\x01\x02"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d = %v, want %v", i, got[i], want[i])
		}
	}
	called := false
	takeRecords(in.mb, func([]byte) { called = true })
	if called {
		t.Error("drain of an empty inbox called f")
	}
	in.Post(3, EventDrained, 0, nil) // after a drain the next event signals again
	if got := testfd.EventfdCount(t, fd); got != 1 {
		t.Fatalf("eventfd signalled %d times after drain, want 1", got)
	}
}

func TestInboxConcurrentPostersLoseNothing(t *testing.T) {
	in, _ := newTestInbox(t)
	const posters, each = 8, 500
	var wg sync.WaitGroup
	for p := range posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				in.Post(uint64(p), EventText, 0, []byte("m"))
			}
		}()
	}
	total := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		takeRecords(in.mb, func(b []byte) { total += len(decodeRecords(t, append([]byte(nil), b...))) })
	}
	if total != posters*each {
		t.Fatalf("drained %d events, want %d", total, posters*each)
	}
}

func TestInboxByIDRejectsUnknownIDs(t *testing.T) {
	for _, id := range []int{0, -1, 1 << 20} {
		if InboxByID(id) != nil {
			t.Errorf("InboxByID(%d) found an inbox", id)
		}
	}
}

func TestOutboxDrainsOperationsInOrderAndRingsOncePerBurst(t *testing.T) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	in, _ := newTestInbox(t)
	setOutboxBell(in.outbox, fds[1])
	var got []record
	SetStreamSink(func(token uint64, op StreamOp, code int, data []byte) int64 {
		got = append(got, record{token, EventKind(op), code, string(data)})
		return 0
	})
	t.Cleanup(func() { SetStreamSink(nil) })
	// The interpreter posts to its outbox as the loops post to an inbox: same records.
	queue := (&Inbox{mb: in.outbox.mb}).Post
	queue(7<<32, EventKind(OpWSAccept), 0, []byte("\r\n"))
	queue(7<<32, EventKind(OpWSText), 0, []byte("one"))
	queue(8<<32, EventKind(OpWSClose), 1000, []byte("bye"))
	var bell [8]byte
	if n, _ := unix.Read(fds[0], bell[:]); n != 1 {
		t.Fatalf("the doorbell got %d bytes for one burst, want 1", n)
	}
	in.outbox.drain()
	want := []record{{7 << 32, EventKind(OpWSAccept), 0, "\r\n"}, {7 << 32, EventKind(OpWSText), 0, "one"},
		{8 << 32, EventKind(OpWSClose), 1000, "bye"}}
	if len(got) != len(want) {
		t.Fatalf("drained %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("operation %d = %v, want %v", i, got[i], want[i])
		}
	}
	queue(7<<32, EventKind(OpWSText), 0, []byte("two")) // after a drain the bell rings again
	if n, _ := unix.Read(fds[0], bell[:]); n != 1 {
		t.Fatalf("the doorbell got %d bytes after a drain, want 1", n)
	}
}

func TestOutletCountsAndTellsOnceWhenDrained(t *testing.T) {
	out := NewOutlet(1)
	out.Add(3 << 20)
	if out.Taken(1<<20, 256<<10) {
		t.Fatal("drained with 2 MiB still queued")
	}
	if !out.Taken(2<<20, 256<<10) {
		t.Fatal("not drained once the queue emptied")
	}
	if out.Queued() != 0 || out.Taken(0, 256<<10) {
		t.Fatal("drained reported twice")
	}
	out.Close()
	out.Close() // twice is once
	if !out.Gone() {
		t.Fatal("a closed outlet is not gone")
	}
}

func TestOutboxWithoutBellDeliversWhatWaits(t *testing.T) {
	in, _ := newTestInbox(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	setOutboxBell(in.outbox, fds[1])
	var got []string
	SetStreamSink(func(_ uint64, _ StreamOp, _ int, data []byte) int64 {
		got = append(got, string(data))
		return 0
	})
	t.Cleanup(func() { SetStreamSink(nil) })
	(&Inbox{mb: in.outbox.mb}).Post(1, EventKind(OpWSText), 0, []byte("waiting"))
	in.outbox.withoutBell() // the loop could not poll the doorbell after all
	if len(got) != 1 || got[0] != "waiting" || outboxHasBell(in.outbox) {
		t.Fatalf("delivered %q, bell %v", got, outboxHasBell(in.outbox))
	}
}

package server

import (
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/sys/unix"

	"github.com/fasterapi/fasterapi/internal/testfd"
	"github.com/fasterapi/fasterapi/pybridge"
)

func TestStreamQueueTakesWithinBudgetInOrder(t *testing.T) {
	q := &streamQueue{}
	for _, s := range []string{"aaaa", "bb", "cccccc"} {
		q.push(pybridge.OpHTTPBody, 0, []byte(s))
	}
	if q.queued != 12 {
		t.Fatalf("queued %d, want 12", q.queued)
	}
	got := q.take(nil, 5) // "aaaa" fits, "bb" starts within the budget, "cccccc" waits
	if len(got) != 2 || string(got[0].data) != "aaaa" || string(got[1].data) != "bb" || q.queued != 6 {
		t.Fatalf("took %d ops, %d left queued", len(got), q.queued)
	}
	got = q.take(nil, 1) // at least one op, however small the budget
	if len(got) != 1 || string(got[0].data) != "cccccc" || q.pending() {
		t.Fatalf("took %d ops, pending %v", len(got), q.pending())
	}
}

func TestStreamQueueCopiesData(t *testing.T) {
	q := &streamQueue{}
	b := []byte("abc")
	q.push(pybridge.OpWSText, 0, b)
	b[0] = 'x'
	if got := q.take(nil, 10); string(got[0].data) != "abc" {
		t.Fatalf("queued data changed with the caller's buffer: %q", got[0].data)
	}
}

func TestStreamQueueGoneAfterCloseOrFinish(t *testing.T) {
	for name, end := range map[string]func(*streamQueue){
		"close": func(q *streamQueue) { q.close(1006) }, "finish": (*streamQueue).finish} {
		q := &streamQueue{}
		q.push(pybridge.OpWSText, 0, []byte("x"))
		end(q)
		if n := q.push(pybridge.OpWSText, 0, []byte("y")); n != streamGone || q.pending() {
			t.Errorf("%s: push = %d, pending %v", name, n, q.pending())
		}
	}
}

func TestStreamQueueTellsAWaitingHandlerWhenDrained(t *testing.T) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	inbox := pybridge.NewInbox(fd)
	q := &streamQueue{}
	out := pybridge.NewOutlet(0)
	q.attach(inbox, out)
	for range 3 { // as the interpreter does: count, then queue
		out.Add(highWater / 2)
		q.push(pybridge.OpHTTPBody, 0, make([]byte, highWater/2))
	}
	q.take(nil, highWater/2)
	if testfd.EventfdCount(t, fd) != 0 {
		t.Fatal("drained was posted with a megabyte still queued")
	}
	q.take(nil, highWater)
	if out.Queued() != 0 || testfd.EventfdCount(t, fd) != 1 {
		t.Fatalf("no drained event once the queue emptied (queued %d)", out.Queued())
	}
	out.Add(10)
	q.push(pybridge.OpHTTPBody, 0, make([]byte, 10))
	q.take(nil, highWater)
	if testfd.EventfdCount(t, fd) != 0 {
		t.Fatal("drained was posted though the handler did not wait")
	}
	q.close(1006)
	if out.Add(0) != 0 || !out.Gone() {
		t.Fatal("the outlet does not say the connection is gone")
	}
}

// Request.is_disconnected() asks with OpProbe: open while the connection lives, gone after.
func TestProbeAnswersWhetherTheConnectionIsOpen(t *testing.T) {
	srv, sess, _ := newTestServer(t, &scriptedCaller{})
	if n := srv.StreamSend(sess.token<<32, pybridge.OpProbe, 0, nil); n != 0 {
		t.Fatalf("probe of an open connection answered %d", n)
	}
	sess.OnClose()
	if n := srv.StreamSend(sess.token<<32, pybridge.OpProbe, 0, nil); n != streamGone {
		t.Fatalf("probe of a closed connection answered %d, want %d", n, streamGone)
	}
	if q := sess.stream.Load(); q != nil {
		t.Fatal("a probe made a stream queue")
	}
}

// Over HTTP/2 the peer resetting the stream of a running handler counts as leaving, while
// the connection stays open; the record goes when the handler's late answer comes.
func TestProbeSeesAnHTTP2StreamResetWhileItsHandlerRuns(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(fr *http2.Framer, enc func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: enc("/slow"), EndHeaders: true, EndStream: true})
	})
	srv, token := ht.sess.srv, ht.sess.token<<32|1
	if n := srv.StreamSend(token, pybridge.OpProbe, 0, nil); n != 0 {
		t.Fatalf("probe of a running stream answered %d", n)
	}
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteRSTStream(1, http2.ErrCodeCancel) })
	if n := srv.StreamSend(token, pybridge.OpProbe, 0, nil); n != streamGone {
		t.Fatalf("probe after RST_STREAM answered %d, want %d", n, streamGone)
	}
	srv.Deliver(token, itemResult)
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	if h := ht.sess.h2.Load(); len(h.resets) != 0 {
		t.Fatalf("the reset stream is still recorded after its answer: %v", h.resets)
	}
}

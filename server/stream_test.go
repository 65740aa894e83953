package server

import (
	"testing"

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

func TestStreamQueueAsksForDrainPastHighWater(t *testing.T) {
	q := &streamQueue{}
	q.push(pybridge.OpHTTPBody, 0, make([]byte, highWater+1))
	if !q.wantDrain {
		t.Fatal("no drain request past the high-water mark")
	}
	q.take(nil, writeWater)
	// No inbox is attached, so the request stays until one can hear it.
	if !q.wantDrain || q.queued != 0 {
		t.Fatalf("wantDrain %v, queued %d", q.wantDrain, q.queued)
	}
}

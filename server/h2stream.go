package server

import (
	"sync"

	"github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
)

// Long-lived exchanges on HTTP/2 streams: streamed responses and SSE (a response whose DATA
// frames follow the handler's pieces) and WebSockets over extended CONNECT (RFC 8441). They
// use the same per-exchange streamQueue as HTTP/1.1, one per stream; the session writes its
// operations on the loop thread while the stream's queued output stays under streamBudget,
// which the peer's flow-control windows (RFC 9113 §5.2) drain.

// streamBudget is how much output one long-lived stream may have waiting in the HTTP/2 core
// (for flow-control window) before the session stops taking its queued operations.
const streamBudget = writeWater

// h2queues holds the send queues of a connection's long-lived streams. Handlers add to them
// from their asyncio threads, so it has its own lock.
type h2queues struct {
	mu    sync.Mutex
	byID  map[uint32]*streamQueue
	dirty []uint32 // streams with new operations since the loop last looked
	// pingDue lists WebSocket streams whose ping timer fired (h2wsping.go).
	pingDue []uint32
	closed  bool
}

// send is Server.StreamSend for stream id of this connection.
func (h *h2session) send(token uint64, id uint32, op pybridge.StreamOp, code int, data []byte) int64 {
	q := h.queue(id)
	if q == nil {
		return streamGone
	}
	n, first := q.pushFirst(op, code, data)
	if first {
		q.notify()
	}
	return n
}

// attach is Server.StreamAttach for stream id of this connection.
func (h *h2session) attach(token uint64, id uint32, inbox *pybridge.Inbox, out *pybridge.Outlet) bool {
	qs := &h.queues
	qs.mu.Lock()
	q := qs.byID[id]
	if q == nil {
		if qs.closed {
			qs.mu.Unlock()
			return false
		}
		q = h.newQueueLocked(token, id)
	}
	qs.mu.Unlock()
	return q.attach(inbox, out)
}

// newQueueLocked makes stream id's queue; h.queues.mu is held.
func (h *h2session) newQueueLocked(token uint64, id uint32) *streamQueue {
	if h.queues.byID == nil {
		h.queues.byID = make(map[uint32]*streamQueue)
	}
	q := &streamQueue{token: token, wake: func() { h.wakeStream(id) }}
	h.queues.byID[id] = q
	return q
}

// openWebSocketQueue makes the queue of a WebSocket stream before its handler starts, marked
// as a WebSocket so that the handler may subscribe it to channels.
func (h *h2session) openWebSocketQueue(token uint64, id uint32) {
	h.queues.mu.Lock()
	defer h.queues.mu.Unlock()
	if !h.queues.closed {
		h.newQueueLocked(token, id).websocket = true
	}
}

// wakeStream tells the loop that stream id has operations to write. It may be called from any
// goroutine.
func (h *h2session) wakeStream(id uint32) {
	h.queues.mu.Lock()
	h.queues.dirty = append(h.queues.dirty, id)
	h.queues.mu.Unlock()
	h.c.info.Wake()
}

// membership subscribes stream id's WebSocket to a channel, or unsubscribes it.
func (h *h2session) membership(id uint32, op pybridge.StreamOp, name string) int64 {
	q := h.queue(id)
	switch {
	case q == nil:
		return streamGone
	case !q.websocket:
		return streamUnsupported
	case op == pybridge.OpSubscribe:
		h.c.srv.channels.subscribe(name, q)
	default:
		h.c.srv.channels.unsubscribe(name, q)
	}
	return 0
}

func (h *h2session) queue(id uint32) *streamQueue {
	h.queues.mu.Lock()
	defer h.queues.mu.Unlock()
	return h.queues.byID[id]
}

// forget drops a stream's queue; a later operation from its handler sees streamGone, and with
// a disconnect code the handler is told its peer left.
func (h *h2session) forget(id uint32, disconnect int) {
	h.queues.mu.Lock()
	q := h.queues.byID[id]
	delete(h.queues.byID, id)
	h.queues.mu.Unlock()
	if q == nil {
		return
	}
	if disconnect != 0 {
		q.close(disconnect)
	} else {
		q.finish()
	}
	if q.websocket { // after the queue is gone, so that no subscription can follow
		h.c.srv.channels.leaveAll(q)
	}
}

// closeQueues tells every long-lived handler of the connection that it is gone.
func (h *h2session) closeQueues() {
	h.queues.mu.Lock()
	qs := h.queues.byID
	h.queues.byID = nil
	h.queues.closed = true
	h.queues.mu.Unlock()
	for _, q := range qs {
		q.close(websocket.CloseAbnormal)
		if q.websocket {
			h.c.srv.channels.leaveAll(q)
		}
	}
}

// pumpStreams writes the queued operations of streams that have some, as far as their
// budgets allow; streams left with operations are looked at again on the next OnData.
func (h *h2session) pumpStreams() {
	h.queues.mu.Lock()
	ids := append(h.blocked, h.queues.dirty...)
	h.queues.dirty = h.queues.dirty[:0]
	h.queues.mu.Unlock()
	h.blocked = nil
	if h.c.drainAsked.Load() && !h.drained {
		h.drained = true
		for id, st := range h.streams {
			if q := h.queue(id); q != nil && st.ws == nil && !st.wsPending {
				q.close(websocket.CloseGoingAway) // streamed responses end; their handlers are cancelled
			} else if st.ws != nil {
				ids = append(ids, id)
			}
		}
	}
	for i, id := range ids {
		if i > 0 && containsID(ids[:i], id) {
			continue
		}
		st, ok := h.streams[id]
		q := h.queue(id)
		if !ok || q == nil {
			continue
		}
		h.pumpStream(id, st, q)
	}
}

func containsID(ids []uint32, id uint32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (h *h2session) pumpStream(id uint32, st *h2stream, q *streamQueue) {
	budget := streamBudget - h.conn.Buffered(id)
	if budget <= 0 || h.held() {
		h.blocked = append(h.blocked, id)
		return
	}
	for _, op := range q.take(nil, budget) {
		switch op.op {
		case pybridge.OpHTTPStart:
			if st.streaming || st.wsPending || st.ws != nil {
				continue
			}
			st.streaming = true
			if st.mwx != nil {
				st.holding, st.heldStatus, st.heldHead = true, op.code, op.data
				continue
			}
			_ = h.conn.WriteHeaders(id, op.code, headerFields(nil, op.data), false)
		case pybridge.OpHTTPBody:
			if st.holding && len(op.data) > 0 {
				st.holding = false
				head := st.mwx.streamed(st.heldStatus, st.heldHead)
				_ = h.conn.WriteHeaders(id, st.heldStatus, headerFields(nil, head), false)
			}
			if st.streaming && st.method != "HEAD" && len(op.data) > 0 {
				data := op.data
				if x := st.mwx; x != nil && x.enc != nil {
					data = x.enc.chunk(data)
				}
				_, _ = h.conn.WriteData(id, data, false)
			}
		case pybridge.OpAbort:
			h.abortStream(id, st)
			return
		default:
			if !h.wsOp(id, st, q, op) {
				return
			}
		}
	}
	if st.ws != nil {
		h.wsFlush(id, st, q)
	}
	if q.pending() {
		h.blocked = append(h.blocked, id)
	}
}

// abortStream resets a stream whose handler failed midway (RFC 9113 §8.1: a response cut by
// RST_STREAM tells the client it is incomplete).
func (h *h2session) abortStream(id uint32, st *h2stream) {
	h.resetStream(id, st, http2.ErrCodeInternal)
}

// resetStream ends a long-lived stream with RST_STREAM; its handler sees code 1006.
func (h *h2session) resetStream(id uint32, st *h2stream, code http2.ErrCode) {
	_ = h.conn.ResetStream(id, code)
	st.mwx.release()
	h.forget(id, websocket.CloseAbnormal)
	stopStreamPing(st)
	if st.parked {
		h.c.srv.inflight.Add(-1)
	}
	delete(h.streams, id)
}

// finishLongLived handles a long-lived stream's completion (its handler returned). It reports
// false for an ordinary stream, which the caller answers with writeResult, and keeps the
// completion for later (true, kept) while operations still wait to be written.
func (h *h2session) finishLongLived(id uint32, st *h2stream, r *pybridge.Result) (handled, kept bool) {
	q := h.queue(id)
	if q == nil && !st.streaming && st.ws == nil && !st.wsPending {
		return false, false
	}
	if q != nil && q.pending() {
		return true, true
	}
	switch {
	case st.streaming:
		h.endStreamed(id, st)
	case st.ws != nil:
		h.wsHandlerDone(id, st, q)
		if st.ws != nil { // still closing: the stream ends once the peer's Close arrives
			h.c.srv.inflight.Add(-1)
			st.parked = false
			return true, false
		}
	case st.wsPending:
		refuseUnaccepted(r)
		h.forget(id, 0)
		return false, false
	default:
		h.forget(id, 0)
		return false, false
	}
	h.forget(id, 0)
	h.c.srv.inflight.Add(-1)
	delete(h.streams, id)
	return true, false
}

// endStreamed ends a streamed response whose handler completed: a head still held (no
// piece came) goes out with the empty body the middleware make of it, and a compressed
// body gets its last bytes.
func (h *h2session) endStreamed(id uint32, st *h2stream) {
	var tail []byte
	if st.holding {
		st.holding = false
		var head []byte
		head, tail = st.mwx.whole(st.heldStatus, st.heldHead, nil)
		_ = h.conn.WriteHeaders(id, st.heldStatus, headerFields(nil, head), false)
	}
	if x := st.mwx; x != nil && x.enc != nil {
		tail = x.enc.finish()
		x.enc = nil
	}
	st.mwx, st.heldHead = nil, nil
	if st.method == "HEAD" {
		tail = nil
	}
	_, _ = h.conn.WriteData(id, tail, true)
}

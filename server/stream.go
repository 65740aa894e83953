package server

import (
	"sync"
	"time"

	"github.com/fasterapi/fasterapi/pybridge"
)

// A long-lived handler (WebSocket, streamed response, SSE) talks to its connection through a
// streamQueue: the operations its interpreter queued in its outbox (pybridge) are moved here
// by the event loop its doorbell rang, and the connection's loop writes them out as the
// socket takes them. Events for the handler go the other way, through the interpreter's
// pybridge.Inbox.

// Send-side limits. A handler that has more than highWater bytes not yet written is told to
// wait (its send awaits EventDrained until fewer than lowWater remain; the interpreter counts
// them in the handler's pybridge.Outlet, with the same high-water mark, FA_HIGH_WATER), so a
// client that does not read costs at most about highWater plus one message plus the
// transport's buffer, never unbounded memory.
const (
	highWater = 1 << 20
	lowWater  = 256 << 10
	// writeWater is how much the transport may hold unsent before the loop stops moving
	// queued operations into it.
	writeWater = 256 << 10
	// stallRetry is how soon a connection whose socket was full looks again.
	stallRetry = 2 * time.Millisecond
)

// Answers of Server.StreamSend besides a queue length.
const (
	streamGone        = -1 // the connection closed: the handler sees a disconnect
	streamUnsupported = -2 // this kind of connection cannot carry the operation
)

type streamOp struct {
	op   pybridge.StreamOp
	code int
	data []byte
	// fromHandler: the handler sent it, so its bytes count in the handler's outlet (a
	// channel's messages do not).
	fromHandler bool
}

type streamQueue struct {
	mu     sync.Mutex
	ops    []streamOp
	queued int64
	gone   bool
	inbox  *pybridge.Inbox
	// outlet counts the bytes the handler sent and the loop has not written, with the
	// interpreter; nil until the handler attaches (or when it attached from a test).
	outlet *pybridge.Outlet
	token  uint64
	// wake tells the event loop serving the connection that operations wait; set when the
	// queue is made, so a publish from any goroutine can reach it.
	wake func()
	// websocket marks the queue of a WebSocket (HTTP/2 streams; HTTP/1.1 connections say so
	// with session.busyWithWebSocket): only those may join channels.
	websocket bool
	// channels lists the app.channel names this WebSocket subscribed to (guarded by the
	// server's channelHub lock).
	channels []string
}

// notify wakes the event loop serving the queue's connection.
func (q *streamQueue) notify() {
	if q.wake != nil {
		q.wake()
	}
}

// isGone reports whether the connection closed or the handler finished.
func (q *streamQueue) isGone() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.gone
}

// attach routes the connection's events to inbox and its written bytes to out (which may be
// nil); false when the connection is gone already.
func (q *streamQueue) attach(inbox *pybridge.Inbox, out *pybridge.Outlet) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.gone {
		return false
	}
	q.inbox, q.outlet = inbox, out
	return true
}

// push appends an operation of the handler; it returns the bytes queued, or streamGone.
func (q *streamQueue) push(op pybridge.StreamOp, code int, data []byte) int64 {
	n, _ := q.pushFirst(op, code, data)
	return n
}

// pushFirst is push that also reports whether the queue was empty: only then must the loop
// be woken, as a non-empty queue has a wake-up (or a retry) on its way that takes everything
// queued by then. A burst of messages to one connection costs one wake-up, not one each.
func (q *streamQueue) pushFirst(op pybridge.StreamOp, code int, data []byte) (int64, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.gone {
		return streamGone, false
	}
	first := len(q.ops) == 0
	q.ops = append(q.ops, streamOp{op: op, code: code, data: append([]byte(nil), data...), fromHandler: true})
	q.queued += int64(len(data))
	return q.queued, first
}

// pushShared appends an operation whose data the caller will not change, without copying
// it; it refuses (false) when more than limit bytes are queued already (0: no limit).
func (q *streamQueue) pushShared(op pybridge.StreamOp, data []byte, limit int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.gone || (limit > 0 && q.queued > limit) {
		return false
	}
	code := 0
	if op == pybridge.OpWSClose {
		code = closeCodeSlow
	}
	q.ops = append(q.ops, streamOp{op: op, code: code, data: data})
	q.queued += int64(len(data))
	return true
}

// take removes the queued operations, at most budget bytes of them (at least one). When the
// handler waits for its queue to drain and it has, the handler is told (EventDrained).
func (q *streamQueue) take(dst []streamOp, budget int) []streamOp {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	var handlers int64
	for n < len(q.ops) && (n == 0 || budget > 0) {
		op := q.ops[n]
		budget -= len(op.data)
		dst = append(dst, op)
		q.queued -= int64(len(op.data))
		if op.fromHandler {
			handlers += int64(len(op.data))
		}
		n++
	}
	rest := copy(q.ops, q.ops[n:])
	clear(q.ops[rest:])
	q.ops = q.ops[:rest]
	if handlers > 0 && q.outlet != nil && q.outlet.Taken(handlers, lowWater) && q.inbox != nil {
		q.inbox.Post(q.token, pybridge.EventDrained, 0, nil)
	}
	return dst
}

// pending reports whether operations wait.
func (q *streamQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.ops) > 0
}

// post sends an event to the handler, if it attached an inbox.
func (q *streamQueue) post(kind pybridge.EventKind, code int, data []byte) {
	q.mu.Lock()
	inbox := q.inbox
	q.mu.Unlock()
	if inbox != nil {
		inbox.Post(q.token, kind, code, data)
	}
}

// close marks the connection gone and tells the handler, once.
func (q *streamQueue) close(code int) { q.closeWith(code, "") }

// closeWith is close with the peer's close reason (RFC 6455 §7.1.6), which reaches the
// handler's WebSocketDisconnect.
func (q *streamQueue) closeWith(code int, reason string) {
	q.mu.Lock()
	if q.gone {
		q.mu.Unlock()
		return
	}
	q.markGoneLocked()
	inbox := q.inbox
	q.mu.Unlock()
	if inbox != nil {
		inbox.Post(q.token, pybridge.EventDisconnect, code, []byte(reason))
	}
}

// finish marks the queue of a handler that completed: later operations see streamGone.
func (q *streamQueue) finish() {
	q.mu.Lock()
	q.markGoneLocked()
	q.mu.Unlock()
}

// markGoneLocked drops what is queued and tells the handler's outlet: its sends answer -1.
func (q *streamQueue) markGoneLocked() {
	q.gone = true
	q.ops = nil
	if q.outlet != nil {
		q.outlet.Close()
	}
}

// StreamSend is the pybridge.StreamSink: it queues a long-lived handler's operation on its
// connection and wakes the connection's event loop. It may be called from any thread.
func (s *Server) StreamSend(token uint64, op pybridge.StreamOp, code int, data []byte) int64 {
	switch op {
	case pybridge.OpPublish:
		return s.publishOp(code != 0, data)
	case pybridge.OpProbe:
		return s.probe(token)
	case pybridge.OpAttach: // the inbox's id in code, and no outlet (tests)
		if !s.StreamAttach(token, pybridge.InboxByID(code), nil) {
			return streamGone
		}
		return 0
	}
	sess := s.sessionOf(token)
	if sess == nil {
		return streamGone
	}
	if id := uint32(token); id != 0 {
		h2 := sess.h2.Load()
		switch {
		case h2 == nil:
			return streamGone
		case op == pybridge.OpSubscribe || op == pybridge.OpUnsubscribe:
			return h2.membership(id, op, string(data))
		}
		return h2.send(token, id, op, code, data)
	}
	q := sess.stream.Load()
	if q == nil {
		return streamGone
	}
	switch op {
	case pybridge.OpSubscribe:
		if !sess.busyWithWebSocket.Load() {
			return streamUnsupported
		}
		s.channels.subscribe(string(data), q)
		return 0
	case pybridge.OpUnsubscribe:
		s.channels.unsubscribe(string(data), q)
		return 0
	}
	n, first := q.pushFirst(op, code, data)
	if first {
		sess.info.Wake()
	}
	return n
}

// probe answers OpProbe: streamGone once the request's connection closed, or (HTTP/2) once
// the peer reset its stream while the handler ran; 0 while the client is there.
func (s *Server) probe(token uint64) int64 {
	sess := s.sessionOf(token)
	if sess == nil {
		return streamGone
	}
	if id := uint32(token); id != 0 {
		if h2 := sess.h2.Load(); h2 == nil || h2.streamReset(id) {
			return streamGone
		}
	}
	return 0
}

// StreamAttach is the pybridge.StreamAttacher: a long-lived handler's first step, made inside
// its call on the loop thread or later from its asyncio thread while the connection waits
// for it. The connection's events go to inbox from now on.
func (s *Server) StreamAttach(token uint64, inbox *pybridge.Inbox, out *pybridge.Outlet) bool {
	sess := s.sessionOf(token)
	if sess == nil {
		return false
	}
	if id := uint32(token); id != 0 {
		h2 := sess.h2.Load()
		return h2 != nil && h2.attach(token, id, inbox, out)
	}
	sess.stream.CompareAndSwap(nil, &streamQueue{token: token, wake: sess.info.Wake})
	return sess.stream.Load().attach(inbox, out)
}

// sessionOf returns the open connection a token names, or nil.
func (s *Server) sessionOf(token uint64) *session {
	if v, ok := s.sessions.Load(token >> 32); ok {
		return v.(*session)
	}
	return nil
}

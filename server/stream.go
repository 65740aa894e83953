package server

import (
	"sync"
	"time"

	"github.com/fasterapi/fasterapi/pybridge"
)

// A long-lived handler (WebSocket, streamed response, SSE) talks to its connection through a
// streamQueue: its interpreter's asyncio thread appends operations and wakes the connection,
// whose event loop writes them out as the socket takes them. Events for the handler go the
// other way, through the interpreter's pybridge.Inbox.

// Send-side limits. A handler whose queue passes highWater is told to wait (its send awaits
// EventDrained), so a client that does not read costs at most about highWater plus one
// message plus the transport's buffer, never unbounded memory.
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
}

type streamQueue struct {
	mu        sync.Mutex
	ops       []streamOp
	queued    int64
	wantDrain bool
	gone      bool
	inbox     *pybridge.Inbox
	token     uint64
}

// push appends an operation; it returns the bytes queued, or streamGone.
func (q *streamQueue) push(op pybridge.StreamOp, code int, data []byte) int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.gone {
		return streamGone
	}
	if op == pybridge.OpAttach {
		q.inbox = pybridge.InboxByID(code)
		return q.queued
	}
	q.ops = append(q.ops, streamOp{op: op, code: code, data: append([]byte(nil), data...)})
	q.queued += int64(len(data))
	if q.queued > highWater {
		q.wantDrain = true
	}
	return q.queued
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

// take removes the queued operations, at most budget bytes of them (at least one).
func (q *streamQueue) take(dst []streamOp, budget int) []streamOp {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for n < len(q.ops) && (n == 0 || budget > 0) {
		budget -= len(q.ops[n].data)
		dst = append(dst, q.ops[n])
		q.queued -= int64(len(q.ops[n].data))
		n++
	}
	rest := copy(q.ops, q.ops[n:])
	clear(q.ops[rest:])
	q.ops = q.ops[:rest]
	if q.wantDrain && q.queued < lowWater && q.inbox != nil {
		q.wantDrain = false
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
	q.gone = true
	q.ops = nil
	inbox := q.inbox
	q.mu.Unlock()
	if inbox != nil {
		inbox.Post(q.token, pybridge.EventDisconnect, code, []byte(reason))
	}
}

// finish marks the queue of a handler that completed: later operations see streamGone.
func (q *streamQueue) finish() {
	q.mu.Lock()
	q.gone = true
	q.ops = nil
	q.mu.Unlock()
}

// StreamSend is the pybridge.StreamSink: it queues a long-lived handler's operation on its
// connection and wakes the connection's event loop. It may be called from any thread.
func (s *Server) StreamSend(token uint64, op pybridge.StreamOp, code int, data []byte) int64 {
	if op == pybridge.OpPublish {
		return s.publishOp(code != 0, data)
	}
	v, ok := s.sessions.Load(token >> 32)
	if !ok {
		return streamGone
	}
	sess := v.(*session)
	if id := uint32(token); id != 0 {
		h2 := sess.h2.Load()
		switch {
		case h2 == nil:
			return streamGone
		case op == pybridge.OpSubscribe || op == pybridge.OpUnsubscribe:
			return streamUnsupported // channels are for HTTP/1.1 WebSockets for now
		}
		return h2.send(token, id, op, code, data)
	}
	q := sess.stream.Load()
	if q == nil {
		if op != pybridge.OpAttach {
			return streamGone
		}
		// The handler's first operation, made inside its call on the loop thread or later
		// from its asyncio thread while the connection waits for it.
		sess.stream.CompareAndSwap(nil, &streamQueue{token: token})
		q = sess.stream.Load()
	}
	switch op {
	case pybridge.OpSubscribe:
		if !sess.busyWithWebSocket.Load() {
			return streamUnsupported
		}
		s.channels.subscribe(string(data), sess)
		return 0
	case pybridge.OpUnsubscribe:
		s.channels.unsubscribe(string(data), sess)
		return 0
	}
	n := q.push(op, code, data)
	if op != pybridge.OpAttach && n >= 0 {
		sess.info.Wake()
	}
	return n
}

package server

import (
	"time"

	"github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/protocols/websocket"
)

// Keep-alive pings of WebSockets over HTTP/2 (--ws-ping-interval, --ws-ping-timeout). Each
// stream gets WebSocket Pings of its own, as over HTTP/1.1: RFC 8441 §5 carries the
// WebSocket's frames, Ping and Pong included, unchanged in the stream's DATA, and only a Pong
// proves that the WebSocket's peer (not merely the HTTP/2 connection, which an intermediary
// may answer PING for) still reads. A stream whose Pong does not come within the timeout is
// reset with CANCEL (RFC 9113 §8.1) and its handler sees code 1006; the connection and its
// other streams stay.

// armStreamPing schedules the stream's next Ping after the interval (none when it is 0).
func (h *h2session) armStreamPing(id uint32, st *h2stream) {
	interval := h.c.srv.opts.WSPingInterval
	if interval <= 0 {
		return
	}
	if st.pingTimer == nil {
		st.pingTimer = time.AfterFunc(interval, func() { h.pingDue(id) })
		return
	}
	st.pingTimer.Reset(interval)
}

// pingDue is the stream's ping timer firing: a Ping is due, or the last one went unanswered.
// It runs on a timer goroutine, so it only notes the stream and wakes the loop.
func (h *h2session) pingDue(id uint32) {
	h.queues.mu.Lock()
	h.queues.pingDue = append(h.queues.pingDue, id)
	h.queues.mu.Unlock()
	h.c.info.Wake()
}

// pingStreams sends the Pings that are due and resets the streams whose Pong is late; on the
// loop thread.
func (h *h2session) pingStreams(now int64) {
	h.queues.mu.Lock()
	due := h.queues.pingDue
	h.queues.pingDue = nil
	h.queues.mu.Unlock()
	for _, id := range due {
		st, ok := h.streams[id]
		if !ok || st.ws == nil || st.ws.State() != websocket.StateOpen || st.ended {
			continue // closing, or our side of the stream is over: no Ping is owed
		}
		if st.pingSent == 0 {
			st.pingSent = now
			st.out = websocket.AppendPing(st.out, nil)
			st.pingTimer.Reset(h.c.srv.opts.WSPingTimeout)
			h.wsFlush(id, st, h.queue(id))
			continue
		}
		if time.Duration(now-st.pingSent) >= h.c.srv.opts.WSPingTimeout {
			h.resetStream(id, st, http2.ErrCodeCancel)
		}
	}
}

// stopStreamPing stops a finished WebSocket stream's ping timer.
func stopStreamPing(st *h2stream) {
	if st.pingTimer != nil {
		st.pingTimer.Stop()
	}
}

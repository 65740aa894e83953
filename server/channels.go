package server

import (
	"bytes"
	"sync"

	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
)

// slowSubscriber is how many bytes a subscriber may have queued before a publish drops it:
// a publisher never waits for one slow reader, and memory stays bounded.
const slowSubscriber = 4 * highWater

// channelHub is the broadcast registry behind app.channel(name): which WebSockets (HTTP/1.1
// connections and RFC 8441 streams alike, each known by its send queue) subscribed to which
// channel. It is process-wide, so a message published in one interpreter reaches subscribers
// served by every event loop, and it is fanned out here in Go without entering Python once per
// subscriber.
type channelHub struct {
	mu   sync.RWMutex
	subs map[string]map[*streamQueue]struct{}
}

// subscribe adds a WebSocket's queue to a channel; a queue already gone (its connection or
// stream closed, and left every channel) is not added, so no subscription outlives it.
func (h *channelHub) subscribe(name string, q *streamQueue) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if q.isGone() {
		return
	}
	if h.subs == nil {
		h.subs = make(map[string]map[*streamQueue]struct{})
	}
	set := h.subs[name]
	if set == nil {
		set = make(map[*streamQueue]struct{})
		h.subs[name] = set
	}
	if _, ok := set[q]; !ok {
		set[q] = struct{}{}
		q.channels = append(q.channels, name)
	}
}

func (h *channelHub) unsubscribe(name string, q *streamQueue) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(name, q)
	for i, n := range q.channels {
		if n == name {
			q.channels = append(q.channels[:i], q.channels[i+1:]...)
			break
		}
	}
}

func (h *channelHub) removeLocked(name string, q *streamQueue) {
	if set := h.subs[name]; set != nil {
		delete(set, q)
		if len(set) == 0 {
			delete(h.subs, name)
		}
	}
}

// leaveAll removes a WebSocket from every channel it joined; call it after its queue is gone.
func (h *channelHub) leaveAll(q *streamQueue) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, name := range q.channels {
		h.removeLocked(name, q)
	}
	q.channels = nil
}

// publish queues one message on every subscriber and returns how many it reached. The
// payload is copied once and shared by all the queues.
func (h *channelHub) publish(name string, op pybridge.StreamOp, payload []byte) int64 {
	data := append([]byte(nil), payload...)
	h.mu.RLock()
	set := h.subs[name]
	targets := make([]*streamQueue, 0, len(set))
	for q := range set {
		targets = append(targets, q)
	}
	h.mu.RUnlock()
	var reached int64
	for _, q := range targets {
		if q.pushShared(op, data, slowSubscriber) {
			reached++
		} else {
			q.pushShared(pybridge.OpWSClose, []byte("too slow for channel "+name), 0)
			h.unsubscribe(name, q)
		}
		q.notify()
	}
	return reached
}

// publishOp decodes OpPublish's data, "channel\x00payload", and publishes it.
func (s *Server) publishOp(text bool, data []byte) int64 {
	name, payload, ok := bytes.Cut(data, []byte{0})
	if !ok {
		return streamUnsupported
	}
	op := pybridge.OpWSBinary
	if text {
		op = pybridge.OpWSText
	}
	return s.channels.publish(string(name), op, payload)
}

// closeCodeSlow is the status a subscriber dropped for reading too slowly is closed with.
const closeCodeSlow = websocket.ClosePolicyViolation

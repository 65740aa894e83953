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

// channelHub is the broadcast registry behind app.channel(name): which WebSocket connections
// subscribed to which channel. It is process-wide, so a message published in one interpreter
// reaches subscribers served by every event loop, and it is fanned out here in Go without
// entering Python once per subscriber.
type channelHub struct {
	mu   sync.RWMutex
	subs map[string]map[*session]struct{}
}

func (h *channelHub) subscribe(name string, c *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = make(map[string]map[*session]struct{})
	}
	set := h.subs[name]
	if set == nil {
		set = make(map[*session]struct{})
		h.subs[name] = set
	}
	if _, ok := set[c]; !ok {
		set[c] = struct{}{}
		c.channels = append(c.channels, name)
	}
}

func (h *channelHub) unsubscribe(name string, c *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(name, c)
	for i, n := range c.channels {
		if n == name {
			c.channels = append(c.channels[:i], c.channels[i+1:]...)
			break
		}
	}
}

func (h *channelHub) removeLocked(name string, c *session) {
	if set := h.subs[name]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.subs, name)
		}
	}
}

// leaveAll removes a closing connection from every channel it joined.
func (h *channelHub) leaveAll(c *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, name := range c.channels {
		h.removeLocked(name, c)
	}
	c.channels = nil
}

// publish queues one message on every subscriber and returns how many it reached. The
// payload is copied once and shared by all the queues.
func (h *channelHub) publish(name string, op pybridge.StreamOp, payload []byte) int64 {
	data := append([]byte(nil), payload...)
	h.mu.RLock()
	set := h.subs[name]
	targets := make([]*session, 0, len(set))
	for c := range set {
		targets = append(targets, c)
	}
	h.mu.RUnlock()
	var reached int64
	for _, c := range targets {
		q := c.stream.Load()
		if q == nil {
			continue
		}
		if q.pushShared(op, data, slowSubscriber) {
			reached++
		} else {
			q.pushShared(pybridge.OpWSClose, []byte("too slow for channel "+name), 0)
			h.unsubscribe(name, c)
		}
		c.info.Wake()
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

package http2

// streamState is the part of the RFC 9113 §5.1 state machine a stream can
// be in while the Conn tracks it. Idle streams have no object yet and
// closed ones are removed (and remembered briefly in Conn.closed).
type streamState uint8

const (
	stateOpen             streamState = iota // both sides may send
	stateHalfClosedRemote                    // the client sent END_STREAM
	stateHalfClosedLocal                     // we sent END_STREAM
)

type stream struct {
	id    uint32
	state streamState

	// receiving
	recvWindow    int64 // body bytes the client may still send
	recvUnacked   int64 // consumed bytes not yet announced with WINDOW_UPDATE
	held          int64 // bytes delivered in events and not yet consumed
	contentLength int64 // declared content-length, or -1
	received      int64 // DATA payload bytes received (padding excluded)
	maxBody       int64 // MaxBodyBytes, or what LimitBody set; 0: no limit

	// sending
	sendWindow  int64 // what the peer lets us send on this stream
	headersSent bool  // a final (non-1xx) response head went out
	endQueued   bool  // the application has ended its side (maybe not framed yet)
	queue       []byte
	queueOff    int
	trailers    []Header // trailers waiting for the queue to drain
	hasTrailers bool
	inReady     bool
	waitDrain   bool // report EventDrained when the queue empties
}

// keepQueueCap bounds the response queue capacity a recycled stream keeps.
const keepQueueCap = 64 << 10

func (s *stream) queued() int { return len(s.queue) - s.queueOff }

// newStream takes a stream object from the free list.
func (c *Conn) newStream(id uint32) *stream {
	var s *stream
	if n := len(c.free); n > 0 {
		s = c.free[n-1]
		c.free = c.free[:n-1]
	} else {
		s = new(stream)
	}
	q, tr := s.queue[:0], s.trailers[:0]
	*s = stream{
		id:            id,
		contentLength: -1,
		maxBody:       c.cfg.MaxBodyBytes,
		sendWindow:    c.peerInitialWindow,
		queue:         q,
		trailers:      tr,
	}
	s.recvWindow = int64(c.cfg.InitialWindowSize)
	if !c.settingsAcked {
		// The client may not have applied our SETTINGS yet and so may
		// still be using the 65535-byte default (RFC 9113 §6.9.2).
		s.recvWindow = max(s.recvWindow, defaultWindow)
	}
	c.streams[id] = s
	return s
}

// closeStream forgets s. Body bytes the application never consumed go back
// to the connection window, since no ConsumeData will come for them.
func (c *Conn) closeStream(s *stream, byUs bool) {
	delete(c.streams, s.id)
	c.noteClosed(s.id, byUs)
	if s.held > 0 {
		c.creditConn(s.held)
	}
	if s.inReady {
		for i, r := range c.ready {
			if r == s {
				c.ready = append(c.ready[:i], c.ready[i+1:]...)
				break
			}
		}
	}
	c.release(s)
}

// release returns s to the free list, dropping large buffers.
func (c *Conn) release(s *stream) {
	if cap(s.queue) > keepQueueCap {
		s.queue = nil
	}
	clear(s.trailers)
	s.queue, s.trailers = s.queue[:0], s.trailers[:0]
	s.inReady = false
	if len(c.free) < int(c.cfg.MaxConcurrentStreams) {
		c.free = append(c.free, s)
	}
}

// endRemote applies a received END_STREAM.
func (c *Conn) endRemote(s *stream) {
	if s.state == stateHalfClosedLocal {
		c.closeStream(s, false)
		return
	}
	s.state = stateHalfClosedRemote
}

// endLocal applies an END_STREAM we just framed. A completed response pays
// back one unit of the rapid-reset score.
func (c *Conn) endLocal(s *stream) {
	c.resetScore = max(c.resetScore-1, 0)
	if s.state == stateHalfClosedRemote {
		c.closeStream(s, false)
		return
	}
	s.state = stateHalfClosedLocal
}

// streamError resets s (RFC 9113 §5.4.2) and tells the application.
func (c *Conn) streamError(s *stream, code ErrCode, reason string) {
	c.writeRST(s.id, code)
	c.pushEvent(Event{Kind: EventStreamReset, Stream: s.id, Code: code, Reason: reason})
	c.closeStream(s, true)
}

// resetID sends RST_STREAM for a stream that has no object (refused,
// malformed before the application saw it, or already closed).
func (c *Conn) resetID(id uint32, code ErrCode) {
	c.writeRST(id, code)
	if found, _ := c.recentlyClosed(id); !found {
		c.noteClosed(id, true)
	}
}

// early counts a stream the client made us give up: reset before its
// response ended, or refused for concurrency. Past MaxEarlyResets the
// connection goes (CVE-2023-44487).
func (c *Conn) early() {
	c.resetScore++
	if c.resetScore > c.cfg.MaxEarlyResets {
		c.connError(ErrCodeEnhanceYourCalm, "too many streams reset or refused before completion")
	}
}

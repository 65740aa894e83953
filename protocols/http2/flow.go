package http2

// ConsumeData reports that the application has processed n bytes of the
// request body it received on stream (in EventRequestData). The Conn
// returns them to the client's flow-control windows, with a WINDOW_UPDATE
// once half a window has accumulated (RFC 9113 §6.9), so uploads proceed
// only as fast as the handler reads.
//
// Bytes of a stream that has since closed need not be reported: closing
// returns them to the connection window. Over-reporting is clamped to what
// was delivered.
func (c *Conn) ConsumeData(stream uint32, n int) {
	s := c.streams[stream]
	if s == nil || n <= 0 || c.err != nil {
		return
	}
	k := min(int64(n), s.held)
	s.held -= k
	c.creditConn(k)
	if s.state != stateHalfClosedRemote {
		c.creditStream(s, k)
	}
}

// creditConn returns n bytes to the connection receive window.
func (c *Conn) creditConn(n int64) {
	if n <= 0 || c.err != nil {
		return
	}
	c.recvUnacked += n
	if c.recvUnacked >= int64(c.cfg.ConnWindowSize)/2 {
		c.writeWindowUpdate(0, uint32(c.recvUnacked))
		c.recvWindow += c.recvUnacked
		c.recvUnacked = 0
	}
}

// creditStream returns n bytes to s's receive window.
func (c *Conn) creditStream(s *stream, n int64) {
	if s.state == stateHalfClosedRemote {
		return // the client sends no more DATA; no update is useful
	}
	s.recvUnacked += n
	if s.recvUnacked >= max(int64(c.cfg.InitialWindowSize)/2, 1) {
		c.writeWindowUpdate(s.id, uint32(s.recvUnacked))
		s.recvWindow += s.recvUnacked
		s.recvUnacked = 0
	}
}

// sendable is how many DATA bytes s may send now.
func (c *Conn) sendable(s *stream) int {
	return int(max(min(c.sendWindow, s.sendWindow, int64(c.peerMaxFrame)), 0))
}

// sendData frames as much of data as the windows allow, ending the stream
// with the last byte if end is set, and returns how much it framed.
func (c *Conn) sendData(s *stream, data []byte, end bool) int {
	n := 0
	for {
		if len(data) == 0 {
			if end {
				c.writeData(s, nil, true)
			}
			return n
		}
		k := min(c.sendable(s), len(data))
		if k == 0 {
			return n
		}
		last := k == len(data) && end
		c.writeData(s, data[:k], last)
		data = data[k:]
		n += k
		if last {
			return n
		}
	}
}

// writeData queues one DATA frame and charges the windows for it.
func (c *Conn) writeData(s *stream, p []byte, end bool) {
	_ = c.fr.WriteData(s.id, end, p)
	c.dataSent += uint64(len(p))
	c.sendWindow -= int64(len(p))
	s.sendWindow -= int64(len(p))
	if end {
		c.endLocal(s)
	}
}

// flush moves queued response data into the output as far as the windows
// now allow: one frame per stream per round, round-robin, so one large
// response cannot starve the others.
func (c *Conn) flush() {
	for progress := true; progress && c.sendWindow > 0 && c.err == nil; {
		progress = false
		for i := 0; i < len(c.ready); i++ {
			s := c.ready[i]
			k := min(c.sendable(s), s.queued())
			if k == 0 {
				continue
			}
			progress = true
			p := s.queue[s.queueOff : s.queueOff+k]
			s.queueOff += k
			if s.queued() > 0 {
				c.writeData(s, p, false)
				continue
			}
			// The queue is empty: finish what the application asked for
			// and drop the stream from the ready list.
			c.ready = append(c.ready[:i], c.ready[i+1:]...)
			i--
			s.inReady = false
			end, trailers, drain := s.endQueued && !s.hasTrailers, s.hasTrailers, s.waitDrain
			id := s.id
			s.queue, s.queueOff, s.waitDrain = s.queue[:0], 0, false
			c.writeData(s, p, end) // may close and recycle s
			if trailers {
				c.writeTrailerBlock(s)
			}
			if drain {
				c.pushEvent(Event{Kind: EventDrained, Stream: id})
			}
		}
	}
}

// Buffered returns how many bytes WriteData has queued for stream because
// the peer's flow-control windows were closed. Transports pause the
// stream's producer while it is above their threshold.
func (c *Conn) Buffered(stream uint32) int {
	if s := c.streams[stream]; s != nil {
		return s.queued()
	}
	return 0
}

// BufferedTotal returns the bytes queued across all streams (not counting
// Pending, which is already framed).
func (c *Conn) BufferedTotal() int {
	n := 0
	for _, s := range c.ready {
		n += s.queued()
	}
	return n
}

// StalledStreams counts streams with queued response data that cannot
// move because the peer's stream or connection window is at zero or
// below. A peer can keep it non-zero forever (zero-window slowloris); the
// Conn has no clock, so the transport decides how long to tolerate that.
func (c *Conn) StalledStreams() int {
	n := 0
	for _, s := range c.ready {
		if c.sendable(s) == 0 {
			n++
		}
	}
	return n
}

// DataSent returns how many response body bytes have been framed into
// Pending since the connection began. A transport timing out stalled
// streams (see StalledStreams) treats a change as progress: a peer that
// keeps opening its windows, however slowly, is reading.
func (c *Conn) DataSent() uint64 { return c.dataSent }

package http2

import "encoding/binary"

// Frame types (RFC 9113 §6) and flags.
const (
	frameData         = 0x0
	frameHeaders      = 0x1
	framePriority     = 0x2
	frameRSTStream    = 0x3
	frameSettings     = 0x4
	framePushPromise  = 0x5
	framePing         = 0x6
	frameGoAway       = 0x7
	frameWindowUpdate = 0x8
	frameContinuation = 0x9

	flagEndStream  = 0x1
	flagAck        = 0x1
	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

// SETTINGS identifiers (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1).
const (
	settingHeaderTableSize       = 0x1
	settingEnablePush            = 0x2
	settingMaxConcurrentStreams  = 0x3
	settingInitialWindowSize     = 0x4
	settingMaxFrameSize          = 0x5
	settingMaxHeaderListSize     = 0x6
	settingEnableConnectProtocol = 0x8
	settingNoRFC7540Priorities   = 0x9
)

// unpad strips the Pad Length field and the padding of a PADDED frame
// (RFC 9113 §6.1, §6.2). before is the size of fixed fields that sit
// between the Pad Length and the content (5 for HEADERS with PRIORITY).
func (c *Conn) unpad(flags byte, p []byte, before int) (content []byte, ok bool) {
	pad := 0
	if flags&flagPadded != 0 {
		if len(p) < 1 {
			c.connError(ErrCodeFrameSize, "padded frame too short for its Pad Length")
			return nil, false
		}
		pad = int(p[0])
		p = p[1:]
	}
	if len(p) < before {
		c.connError(ErrCodeFrameSize, "frame too short for its fixed fields")
		return nil, false
	}
	if pad > len(p)-before {
		// "If the length of the padding is the length of the frame
		// payload or greater, the recipient MUST treat this as a
		// connection error of type PROTOCOL_ERROR."
		c.connError(ErrCodeProtocol, "padding longer than the frame payload")
		return nil, false
	}
	return p[:len(p)-pad], true
}

// onData handles DATA (RFC 9113 §6.1).
func (c *Conn) onData(flags byte, id uint32, p []byte) {
	if id == 0 {
		c.connError(ErrCodeProtocol, "DATA frame on stream 0")
		return
	}
	data, ok := c.unpad(flags, p, 0)
	if !ok {
		return
	}
	// The whole payload, padding included, is flow-controlled, and it
	// counts against the connection whatever the stream's state (§6.9).
	flow := int64(len(p))
	if flow > c.recvWindow {
		c.connError(ErrCodeFlowControl, "DATA exceeds the connection flow-control window")
		return
	}
	c.recvWindow -= flow
	s := c.streams[id]
	if s == nil {
		if c.idle(id) {
			// §5.1: DATA is not allowed on an idle stream.
			c.connError(ErrCodeProtocol, "DATA frame on an idle stream")
			return
		}
		c.creditConn(flow)
		if _, byUs := c.recentlyClosed(id); !byUs {
			// §6.1: a stream that is not open or half-closed (local).
			c.resetID(id, ErrCodeStreamClosed)
			c.answered()
		}
		return
	}
	if s.state == stateHalfClosedRemote {
		c.creditConn(flow)
		c.streamError(s, ErrCodeStreamClosed, "DATA after END_STREAM")
		c.answered()
		return
	}
	if flow > s.recvWindow {
		c.creditConn(flow)
		c.streamError(s, ErrCodeFlowControl, "DATA exceeds the stream flow-control window")
		c.answered()
		return
	}
	s.recvWindow -= flow
	if pad := flow - int64(len(data)); pad > 0 {
		// Padding never reaches the application; give it back now.
		c.creditConn(pad)
		c.creditStream(s, pad)
	}
	end := flags&flagEndStream != 0
	s.received += int64(len(data))
	switch {
	case s.contentLength >= 0 && (s.received > s.contentLength || end && s.received != s.contentLength):
		// §8.1.1: content-length must match the DATA payload total.
		c.creditConn(int64(len(data)))
		c.streamError(s, ErrCodeProtocol, "request body length differs from content-length")
		c.answered()
		return
	case s.maxBody > 0 && s.received > s.maxBody:
		c.creditConn(int64(len(data)))
		c.bodyTooLarge(s)
		return
	}
	if len(data) > 0 || end {
		c.pushData(s, data, end)
	}
	if end {
		c.endRemote(s)
	}
}

// pushData queues data as an EventRequestData, extending the previous event
// when it is an unpopped piece of the same stream's body, so a peer sending
// tiny frames cannot make the queue grow faster than the bytes it sends.
func (c *Conn) pushData(s *stream, data []byte, end bool) {
	s.held += int64(len(data))
	if c.lastData >= 0 {
		ev := &c.events[len(c.events)-1]
		if ev.Stream == s.id {
			c.dataArena = append(c.dataArena, data...)
			ev.Data = c.dataArena[c.lastData:len(c.dataArena):len(c.dataArena)]
			ev.EndStream = end
			return
		}
	}
	off := len(c.dataArena)
	c.dataArena = append(c.dataArena, data...)
	c.pushEvent(Event{
		Kind:      EventRequestData,
		Stream:    s.id,
		Data:      c.dataArena[off:len(c.dataArena):len(c.dataArena)],
		EndStream: end,
	})
	if !end {
		c.lastData = off
	}
}

// LimitBody replaces MaxBodyBytes for the body of a stream whose headers the application
// has seen (0: no limit), so that an application can allow some requests a larger body
// than others (configure MaxBodyBytes as the largest, then lower it per stream). A body
// declared or received beyond the new limit is answered 413 and the stream reset at once
// (EventStreamReset). It does nothing for a stream that is gone.
func (c *Conn) LimitBody(stream uint32, limit int64) {
	s := c.streams[stream]
	if s == nil || c.err != nil {
		return
	}
	s.maxBody = max(limit, 0)
	if s.maxBody > 0 && (s.contentLength > s.maxBody || s.received > s.maxBody) {
		c.bodyTooLarge(s)
	}
}

// bodyTooLarge ends a request whose body passed its limit.
func (c *Conn) bodyTooLarge(s *stream) {
	c.abortRequest(s, 413, "request body exceeds MaxBodyBytes")
}

// abortRequest ends a request the application has seen but the Conn cannot
// accept further: it answers with status when the application has not
// started a response, then resets the stream so the client stops sending
// (NO_ERROR after a complete response, RFC 9113 §8.1; CANCEL otherwise).
func (c *Conn) abortRequest(s *stream, status int, reason string) {
	code := ErrCodeCancel
	if !s.headersSent && !s.endQueued {
		c.writeHeaderBlock(s.id, status, nil, true)
		code = ErrCodeNo
	}
	c.writeRST(s.id, code)
	c.answered()
	c.pushEvent(Event{Kind: EventStreamReset, Stream: s.id, Code: code, Reason: reason})
	c.closeStream(s, true)
}

// onPriority handles PRIORITY (RFC 9113 §6.3). The signal itself is ignored
// (§5.3.2) but the frame is validated.
func (c *Conn) onPriority(id uint32, p []byte) {
	if id == 0 {
		c.connError(ErrCodeProtocol, "PRIORITY frame on stream 0")
		return
	}
	var code ErrCode
	switch {
	case len(p) != 5:
		code = ErrCodeFrameSize
	case binary.BigEndian.Uint32(p)&(1<<31-1) == id:
		code = ErrCodeProtocol // §5.3.1: a stream cannot depend on itself
	default:
		return
	}
	if s := c.streams[id]; s != nil {
		c.streamError(s, code, "invalid PRIORITY frame")
	} else {
		c.resetID(id, code)
	}
	c.answered()
}

// onRSTStream handles RST_STREAM (RFC 9113 §6.4).
func (c *Conn) onRSTStream(id uint32, p []byte) {
	if len(p) != 4 {
		c.connError(ErrCodeFrameSize, "RST_STREAM frame length is not 4")
		return
	}
	if id == 0 || c.idle(id) {
		c.connError(ErrCodeProtocol, "RST_STREAM on stream 0 or an idle stream")
		return
	}
	s := c.streams[id]
	if s == nil {
		return // closed already: nothing to do
	}
	code := ErrCode(binary.BigEndian.Uint32(p))
	// A stream still in the map whose response we finished is half-closed
	// (local); anything else is being cancelled before its response ended.
	wasEarly := s.state != stateHalfClosedLocal
	c.pushEvent(Event{Kind: EventStreamReset, Stream: id, Code: code, Remote: true})
	c.closeStream(s, false)
	if wasEarly {
		c.early()
	}
}

// onSettings handles SETTINGS (RFC 9113 §6.5).
func (c *Conn) onSettings(flags byte, id uint32, p []byte) {
	if id != 0 {
		c.connError(ErrCodeProtocol, "SETTINGS frame on a stream")
		return
	}
	if flags&flagAck != 0 {
		if len(p) != 0 {
			c.connError(ErrCodeFrameSize, "SETTINGS ACK with a payload")
			return
		}
		c.settingsAcked = true
		return
	}
	if len(p)%6 != 0 {
		c.connError(ErrCodeFrameSize, "SETTINGS length is not a multiple of 6")
		return
	}
	if code, reason := c.applySettings(p); code != ErrCodeNo {
		c.connError(code, reason)
		return
	}
	_ = c.fr.WriteSettingsAck()
	c.answered()
	c.flush()
}

// applySettings processes SETTINGS parameters in order (RFC 9113 §6.5.3);
// it is shared with the HTTP2-Settings header of an h2c upgrade.
func (c *Conn) applySettings(p []byte) (ErrCode, string) {
	for ; len(p) >= 6; p = p[6:] {
		v := binary.BigEndian.Uint32(p[2:])
		switch binary.BigEndian.Uint16(p) {
		case settingHeaderTableSize:
			// Our encoder never uses more than the 4096 bytes HPACK
			// starts with, and less when the client asks.
			t := min(v, headerTableSize)
			c.enc.SetMaxDynamicTableSizeLimit(t)
			c.enc.SetMaxDynamicTableSize(t)
		case settingEnablePush, settingEnableConnectProtocol, settingNoRFC7540Priorities:
			if v > 1 {
				return ErrCodeProtocol, "boolean SETTINGS value other than 0 or 1"
			}
		case settingInitialWindowSize:
			if v > maxWindow {
				return ErrCodeFlowControl, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1"
			}
			// §6.9.2: adjust every stream's window by the difference;
			// windows may go negative but not past 2^31-1.
			delta := int64(v) - c.peerInitialWindow
			c.peerInitialWindow = int64(v)
			for _, s := range c.streams {
				s.sendWindow += delta
				if s.sendWindow > maxWindow {
					return ErrCodeFlowControl, "SETTINGS_INITIAL_WINDOW_SIZE overflows a stream window"
				}
			}
		case settingMaxFrameSize:
			if v < minMaxFrameSize || v > maxMaxFrameSize {
				return ErrCodeProtocol, "SETTINGS_MAX_FRAME_SIZE out of range"
			}
			c.peerMaxFrame = int(v)
		case settingMaxConcurrentStreams, settingMaxHeaderListSize:
			// Limits on what we initiate (nothing) and an advisory
			// limit on response heads; nothing to enforce here.
		default:
			// §6.5.2: unknown settings are ignored.
		}
	}
	return ErrCodeNo, ""
}

// onPing handles PING (RFC 9113 §6.7).
func (c *Conn) onPing(flags byte, id uint32, p []byte) {
	if id != 0 {
		c.connError(ErrCodeProtocol, "PING frame on a stream")
		return
	}
	if len(p) != 8 {
		c.connError(ErrCodeFrameSize, "PING frame length is not 8")
		return
	}
	data := [8]byte(p)
	if flags&flagAck != 0 {
		if c.pingsOut > 0 {
			c.pingsOut--
			c.pushEvent(Event{Kind: EventPingAck, PingData: data})
		}
		return
	}
	_ = c.fr.WritePing(true, data)
	c.answered()
}

// onGoAway handles GOAWAY (RFC 9113 §6.8). The client will open no more
// streams; the ones it has keep being served.
func (c *Conn) onGoAway(id uint32, p []byte) {
	if id != 0 {
		c.connError(ErrCodeProtocol, "GOAWAY frame on a stream")
		return
	}
	if len(p) < 8 {
		c.connError(ErrCodeFrameSize, "GOAWAY frame shorter than 8 bytes")
		return
	}
	c.goawayRecv = true
	off := len(c.dataArena)
	c.dataArena = append(c.dataArena, p[8:]...)
	c.pushEvent(Event{
		Kind:         EventGoAway,
		LastStreamID: binary.BigEndian.Uint32(p) & (1<<31 - 1),
		Code:         ErrCode(binary.BigEndian.Uint32(p[4:])),
		DebugData:    c.dataArena[off:len(c.dataArena):len(c.dataArena)],
	})
}

// onWindowUpdate handles WINDOW_UPDATE (RFC 9113 §6.9).
func (c *Conn) onWindowUpdate(id uint32, p []byte) {
	if len(p) != 4 {
		c.connError(ErrCodeFrameSize, "WINDOW_UPDATE frame length is not 4")
		return
	}
	inc := int64(binary.BigEndian.Uint32(p) & (1<<31 - 1))
	if id == 0 {
		if inc == 0 {
			c.connError(ErrCodeProtocol, "WINDOW_UPDATE with a zero increment")
			return
		}
		c.sendWindow += inc
		if c.sendWindow > maxWindow {
			c.connError(ErrCodeFlowControl, "connection flow-control window above 2^31-1")
			return
		}
		c.flush()
		return
	}
	s := c.streams[id]
	if s == nil {
		if c.idle(id) {
			c.connError(ErrCodeProtocol, "WINDOW_UPDATE on an idle stream")
		}
		return // closed: §5.1 allows it to race our END_STREAM
	}
	if inc == 0 {
		c.streamError(s, ErrCodeProtocol, "WINDOW_UPDATE with a zero increment")
		c.answered()
		return
	}
	s.sendWindow += inc
	if s.sendWindow > maxWindow {
		c.streamError(s, ErrCodeFlowControl, "stream flow-control window above 2^31-1")
		c.answered()
		return
	}
	c.flush()
}

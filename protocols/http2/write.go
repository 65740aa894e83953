package http2

import (
	"strconv"
	"strings"

	xhttp2 "golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// statusValues holds the :status values 100-999 so encoding a response
// head never allocates.
var statusValues = func() (t [1000]string) {
	for i := 100; i < len(t); i++ {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

// WriteHeaders queues the response head for stream: HEADERS (and
// CONTINUATION frames when the block exceeds the peer's
// SETTINGS_MAX_FRAME_SIZE). A 1xx status (other than 101, which HTTP/2
// forbids, RFC 9113 §8.6) is informational and may be followed by more
// heads; endStream ends the response without a body.
//
// Field names are lowercased (RFC 9113 §8.2); connection-specific fields
// (connection, keep-alive, proxy-connection, transfer-encoding, upgrade)
// are dropped (§8.2.2); leading and trailing whitespace of values is
// trimmed. A name that is not a token or a value with NUL, CR or LF is an
// ErrInvalidHeader and nothing is queued.
func (c *Conn) WriteHeaders(stream uint32, status int, headers []Header, endStream bool) error {
	s, err := c.writable(stream)
	if err != nil {
		return err
	}
	if s.headersSent {
		return ErrHeadersSent
	}
	informational := status < 200
	if status < 100 || status > 999 || status == 101 || informational && endStream {
		return ErrInvalidStatus
	}
	if err := checkHeaders(headers); err != nil {
		return err
	}
	c.writeHeaderBlock(stream, status, headers, endStream)
	if !informational {
		s.headersSent = true
	}
	if endStream {
		s.endQueued = true
		c.endLocal(s)
	}
	return nil
}

// WriteData sends response body bytes on stream, ending the response after
// them if endStream is set (data may then be empty). It frames at once as
// much as the peer's connection and stream windows allow (RFC 9113 §6.9),
// in frames of at most the peer's SETTINGS_MAX_FRAME_SIZE, and copies the
// rest into the stream's queue, which WINDOW_UPDATE frames drain during
// Feed. written is the number of bytes framed now; len(data)-written were
// queued (see Buffered and EventDrained). The caller may reuse data when
// WriteData returns.
func (c *Conn) WriteData(stream uint32, data []byte, endStream bool) (written int, err error) {
	s, err := c.writable(stream)
	if err != nil {
		return 0, err
	}
	if !s.headersSent {
		return 0, ErrNoHeaders
	}
	if endStream {
		s.endQueued = true
	}
	if s.queued() == 0 {
		written = c.sendData(s, data, endStream)
		data = data[written:]
		if len(data) == 0 {
			return written, nil
		}
	}
	if s.queueOff > 0 && s.queueOff >= len(s.queue)/2 {
		// A producer that keeps the queue from ever emptying (a long stream paced by the
		// peer's windows) would otherwise grow it by everything ever sent; moving the unsent
		// part to the front keeps it within about twice what is queued.
		n := copy(s.queue, s.queue[s.queueOff:])
		s.queue, s.queueOff = s.queue[:n], 0
	}
	s.queue = append(s.queue, data...)
	s.waitDrain = true
	if !s.inReady {
		s.inReady = true
		c.ready = append(c.ready, s)
	}
	return written, nil
}

// WriteTrailers ends the response on stream with a trailer section
// (RFC 9113 §8.1), after any data still queued. Pseudo-header names are an
// ErrInvalidHeader; other fields are treated as in WriteHeaders.
func (c *Conn) WriteTrailers(stream uint32, trailers []Header) error {
	s, err := c.writable(stream)
	if err != nil {
		return err
	}
	if !s.headersSent {
		return ErrNoHeaders
	}
	if err := checkHeaders(trailers); err != nil {
		return err
	}
	s.endQueued = true
	if s.queued() > 0 {
		s.trailers = append(s.trailers[:0], trailers...)
		s.hasTrailers = true
		return nil
	}
	s.trailers = append(s.trailers[:0], trailers...)
	c.writeTrailerBlock(s)
	return nil
}

// ResetStream abandons stream with RST_STREAM(code) (RFC 9113 §6.4),
// dropping queued data; the application gets no event for it. After a
// complete response, ErrCodeNo asks the client to stop sending a request
// body the handler does not need (§8.1).
func (c *Conn) ResetStream(stream uint32, code ErrCode) error {
	if c.err != nil {
		return ErrConnClosed
	}
	s := c.streams[stream]
	if s == nil {
		return ErrStreamClosed
	}
	c.writeRST(stream, code)
	c.closeStream(s, true)
	return nil
}

// Shutdown starts a graceful shutdown (RFC 9113 §6.8): GOAWAY(NO_ERROR)
// naming the highest stream id received so far. Later streams are
// ignored (the client may retry them elsewhere); open ones run to
// completion, after which Closed reports true. Calling it again does
// nothing.
func (c *Conn) Shutdown() {
	if c.err != nil || c.goawaySent {
		return
	}
	c.goawaySent, c.goawayLast = true, c.maxClientID
	_ = c.fr.WriteGoAway(c.maxClientID, xhttp2.ErrCodeNo, nil)
}

// Abort ends the connection with GOAWAY(code) and reason as debug data,
// as if the peer had caused a connection error (RFC 9113 §5.4.1): streams
// are dropped without events and Feed returns the sticky *ConnError. The
// transport uses it for limits that need a clock or the socket, which the
// Conn has not: a response stalled by closed windows for too long, or a
// peer that sends but does not read. Calling it after the connection
// failed does nothing.
func (c *Conn) Abort(code ErrCode, reason string) {
	c.connError(code, reason)
}

// Ping queues a PING frame (RFC 9113 §6.7); the acknowledgement arrives as
// an EventPingAck carrying data. Transports use it to probe liveness.
func (c *Conn) Ping(data [8]byte) error {
	if c.err != nil {
		return ErrConnClosed
	}
	c.pingsOut++
	_ = c.fr.WritePing(false, data)
	return nil
}

// writable finds a stream the application may still write to.
func (c *Conn) writable(id uint32) (*stream, error) {
	if c.err != nil {
		return nil, ErrConnClosed
	}
	s := c.streams[id]
	if s == nil || s.endQueued {
		return nil, ErrStreamClosed
	}
	return s, nil
}

// checkHeaders validates response fields before anything is encoded, so a
// rejected call leaves the HPACK encoder untouched.
func checkHeaders(hs []Header) error {
	for _, h := range hs {
		if !validResponseName(h.Name) || strings.IndexByte(h.Value, 0) >= 0 ||
			strings.IndexByte(h.Value, '\r') >= 0 || strings.IndexByte(h.Value, '\n') >= 0 {
			return ErrInvalidHeader
		}
	}
	return nil
}

// validResponseName accepts tokens in any case; they are lowercased when
// encoded.
func validResponseName(s string) bool { return validFieldName(s, false) }

// lowerName lowercases an ASCII token, allocating only if it has
// uppercase letters.
func lowerName(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// dropResponseField reports fields HTTP/2 does not carry (RFC 9113 §8.2.2).
func dropResponseField(name string) bool {
	switch name {
	case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
		return true
	}
	return false
}

// writeHeaderBlock encodes a response head (status > 0) or trailer section
// (status 0) and frames it as HEADERS plus CONTINUATION frames.
func (c *Conn) writeHeaderBlock(id uint32, status int, hs []Header, endStream bool) {
	c.encBuf.b = c.encBuf.b[:0]
	if status > 0 {
		_ = c.enc.WriteField(hpack.HeaderField{Name: ":status", Value: statusValues[status]})
	}
	for _, h := range hs {
		name := lowerName(h.Name)
		if dropResponseField(name) {
			continue
		}
		_ = c.enc.WriteField(hpack.HeaderField{Name: name, Value: strings.Trim(h.Value, " \t")})
	}
	block := c.encBuf.b
	for first := true; first || len(block) > 0; first = false {
		n := min(len(block), c.peerMaxFrame)
		frag := block[:n]
		block = block[n:]
		if first {
			_ = c.fr.WriteHeaders(xhttp2.HeadersFrameParam{
				StreamID:      id,
				BlockFragment: frag,
				EndStream:     endStream,
				EndHeaders:    len(block) == 0,
			})
		} else {
			_ = c.fr.WriteContinuation(id, len(block) == 0, frag)
		}
	}
	if cap(c.encBuf.b) > 64<<10 {
		c.encBuf.b = nil
	}
}

// writeTrailerBlock sends s's stored trailers, ending the stream.
func (c *Conn) writeTrailerBlock(s *stream) {
	c.writeHeaderBlock(s.id, 0, s.trailers, true)
	s.hasTrailers = false
	c.endLocal(s)
}

func (c *Conn) writeRST(id uint32, code ErrCode) {
	_ = c.fr.WriteRSTStream(id, xhttp2.ErrCode(code))
}

func (c *Conn) writeWindowUpdate(id uint32, n uint32) {
	_ = c.fr.WriteWindowUpdate(id, n)
}

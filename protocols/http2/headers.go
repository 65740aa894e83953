package http2

import (
	"encoding/binary"
	"errors"

	"golang.org/x/net/http2/hpack"
)

// blockKind says what a header block being received will become.
type blockKind uint8

const (
	blockRequest  blockKind = iota // opens a new stream
	blockTrailers                  // ends an open stream
	blockRefused                   // new stream over MaxConcurrentStreams
	blockIgnored                   // new stream after our GOAWAY (§6.8)
	blockDiscard                   // races a reset of ours: decoded and dropped
	blockReject                    // decoded, then a stream error
)

// Pseudo-header bits (RFC 9113 §8.3.1, RFC 8441 §4).
const (
	pseudoMethod uint8 = 1 << iota
	pseudoScheme
	pseudoAuthority
	pseudoPath
	pseudoProtocol
)

// headerBlock is the state of the header block being received. Blocks are
// decoded frame by frame as they arrive (never buffered whole), so this is
// all the Conn keeps between a HEADERS frame and its last CONTINUATION.
type headerBlock struct {
	active     bool
	stream     uint32
	kind       blockKind
	endStream  bool
	rejectCode ErrCode

	cost      int    // encoded bytes plus 9 per frame, against MaxHeaderBlockBytes
	size      int    // decoded size as §6.5.2 counts it, against MaxHeaderListSize
	tooLarge  bool   // size passed MaxHeaderListSize; emission stopped
	malformed string // first §8.1.1 violation found, or ""

	pseudo  uint8 // pseudoMethod|...: pseudo-headers seen
	regular bool  // a regular field has been seen

	method, scheme, authority, path, protocol string
	host                                      string
	hostSeen                                  bool
	contentLength                             int64
	fieldsStart                               int // first of this block's fields in Conn.hdrArena
}

// onHeaders handles HEADERS (RFC 9113 §6.2): a request head, trailers, or
// something to decode and drop.
func (c *Conn) onHeaders(flags byte, id uint32, p []byte) {
	if id == 0 {
		c.connError(ErrCodeProtocol, "HEADERS frame on stream 0")
		return
	}
	before := 0
	if flags&flagPriority != 0 {
		before = 5
	}
	frag, ok := c.unpad(flags, p, before)
	if !ok {
		return
	}
	selfDep := false
	if before > 0 {
		selfDep = binary.BigEndian.Uint32(frag)&(1<<31-1) == id
		frag = frag[5:]
	}
	hb := headerBlock{
		active:        true,
		stream:        id,
		endStream:     flags&flagEndStream != 0,
		contentLength: -1,
		fieldsStart:   len(c.hdrArena),
	}
	switch {
	case id%2 == 0:
		// §5.1.1: clients open odd-numbered streams.
		c.connError(ErrCodeProtocol, "HEADERS on an even-numbered stream")
		return
	case id > c.maxClientID:
		// §5.1.1: a new stream; lower ids left unused are now closed.
		c.maxClientID = id
		switch {
		case c.goawaySent && id > c.goawayLast:
			hb.kind = blockIgnored
		case selfDep:
			hb.kind, hb.rejectCode = blockReject, ErrCodeProtocol
		case uint32(len(c.streams)) >= c.cfg.MaxConcurrentStreams:
			hb.kind = blockRefused
		default:
			hb.kind = blockRequest
		}
	default:
		s := c.streams[id]
		switch {
		case s == nil:
			found, byUs := c.recentlyClosed(id)
			if !found {
				c.connError(ErrCodeProtocol, "HEADERS on a closed or skipped stream id")
				return
			}
			if !byUs {
				c.connError(ErrCodeStreamClosed, "HEADERS on a closed stream")
				return
			}
			// §5.1: we reset it; the client may not know yet.
			hb.kind = blockDiscard
		case s.state == stateHalfClosedRemote:
			hb.kind, hb.rejectCode = blockReject, ErrCodeStreamClosed
		case selfDep:
			hb.kind, hb.rejectCode = blockReject, ErrCodeProtocol
		default:
			hb.kind = blockTrailers
		}
	}
	c.hb = hb
	// Blocks that will be dropped are still decoded, to keep the HPACK
	// state in step (§4.3), but without materializing fields.
	c.dec.SetEmitEnabled(hb.kind == blockRequest || hb.kind == blockTrailers)
	c.blockFragment(flags, len(p), frag)
}

// onContinuation handles CONTINUATION (RFC 9113 §6.10). Frame.dispatch has
// already checked that it follows a HEADERS frame of the same stream
// without END_HEADERS.
func (c *Conn) onContinuation(flags byte, id uint32, p []byte) {
	if !c.hb.active {
		c.connError(ErrCodeProtocol, "CONTINUATION without a preceding HEADERS")
		return
	}
	c.blockFragment(flags, len(p), p)
}

// blockFragment decodes one fragment of the current header block.
func (c *Conn) blockFragment(flags byte, payloadLen int, frag []byte) {
	c.hb.cost += frameHeaderLen + payloadLen
	if c.hb.cost > int(c.cfg.MaxHeaderBlockBytes) {
		c.connError(ErrCodeEnhanceYourCalm, "header block larger than MaxHeaderBlockBytes")
		return
	}
	if len(frag) > 0 {
		if _, err := c.dec.Write(frag); err != nil {
			c.hpackError(err)
			return
		}
	}
	if flags&flagEndHeaders != 0 {
		c.endBlock()
	}
}

// hpackError fails the connection: after a decoding error the dynamic
// table is out of step (RFC 9113 §4.3).
func (c *Conn) hpackError(err error) {
	if errors.Is(err, hpack.ErrStringLength) {
		c.connError(ErrCodeEnhanceYourCalm, "header field string longer than MaxHeaderBlockBytes")
		return
	}
	c.connError(ErrCodeCompression, "header block decoding failed")
}

// endBlock finishes the current header block once END_HEADERS arrives.
func (c *Conn) endBlock() {
	hb := &c.hb
	hb.active = false
	err := c.dec.Close()
	c.dec.SetEmitEnabled(true)
	if err != nil {
		c.hpackError(err)
		return
	}
	id := hb.stream
	switch hb.kind {
	case blockRequest:
		c.finishRequest()
		return
	case blockTrailers:
		c.finishTrailers()
		return
	case blockRefused:
		// §5.1.2: REFUSED_STREAM tells the client it may retry.
		c.resetID(id, ErrCodeRefusedStream)
		c.answered()
		c.early()
	case blockReject:
		if s := c.streams[id]; s != nil {
			c.streamError(s, hb.rejectCode, "invalid HEADERS frame")
		} else {
			c.resetID(id, hb.rejectCode)
		}
		c.answered()
	case blockIgnored:
		c.noteClosed(id, true)
	case blockDiscard:
	}
	c.dropFields()
}

// dropFields forgets the fields of the current block.
func (c *Conn) dropFields() {
	clear(c.hdrArena[c.hb.fieldsStart:])
	c.hdrArena = c.hdrArena[:c.hb.fieldsStart]
}

// finishRequest turns a complete request head into a stream and an event,
// or rejects it.
func (c *Conn) finishRequest() {
	hb := &c.hb
	id := hb.stream
	if hb.tooLarge {
		c.dropFields()
		c.rejectHead(id, 431)
		return
	}
	if reason := hb.checkRequest(); reason != "" {
		// §8.1.1: a malformed request is a stream error of type
		// PROTOCOL_ERROR.
		c.dropFields()
		c.resetID(id, ErrCodeProtocol)
		c.answered()
		c.early()
		return
	}
	if c.cfg.MaxBodyBytes > 0 && hb.contentLength > c.cfg.MaxBodyBytes {
		c.dropFields()
		c.rejectHead(id, 413)
		return
	}
	s := c.newStream(id)
	if hb.endStream {
		s.state = stateHalfClosedRemote
	}
	s.contentLength = hb.contentLength
	authority := hb.authority
	if hb.pseudo&pseudoAuthority == 0 {
		authority = hb.host
	}
	n := len(c.hdrArena)
	c.pushEvent(Event{
		Kind:          EventRequestHeaders,
		Stream:        id,
		Method:        hb.method,
		Scheme:        hb.scheme,
		Authority:     authority,
		Path:          hb.path,
		Protocol:      hb.protocol,
		ContentLength: hb.contentLength,
		Headers:       c.hdrArena[hb.fieldsStart:n:n],
		EndStream:     hb.endStream,
	})
}

// rejectHead answers a request the application will never see with status
// and, if the client is still sending, RST_STREAM(NO_ERROR) (§8.1).
func (c *Conn) rejectHead(id uint32, status int) {
	c.writeHeaderBlock(id, status, nil, true)
	if !c.hb.endStream {
		c.writeRST(id, ErrCodeNo)
	}
	c.noteClosed(id, true)
	c.answered()
	c.early() // repeated HPACK bombs and oversized requests add up
}

// finishTrailers delivers a trailer section, which ends the request.
func (c *Conn) finishTrailers() {
	hb := &c.hb
	s := c.streams[hb.stream]
	if s == nil {
		c.dropFields()
		return
	}
	switch {
	case !hb.endStream:
		// §8.1: a HEADERS frame after the head must end the stream.
		c.dropFields()
		c.streamError(s, ErrCodeProtocol, "HEADERS without END_STREAM after the request head")
		c.answered()
	case hb.tooLarge:
		c.dropFields()
		c.abortRequest(s, 431, "trailer section exceeds MaxHeaderListSize")
	case hb.malformed != "":
		c.dropFields()
		c.streamError(s, ErrCodeProtocol, hb.malformed)
		c.answered()
	case s.contentLength >= 0 && s.received != s.contentLength:
		c.dropFields()
		c.streamError(s, ErrCodeProtocol, "request body length differs from content-length")
		c.answered()
	default:
		n := len(c.hdrArena)
		c.pushEvent(Event{
			Kind:      EventRequestTrailers,
			Stream:    s.id,
			Headers:   c.hdrArena[hb.fieldsStart:n:n],
			EndStream: true,
		})
		c.endRemote(s)
	}
}

// onField receives each decoded field of a request head or trailer section
// from the HPACK decoder.
func (c *Conn) onField(f hpack.HeaderField) {
	hb := &c.hb
	hb.size += len(f.Name) + len(f.Value) + 32
	if hb.size > int(c.cfg.MaxHeaderListSize) {
		// HPACK bomb defence: stop materializing fields; the decoder
		// keeps its table in step without emitting.
		hb.tooLarge = true
		c.dec.SetEmitEnabled(false)
		return
	}
	if reason := c.checkField(f.Name, f.Value); reason != "" {
		hb.malformed = reason
		c.dec.SetEmitEnabled(false)
		return
	}
	if f.Name[0] != ':' {
		c.hdrArena = append(c.hdrArena, Header{Name: f.Name, Value: f.Value})
	}
}

// checkField applies RFC 9113 §8.2 and §8.3 to one field and records
// pseudo-headers and the fields the Conn interprets.
func (c *Conn) checkField(name, value string) string {
	hb := &c.hb
	if !validFieldValue(value) {
		return "invalid field value"
	}
	if name == "" {
		return "empty field name"
	}
	if name[0] == ':' {
		if hb.regular {
			return "pseudo-header after a regular field"
		}
		if hb.kind == blockTrailers {
			return "pseudo-header in trailers"
		}
		var bit uint8
		switch name {
		case ":method":
			if !validFieldName(value, false) {
				return "invalid :method"
			}
			bit, hb.method = pseudoMethod, value
		case ":scheme":
			bit, hb.scheme = pseudoScheme, value
		case ":authority":
			bit, hb.authority = pseudoAuthority, value
		case ":path":
			bit, hb.path = pseudoPath, value
		case ":protocol":
			if !c.cfg.EnableConnectProtocol {
				return "unknown pseudo-header"
			}
			bit, hb.protocol = pseudoProtocol, value
		default:
			return "unknown pseudo-header"
		}
		if hb.pseudo&bit != 0 {
			return "duplicate pseudo-header"
		}
		hb.pseudo |= bit
		return ""
	}
	hb.regular = true
	if !validFieldName(name, true) {
		return "invalid field name"
	}
	switch name {
	case "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade":
		// §8.2.2: connection-specific fields are malformed in HTTP/2.
		return "connection-specific header field"
	case "te":
		if !asciiEqualFold(value, "trailers") {
			return "te header field other than trailers"
		}
	case "content-length":
		if hb.kind != blockRequest {
			break
		}
		n, ok := parseContentLength(value)
		if !ok {
			return "invalid content-length"
		}
		if hb.contentLength >= 0 && n != hb.contentLength {
			return "conflicting content-length values"
		}
		hb.contentLength = n
	case "host":
		if hb.kind != blockRequest {
			break
		}
		if hb.hostSeen && value != hb.host {
			return "conflicting host values"
		}
		hb.host, hb.hostSeen = value, true
	}
	return ""
}

// checkRequest applies the request pseudo-header rules of RFC 9113 §8.3.1
// (and RFC 8441 §4 for extended CONNECT) to a complete head.
func (hb *headerBlock) checkRequest() string {
	if hb.malformed != "" {
		return hb.malformed
	}
	if hb.pseudo&pseudoMethod == 0 {
		return "missing :method"
	}
	has := func(bit uint8) bool { return hb.pseudo&bit != 0 }
	switch {
	case has(pseudoProtocol):
		if hb.method != "CONNECT" {
			return ":protocol in a request other than CONNECT"
		}
		if !has(pseudoScheme) || !has(pseudoPath) || !has(pseudoAuthority) || hb.path == "" {
			return "extended CONNECT without :scheme, :path and :authority"
		}
	case hb.method == "CONNECT":
		// §8.5: CONNECT carries only :method and :authority.
		if has(pseudoScheme) || has(pseudoPath) || !has(pseudoAuthority) || hb.authority == "" {
			return "CONNECT with :scheme or :path or without :authority"
		}
	default:
		if !has(pseudoScheme) || !has(pseudoPath) {
			return "missing :scheme or :path"
		}
		asterisk := hb.path == "*" && hb.method == "OPTIONS" // §8.3.1
		if hb.path == "" || hb.path[0] != '/' && !asterisk {
			return "invalid :path"
		}
	}
	if has(pseudoAuthority) && hb.hostSeen && !asciiEqualFold(hb.host, hb.authority) {
		// §8.3.1: a Host that differs from :authority SHOULD be
		// treated as malformed.
		return "host differs from :authority"
	}
	if hb.endStream && hb.contentLength > 0 {
		// §8.1.1: the body (none) must match content-length.
		return "content-length on a request without a body"
	}
	return ""
}

// fieldNameChars marks the bytes allowed in a field name: RFC 9110 §5.6.2
// tchar, without uppercase letters (RFC 9113 §8.2.1).
var fieldNameChars = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// validFieldName reports whether s is a non-empty token; lower also
// rejects uppercase letters. (Methods are tokens that may be uppercase.)
func validFieldName(s string, lower bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !fieldNameChars[b] && (lower || b < 'A' || b > 'Z') {
			return false
		}
	}
	return true
}

// validFieldValue applies RFC 9113 §8.2.1: no NUL, CR or LF anywhere and
// no leading or trailing SP or HTAB.
func validFieldValue(s string) bool {
	if s == "" {
		return true
	}
	if isWS(s[0]) || isWS(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b == 0 || b == '\r' || b == '\n' {
			return false
		}
	}
	return true
}

func isWS(b byte) bool { return b == ' ' || b == '\t' }

// asciiEqualFold compares ASCII case-insensitively without allocating.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// parseContentLength accepts 1*DIGIT (RFC 9110 §8.6) that fits in an
// int64.
func parseContentLength(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		d := s[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int64(d)
	}
	return n, true
}

package websocket

import (
	"compress/flate"
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

const (
	// DefaultMaxMessageSize is the message size limit used when
	// Config.MaxMessageSize is zero.
	DefaultMaxMessageSize int64 = 16 << 20
	// maxMessageCeiling keeps sizes and offsets representable as int on
	// every platform.
	maxMessageCeiling int64 = 1 << 30
	// keepBufCap bounds the buffers kept from one message to the next, so
	// one large message does not pin memory for the connection's lifetime.
	keepBufCap = 64 << 10
)

// Config configures a Conn.
type Config struct {
	// MaxMessageSize bounds a message's payload, after reassembly and
	// decompression; zero means DefaultMaxMessageSize (16 MiB), and values
	// above 1 GiB are lowered to it. A message over the limit fails the
	// connection with 1009 as soon as it is known: for an uncompressed
	// message when a frame header announces a length that would exceed
	// it, before its payload is buffered; for a compressed one while it
	// is being inflated. The compressed bytes of a message are buffered
	// until its last fragment and may take at most
	// MaxMessageSize + MaxMessageSize/8 + 1024 bytes (deflate framing can
	// expand incompressible data a little).
	MaxMessageSize int64
	// Deflate is the negotiated permessage-deflate configuration, from
	// Handshake.Deflate. The zero value disables compression.
	Deflate DeflateParams
	// CompressionLevel is the compress/flate level for outgoing messages:
	// flate.HuffmanOnly, flate.DefaultCompression or 1-9. Zero or an
	// invalid value means flate.BestSpeed, whose writer resets cheaply;
	// higher levels cost a ~640 KiB table clear per message when the
	// server does not keep its context.
	CompressionLevel int
	// MinCompressSize: messages with fewer payload bytes are sent
	// uncompressed (RSV1 is per message, RFC 7692 §6), since deflate only
	// adds bytes to tiny messages. Zero compresses every message.
	MinCompressSize int
}

// State is the connection's position in the closing handshake (RFC 6455
// §7).
type State uint8

const (
	// StateOpen means messages flow both ways.
	StateOpen State = iota
	// StateClosing means the server sent a Close frame and waits for the peer's
	// (RFC 6455 §7.1.2). Messages still arrive; none may be sent. The
	// transport should bound the wait with a timeout.
	StateClosing
	// StateClosed means the closing handshake is over or the connection failed.
	// The transport writes what AppendOutput returns, then closes the TCP
	// connection (the server closes first, RFC 6455 §7.1.1).
	StateClosed
)

func (s State) String() string {
	switch s {
	case StateOpen:
		return "open"
	case StateClosing:
		return "closing"
	case StateClosed:
		return "closed"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventNone means Next needs more input (or the connection is closed).
	EventNone EventKind = iota
	// EventMessage is a complete data message in Data, Text telling whether
	// it is a text message (valid UTF-8) or a binary one.
	EventMessage
	// EventPing is a Ping frame with payload Data. The Conn has already
	// queued the Pong (see AppendOutput).
	EventPing
	// EventPong is a Pong frame with payload Data, solicited or not.
	EventPong
	// EventClose is the peer's Close frame with Code (CloseNoStatus when it
	// had no body) and Reason. The Conn has queued its own Close in
	// answer, unless it had sent one first, and is now StateClosed.
	EventClose
)

func (k EventKind) String() string {
	switch k {
	case EventNone:
		return "none"
	case EventMessage:
		return "message"
	case EventPing:
		return "ping"
	case EventPong:
		return "pong"
	case EventClose:
		return "close"
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one thing received from the peer. Data is valid until the next
// call to Feed or Next.
type Event struct {
	Kind   EventKind
	Text   bool   // EventMessage: a text message
	Data   []byte // EventMessage, EventPing, EventPong: the payload
	Code   int    // EventClose: the status code
	Reason string // EventClose: the reason, valid UTF-8
}

// Conn is the server side of one WebSocket connection after the opening
// handshake: Feed it received bytes, call Next until it reports EventNone,
// and write what AppendOutput returns (Pongs and Close replies) along with
// the frames the application sends through the Append methods. A Conn is
// not safe for concurrent use.
type Conn struct {
	max         int64 // message size limit, after decompression
	wireMax     int64 // limit on a compressed message's wire bytes
	params      DeflateParams
	level       int
	minCompress int

	state State
	err   *CloseError // sticky once the connection failed

	in []byte // received bytes; in[:r] are consumed
	r  int

	// the frame being received (RFC 6455 §5.2)
	inFrame bool
	fin     bool
	op      Opcode
	left    int64 // payload bytes not yet consumed
	key     [4]byte
	keyPos  int

	// the data message being received (RFC 6455 §5.4)
	msgActive     bool // a text or binary frame started it and its last frame has not ended
	msgText       bool
	msgCompressed bool
	msg           []byte // payload so far, or the inflated payload
	zin           []byte // compressed payload so far
	utf8          utf8Checker
	window        []byte // last 32 KiB inflated, under client context takeover

	enc *deflater // owned compressor, under server context takeover

	pong        [MaxControlPayload]byte // payload of the Pong owed to the peer
	pongLen     int
	pongPending bool
	out         []byte // queued Close frame
}

// NewConn returns a Conn in StateOpen.
func NewConn(cfg Config) *Conn {
	c := &Conn{params: cfg.Deflate, level: cfg.CompressionLevel, minCompress: cfg.MinCompressSize}
	c.max = cfg.MaxMessageSize
	if c.max <= 0 {
		c.max = DefaultMaxMessageSize
	}
	c.max = min(c.max, maxMessageCeiling)
	c.wireMax = c.max + c.max/8 + 1024
	if c.level == 0 || !validLevel(c.level) {
		c.level = flate.BestSpeed
	}
	if !c.params.Enabled {
		c.params = DeflateParams{}
	} else if b := c.params.ServerMaxWindowBits; b != 0 {
		c.params.ServerMaxWindowBits = min(max(b, 8), 15)
	}
	return c
}

// State reports where the connection is in the closing handshake.
func (c *Conn) State() State { return c.state }

// Feed appends received bytes. They are copied, so the caller may reuse
// in. Feed invalidates the Data of events returned so far. Input is
// ignored once the Conn is StateClosed.
func (c *Conn) Feed(in []byte) {
	if c.state == StateClosed {
		return
	}
	if c.r > 0 {
		// After Next reported EventNone only part of a frame header or of
		// a control frame is left, at most 139 bytes.
		c.in, c.r = c.in[:copy(c.in, c.in[c.r:])], 0
	}
	if len(c.in) == 0 && cap(c.in) > keepBufCap {
		c.in = nil
	}
	c.in = append(c.in, in...)
}

// Next returns the next event decoded from the bytes fed so far, or an
// event of kind EventNone when it needs more input. Data frames are
// consumed as they arrive, so what Feed buffers stays small.
//
// On a protocol violation Next fails the connection (RFC 6455 §7.1.7): it
// queues a Close frame with the status code, moves to StateClosed and
// returns a *CloseError, again on every later call.
func (c *Conn) Next() (Event, error) {
	if c.err != nil {
		return Event{}, c.err
	}
	for c.state != StateClosed {
		if !c.inFrame {
			ok, e := c.readHeader()
			if e != nil {
				return Event{}, c.fail(e)
			}
			if !ok {
				break
			}
		}
		if c.op.isControl() {
			// Control frames are at most 125 bytes: wait for all of it.
			if int64(len(c.in)-c.r) < c.left {
				break
			}
			end := c.r + int(c.left)
			p := c.in[c.r:end:end]
			maskBytes(c.key, 0, p)
			c.r, c.inFrame = end, false
			ev, e := c.control(p)
			if e != nil {
				return Event{}, c.fail(e)
			}
			return ev, nil
		}
		ev, ok, e := c.dataFrame()
		if e != nil {
			return Event{}, c.fail(e)
		}
		if ok {
			return ev, nil
		}
		if c.inFrame {
			break // the rest of the payload has not arrived
		}
	}
	return Event{}, nil
}

// readHeader parses and checks a frame header (RFC 6455 §5.2). Each rule is
// checked as soon as the bytes it depends on are there, so the outcome does
// not depend on how the input was split.
func (c *Conn) readHeader() (bool, *CloseError) {
	b := c.in[c.r:]
	if len(b) < 2 {
		return false, nil
	}
	b0, b1 := b[0], b[1]
	op := Opcode(b0 & opcodeBits)
	switch {
	case b0&(rsv2Bit|rsv3Bit) != 0:
		// No negotiated extension defines RSV2 or RSV3 (§5.2).
		return false, protocolError("RSV2 or RSV3 set")
	case !op.defined():
		return false, protocolError("reserved opcode " + strconv.Itoa(int(op)))
	case b1&maskBit == 0:
		// §5.1: a server MUST close the connection on an unmasked frame.
		return false, protocolError("client frame is not masked")
	}
	len7 := b1 & len7Bits
	if op.isControl() {
		switch {
		case b0&finBit == 0:
			return false, protocolError("fragmented control frame")
		case len7 > MaxControlPayload:
			return false, protocolError("control frame payload exceeds 125 bytes")
		case b0&rsv1Bit != 0:
			// RFC 7692 §6.1: control frames are never compressed.
			return false, protocolError("RSV1 set on a control frame")
		}
	} else {
		switch {
		case op == OpContinuation && !c.msgActive:
			return false, protocolError("continuation frame without a message to continue")
		case op != OpContinuation && c.msgActive:
			return false, protocolError("new data frame before the fragmented message ended")
		case b0&rsv1Bit != 0 && !c.params.Enabled:
			return false, protocolError("RSV1 set without a negotiated extension")
		case b0&rsv1Bit != 0 && op == OpContinuation:
			// RFC 7692 §6.1: only a message's first frame carries RSV1.
			return false, protocolError("RSV1 set on a continuation frame")
		}
	}
	hlen := 6
	switch len7 {
	case 126:
		hlen = 8
	case 127:
		hlen = 14
		if len(b) >= 3 && b[2]&0x80 != 0 {
			return false, protocolError("64-bit payload length has its most significant bit set")
		}
	}
	if len(b) < hlen {
		return false, nil
	}
	// Non-minimal length encodings, which §5.2 forbids senders, are
	// accepted: the length is unambiguous either way.
	n := uint64(len7)
	switch len7 {
	case 126:
		n = uint64(binary.BigEndian.Uint16(b[2:]))
	case 127:
		n = binary.BigEndian.Uint64(b[2:])
	}
	if !op.isControl() {
		compressed := b0&rsv1Bit != 0 || op == OpContinuation && c.msgCompressed
		limit, have, what := c.max, 0, "message"
		if compressed {
			limit, what = c.wireMax, "compressed message"
		}
		if op == OpContinuation {
			have = len(c.msg)
			if compressed {
				have = len(c.zin)
			}
		}
		// Refuse on the announced length, before buffering the payload.
		if n > uint64(limit)-uint64(have) {
			return false, tooBig(what, limit)
		}
	}
	copy(c.key[:], b[hlen-4:hlen])
	c.r += hlen
	c.inFrame, c.fin, c.op, c.left, c.keyPos = true, b0&finBit != 0, op, int64(n), 0
	if op == OpText || op == OpBinary {
		c.msgActive, c.msgText, c.msgCompressed = true, op == OpText, b0&rsv1Bit != 0
		c.msg, c.zin = reuse(c.msg), reuse(c.zin)
		c.utf8.reset()
	}
	return true, nil
}

func reuse(b []byte) []byte {
	if cap(b) > keepBufCap {
		return nil
	}
	return b[:0]
}

// dataFrame consumes what has arrived of a data frame's payload. It
// reports a complete message, or false when the frame is incomplete
// (c.inFrame stays set) or ended without ending the message.
func (c *Conn) dataFrame() (Event, bool, *CloseError) {
	avail := len(c.in) - c.r
	if c.op != OpContinuation && c.fin && !c.msgCompressed && len(c.msg) == 0 && int64(avail) >= c.left {
		// The whole message is one frame and has arrived: hand it out
		// in place.
		end := c.r + int(c.left)
		p := c.in[c.r:end:end]
		maskBytes(c.key, 0, p)
		c.r, c.inFrame, c.msgActive = end, false, false
		if c.msgText && !utf8.Valid(p) {
			return Event{}, false, errInvalidUTF8()
		}
		return Event{Kind: EventMessage, Text: c.msgText, Data: p}, true, nil
	}
	n := int(min(int64(avail), c.left))
	p := c.in[c.r : c.r+n]
	c.keyPos = maskBytes(c.key, c.keyPos, p)
	c.r += n
	c.left -= int64(n)
	if c.msgCompressed {
		c.zin = append(c.zin, p...)
	} else {
		if c.msgText && !c.utf8.write(p) {
			return Event{}, false, errInvalidUTF8()
		}
		c.msg = append(c.msg, p...)
	}
	if c.left > 0 {
		return Event{}, false, nil
	}
	c.inFrame = false
	if !c.fin {
		return Event{}, false, nil
	}
	c.msgActive = false
	if c.msgCompressed {
		if e := c.inflate(); e != nil {
			return Event{}, false, e
		}
	}
	if c.msgText && !c.utf8.done() {
		return Event{}, false, errInvalidUTF8()
	}
	return Event{Kind: EventMessage, Text: c.msgText, Data: c.msg[:len(c.msg):len(c.msg)]}, true, nil
}

// control handles a complete, unmasked control frame (RFC 6455 §5.5).
func (c *Conn) control(p []byte) (Event, *CloseError) {
	switch c.op {
	case OpPing:
		// §5.5.2 asks for a Pong "as soon as is practical"; when several
		// Pings arrive before the output is written, answering only the
		// most recent one is allowed (§5.5.3) and keeps a Ping flood from
		// growing the output. No Pong follows our own Close.
		if c.state == StateOpen {
			c.pongLen = copy(c.pong[:], p)
			c.pongPending = true
		}
		return Event{Kind: EventPing, Data: p}, nil
	case OpPong:
		return Event{Kind: EventPong, Data: p}, nil
	}
	code, reason, e := parseClosePayload(p)
	if e != nil {
		return Event{}, e
	}
	if c.state == StateOpen {
		// §5.5.1: answer with a Close, echoing the status code; a Close
		// without a code (reported as 1005, which must not be sent) is
		// answered with an empty one.
		c.out = appendCloseFrame(c.out, code, "")
	}
	c.state = StateClosed
	return Event{Kind: EventClose, Code: code, Reason: string(reason)}, nil
}

// fail implements "Fail the WebSocket Connection" (RFC 6455 §7.1.7): send
// a Close with the status code unless one was sent already, then stop
// processing input.
func (c *Conn) fail(e *CloseError) error {
	c.err = e
	if c.state == StateOpen {
		c.out = appendCloseFrame(c.out, e.Code, e.Reason)
	}
	c.state = StateClosed
	return e
}

// headerRoom is reserved in front of a compressed payload, whose length
// (and so header size) is unknown until it has been compressed.
var headerRoom [10]byte

// AppendMessage appends a complete data message as one unmasked frame: a
// text message when text is set (payload must then be valid UTF-8, which
// is the caller's to ensure), else binary. When permessage-deflate was
// negotiated and the payload has at least Config.MinCompressSize bytes it
// is compressed (RFC 7692 §7.2.1: the trailing 00 00 ff ff is removed, RSV1
// is set); without context takeover a message that does not shrink is sent
// uncompressed. payload must not overlap dst's spare capacity.
//
// Once a Close has been sent or received no data frame may follow
// (RFC 6455 §5.5.1), and AppendMessage returns dst unchanged; check State.
func (c *Conn) AppendMessage(dst []byte, text bool, payload []byte) []byte {
	if c.state != StateOpen {
		return dst
	}
	b0 := finBit | byte(OpBinary)
	if text {
		b0 = finBit | byte(OpText)
	}
	if !c.params.Enabled || len(payload) < c.minCompress {
		return appendFrame(dst, b0, payload)
	}
	start := len(dst)
	dst = append(dst, headerRoom[:]...)
	body := len(dst)
	dst, fresh := c.compress(dst, payload)
	n := len(dst) - body
	if fresh && n >= len(payload) {
		return appendFrame(dst[:start], b0, payload)
	}
	var hdr [10]byte
	h := appendHeader(hdr[:0], b0|rsv1Bit, n)
	copy(dst[start+len(h):], dst[body:])
	copy(dst[start:], h)
	return dst[:start+len(h)+n]
}

// AppendClose starts the closing handshake (RFC 6455 §7.1.2): it appends a
// Close frame with code and reason and moves to StateClosing; the peer's
// Close then arrives as EventClose and the Conn becomes StateClosed. An
// invalid code (see ValidCloseCode; CloseNoStatus included) sends a Close
// without a body; the reason is cut to 123 bytes at a character boundary
// and dropped if not valid UTF-8. A pending Pong is dropped, since nothing
// may follow the Close. Only one Close is ever sent: after the first, or
// after the peer's, AppendClose returns dst unchanged.
func (c *Conn) AppendClose(dst []byte, code int, reason string) []byte {
	if c.state != StateOpen {
		return dst
	}
	c.state = StateClosing
	c.pongPending = false
	return appendCloseFrame(dst, code, reason)
}

// HasOutput reports whether AppendOutput has frames to give.
func (c *Conn) HasOutput() bool { return c.pongPending || len(c.out) > 0 }

// AppendOutput appends the frames the protocol requires the server to send
// by itself, and forgets them: the Pong answering the latest Ping, and the
// Close answering the peer's or failing the connection. Write them after
// whatever was appended before the Next call that queued them; frames are
// whole, so they may go between any two messages.
func (c *Conn) AppendOutput(dst []byte) []byte {
	if c.pongPending {
		dst = appendFrame(dst, finBit|byte(OpPong), c.pong[:c.pongLen])
		c.pongPending = false
	}
	dst = append(dst, c.out...)
	c.out = c.out[:0]
	return dst
}

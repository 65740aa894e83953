package http2

import (
	"encoding/binary"

	xhttp2 "golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// ClientPreface is the fixed start of every client connection (RFC 9113
// §3.4), followed by the client's SETTINGS frame.
const ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// phase is how far connection establishment has got.
type phase uint8

const (
	phasePreface  phase = iota // matching the client preface
	phaseSettings              // preface matched; the next frame must be SETTINGS
	phaseOpen                  // frames flow
)

// sink is an io.Writer appending to a byte slice; the Framer and the HPACK
// encoder write into sinks. Write never fails.
type sink struct {
	b []byte
	// written counts every byte ever appended (including consumed ones), so
	// output positions survive compaction.
	written uint64
}

func (s *sink) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	s.written += uint64(len(p))
	return len(p), nil
}

// closedEntry remembers a recently closed stream so that frames racing its
// closure are told apart from protocol violations (RFC 9113 §5.1, "closed").
type closedEntry struct {
	id   uint32
	byUs bool // we sent RST_STREAM (or ignored the stream): discard its frames
}

const closedRingSize = 64

// Conn is the server side of one HTTP/2 connection. It is not safe for
// concurrent use; the transport serializes calls.
type Conn struct {
	cfg   Config
	phase phase
	nPre  int        // preface bytes matched so far
	err   *ConnError // sticky once a connection error has been sent
	carry []byte     // a frame split across Feed calls

	// output
	out      sink
	outHead  int    // out.b[:outHead] has been consumed
	consumed uint64 // total bytes consumed
	fr       *xhttp2.Framer
	enc      *hpack.Encoder
	encBuf   sink
	ctrl     []uint64 // out.written positions where unconsumed answer frames end
	ctrlHead int

	// input header blocks
	dec *hpack.Decoder
	hb  headerBlock

	// events
	events    []Event
	evHead    int
	hdrArena  []Header
	dataArena []byte
	lastData  int // dataArena offset of the newest event's Data, or -1

	streams     map[uint32]*stream
	free        []*stream
	ready       []*stream // streams with queued response data
	maxClientID uint32    // highest stream id the client has used
	closed      [closedRingSize]closedEntry
	closedNext  int

	// peer's settings and our send windows
	peerInitialWindow int64
	peerMaxFrame      int
	sendWindow        int64
	dataSent          uint64 // DATA payload bytes framed, for DataSent

	// our receive windows
	recvWindow    int64 // connection-level bytes the peer may still send
	recvUnacked   int64 // connection-level bytes credited but not yet announced
	settingsAcked bool

	goawaySent bool
	goawayLast uint32
	goawayRecv bool
	pingsOut   int

	resetScore int
}

// NewConn returns a Conn expecting the client connection preface. Its
// SETTINGS frame (and a connection WINDOW_UPDATE when ConnWindowSize
// exceeds 65535) is already in Pending: RFC 9113 §3.4 lets the server send
// it without waiting for the client.
func NewConn(cfg Config) *Conn {
	return newConn(cfg, "")
}

func newConn(cfg Config, prefix string) *Conn {
	c := &Conn{
		cfg:               cfg.normalized(),
		streams:           make(map[uint32]*stream),
		lastData:          -1,
		peerInitialWindow: defaultWindow,
		peerMaxFrame:      minMaxFrameSize,
		sendWindow:        defaultWindow,
	}
	c.recvWindow = int64(c.cfg.ConnWindowSize)
	c.fr = xhttp2.NewFramer(&c.out, nil)
	c.enc = hpack.NewEncoder(&c.encBuf)
	c.dec = hpack.NewDecoder(headerTableSize, c.onField)
	c.dec.SetMaxStringLength(int(c.cfg.MaxHeaderBlockBytes))
	_, _ = c.out.Write([]byte(prefix))
	c.writeSettings()
	if d := c.cfg.ConnWindowSize - defaultWindow; d > 0 {
		c.writeWindowUpdate(0, d)
	}
	return c
}

// writeSettings queues our SETTINGS frame (RFC 9113 §6.5.2), listing only
// values that differ from the protocol defaults.
func (c *Conn) writeSettings() {
	var s [6]xhttp2.Setting
	n := 0
	add := func(id xhttp2.SettingID, v uint32) { s[n] = xhttp2.Setting{ID: id, Val: v}; n++ }
	add(xhttp2.SettingMaxConcurrentStreams, c.cfg.MaxConcurrentStreams)
	if c.cfg.InitialWindowSize != defaultWindow {
		add(xhttp2.SettingInitialWindowSize, c.cfg.InitialWindowSize)
	}
	if c.cfg.MaxFrameSize != minMaxFrameSize {
		add(xhttp2.SettingMaxFrameSize, c.cfg.MaxFrameSize)
	}
	add(xhttp2.SettingMaxHeaderListSize, c.cfg.MaxHeaderListSize)
	if c.cfg.EnableConnectProtocol {
		add(xhttp2.SettingEnableConnectProtocol, 1)
	}
	// The writer cannot fail and every value was range-checked by
	// normalized, so the Framer has nothing to reject.
	_ = c.fr.WriteSettings(s[:n]...)
}

// Feed consumes bytes received from the client. It processes every
// complete frame, queuing events for NextEvent and output for Pending, and
// keeps an incomplete trailing frame for the next call. It does not retain
// in.
//
// A non-nil error is a *ConnError: the connection is finished (see the
// package documentation). The error is sticky.
func (c *Conn) Feed(in []byte) error {
	if c.err != nil {
		return c.err
	}
	if c.evHead == len(c.events) {
		c.resetArenas()
	}
	for len(in) > 0 && c.err == nil {
		if c.phase == phasePreface {
			in = c.matchPreface(in)
			continue
		}
		if len(c.carry) > 0 || len(in) < frameHeaderLen {
			in = c.feedCarry(in)
			continue
		}
		length := int(in[0])<<16 | int(in[1])<<8 | int(in[2])
		if !c.checkLength(length) {
			break
		}
		if len(in) < frameHeaderLen+length {
			c.carry = append(c.carry, in...)
			break
		}
		c.frame(in[:frameHeaderLen], in[frameHeaderLen:frameHeaderLen+length])
		in = in[frameHeaderLen+length:]
	}
	if c.err != nil {
		return c.err
	}
	return nil
}

// matchPreface consumes as much of the client preface as in holds.
func (c *Conn) matchPreface(in []byte) []byte {
	n := min(len(in), len(ClientPreface)-c.nPre)
	if string(in[:n]) != ClientPreface[c.nPre:c.nPre+n] {
		// RFC 9113 §3.4: an invalid preface is a connection error of
		// type PROTOCOL_ERROR.
		c.connError(ErrCodeProtocol, "invalid connection preface")
		return nil
	}
	c.nPre += n
	if c.nPre == len(ClientPreface) {
		c.phase = phaseSettings
	}
	return in[n:]
}

// feedCarry moves bytes into the reassembly buffer until it holds one whole
// frame, processes that frame and returns the rest of in. Only as many
// bytes as the frame needs are copied, so the buffer never exceeds
// 9+MaxFrameSize.
func (c *Conn) feedCarry(in []byte) []byte {
	if len(c.carry) < frameHeaderLen {
		n := min(frameHeaderLen-len(c.carry), len(in))
		c.carry = append(c.carry, in[:n]...)
		in = in[n:]
		if len(c.carry) < frameHeaderLen {
			return in
		}
	}
	length := int(c.carry[0])<<16 | int(c.carry[1])<<8 | int(c.carry[2])
	if !c.checkLength(length) {
		return nil
	}
	n := min(frameHeaderLen+length-len(c.carry), len(in))
	c.carry = append(c.carry, in[:n]...)
	in = in[n:]
	if len(c.carry) < frameHeaderLen+length {
		return in
	}
	c.frame(c.carry[:frameHeaderLen], c.carry[frameHeaderLen:])
	c.carry = c.carry[:0]
	return in
}

// checkLength enforces our SETTINGS_MAX_FRAME_SIZE as soon as a frame
// header arrives. RFC 9113 §4.2 allows a connection error of type
// FRAME_SIZE_ERROR for any oversized frame and requires it for frames that
// can change connection state; we use it for all, so an oversized payload
// is never buffered.
func (c *Conn) checkLength(length int) bool {
	if length > int(c.cfg.MaxFrameSize) {
		c.connError(ErrCodeFrameSize, "frame larger than SETTINGS_MAX_FRAME_SIZE")
		return false
	}
	return true
}

// resetArenas recycles event memory once every event has been popped. The
// fields of a header block still being received move to the front.
func (c *Conn) resetArenas() {
	c.events = c.events[:0]
	c.evHead = 0
	c.lastData = -1
	if cap(c.dataArena) > 1<<20 {
		c.dataArena = nil
	}
	c.dataArena = c.dataArena[:0]
	if c.hb.active && c.hb.fieldsStart > 0 {
		n := copy(c.hdrArena, c.hdrArena[c.hb.fieldsStart:])
		clear(c.hdrArena[n:])
		c.hdrArena = c.hdrArena[:n]
		c.hb.fieldsStart = 0
	} else if !c.hb.active {
		clear(c.hdrArena)
		c.hdrArena = c.hdrArena[:0]
	}
}

// NextEvent pops the oldest queued event; ok is false when there is none.
func (c *Conn) NextEvent() (ev Event, ok bool) {
	if c.evHead == len(c.events) {
		return Event{}, false
	}
	ev = c.events[c.evHead]
	c.evHead++
	return ev, true
}

func (c *Conn) pushEvent(ev Event) {
	c.events = append(c.events, ev)
	c.lastData = -1
}

// Pending returns the bytes waiting to be written to the client. The slice
// is valid until the next call to any other method; after writing some of
// it, report how much with Consumed.
func (c *Conn) Pending() []byte { return c.out.b[c.outHead:] }

// Consumed drops the first n bytes of Pending, which the transport has
// written. n larger than len(Pending()) is treated as len(Pending()).
func (c *Conn) Consumed(n int) {
	n = min(max(n, 0), len(c.out.b)-c.outHead)
	c.outHead += n
	c.consumed += uint64(n)
	for c.ctrlHead < len(c.ctrl) && c.ctrl[c.ctrlHead] <= c.consumed {
		c.ctrlHead++
	}
	if c.ctrlHead == len(c.ctrl) {
		c.ctrl, c.ctrlHead = c.ctrl[:0], 0
	}
	switch {
	case c.outHead == len(c.out.b):
		if cap(c.out.b) > 1<<20 {
			c.out.b = nil
		}
		c.out.b, c.outHead = c.out.b[:0], 0
	case c.outHead > 4096 && c.outHead > len(c.out.b)/2:
		n := copy(c.out.b, c.out.b[c.outHead:])
		c.out.b, c.outHead = c.out.b[:n], 0
	}
}

// Closed reports that the connection has nothing left to do: it failed,
// or a GOAWAY was sent or received and every stream has finished. The
// transport then writes what Pending holds and closes the connection.
func (c *Conn) Closed() bool {
	return c.err != nil || ((c.goawaySent || c.goawayRecv) && len(c.streams) == 0)
}

// Err returns the connection error, if any, as Feed returned it.
func (c *Conn) Err() error {
	if c.err != nil {
		return c.err
	}
	return nil
}

// connError ends the connection (RFC 9113 §5.4.1): GOAWAY with the last
// stream id the client opened, then nothing more is read. Streams are
// dropped without events; Feed's error tells the transport.
func (c *Conn) connError(code ErrCode, reason string) {
	if c.err != nil {
		return
	}
	c.err = &ConnError{Code: code, Reason: reason}
	last := c.maxClientID
	if c.goawaySent {
		last = c.goawayLast // §6.8: a later GOAWAY must not raise the id
	}
	_ = c.fr.WriteGoAway(last, xhttp2.ErrCode(code), []byte(reason))
	c.goawaySent, c.goawayLast = true, last
	for id, s := range c.streams {
		delete(c.streams, id)
		c.release(s)
	}
	c.ready = c.ready[:0]
	c.carry = nil
}

// answered records that a frame we just queued answers the peer (an ACK,
// a RST_STREAM, a response the Conn made up). Such frames are the lever of
// SETTINGS/PING/reset floods, so their unconsumed number is bounded.
func (c *Conn) answered() {
	c.ctrl = append(c.ctrl, c.out.written)
	if len(c.ctrl)-c.ctrlHead > c.cfg.MaxQueuedControlFrames {
		c.connError(ErrCodeEnhanceYourCalm, "too many control frames queued while output is not drained")
	}
}

// frame dispatches one complete frame (RFC 9113 §4.1).
func (c *Conn) frame(hdr, p []byte) {
	typ, flags := hdr[3], hdr[4]
	id := binary.BigEndian.Uint32(hdr[5:]) & (1<<31 - 1) // the reserved bit is ignored
	if c.phase == phaseSettings {
		// RFC 9113 §3.4: the preface ends with a SETTINGS frame.
		if typ != frameSettings || flags&flagAck != 0 {
			c.connError(ErrCodeProtocol, "connection preface not followed by SETTINGS")
			return
		}
		c.phase = phaseOpen
	}
	if c.hb.active && (typ != frameContinuation || id != c.hb.stream) {
		// RFC 9113 §6.10: a header block is contiguous.
		c.connError(ErrCodeProtocol, "header block interrupted by another frame")
		return
	}
	switch typ {
	case frameData:
		c.onData(flags, id, p)
	case frameHeaders:
		c.onHeaders(flags, id, p)
	case framePriority:
		c.onPriority(id, p)
	case frameRSTStream:
		c.onRSTStream(id, p)
	case frameSettings:
		c.onSettings(flags, id, p)
	case framePushPromise:
		// RFC 9113 §8.4: only servers push.
		c.connError(ErrCodeProtocol, "PUSH_PROMISE from a client")
	case framePing:
		c.onPing(flags, id, p)
	case frameGoAway:
		c.onGoAway(id, p)
	case frameWindowUpdate:
		c.onWindowUpdate(id, p)
	case frameContinuation:
		c.onContinuation(flags, id, p)
	default:
		// RFC 9113 §5.5: unknown frame types are ignored.
	}
}

// noteClosed remembers a closed stream for frames that race its closure.
func (c *Conn) noteClosed(id uint32, byUs bool) {
	c.closed[c.closedNext%closedRingSize] = closedEntry{id: id, byUs: byUs}
	c.closedNext++
}

// recentlyClosed looks id up among the last closedRingSize closed streams.
func (c *Conn) recentlyClosed(id uint32) (found, byUs bool) {
	for _, e := range c.closed {
		if e.id == id {
			return true, e.byUs
		}
	}
	return false, false
}

// idle reports whether id names a stream in the idle state (RFC 9113
// §5.1): a client stream not opened yet, or a server stream (even id),
// which this server never opens.
func (c *Conn) idle(id uint32) bool {
	return id%2 == 0 || id > c.maxClientID
}

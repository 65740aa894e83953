package http1

// state names what the parser expects next in the byte stream.
type state uint8

const (
	stateStart        state = iota // empty lines may precede the request line (RFC 9112 §2.2)
	stateRequestLine               // RFC 9112 §3
	stateFields                    // header section, RFC 9112 §5
	stateBody                      // Content-Length body, RFC 9112 §6.2
	stateChunkSize                 // chunk-size line, RFC 9112 §7.1
	stateChunkData                 // chunk-data
	stateChunkDataEnd              // CRLF after chunk-data
	stateTrailers                  // trailer section, RFC 9112 §7.1.2
)

// step is the outcome of advancing the parser by one state.
type step uint8

const (
	stepNext step = iota // state advanced; keep going
	stepMore             // the buffer ends before the current element does
	stepDone             // a whole request ends at p.pos
)

// span is a [start, end) range of the parse buffer. The parser remembers
// positions rather than slices because the caller may hand it a reallocated
// buffer on the next call; only the content of the prefix is guaranteed.
type span struct{ start, end int }

// of clips capacity so appending to the result cannot overwrite the bytes
// that follow it (possibly the next pipelined request).
func (s span) of(buf []byte) []byte { return buf[s.start:s.end:s.end] }

type fieldSpan struct{ name, value span }

// Parser parses HTTP/1.x requests from one connection, one request at a
// time. It holds no reference to the caller's buffer between calls. The zero
// value is not usable; call NewParser.
type Parser struct {
	lim Limits
	err *Error // sticky: the connection is unusable after a protocol error

	state state
	pos   int // offset of the first byte not yet consumed by the state machine
	scan  int // bytes in [pos, scan) are known to hold no LF (avoids rescans)

	// request line
	method, target span
	query          int // offset of '?' in the target, or -1
	minor          int

	// header section
	headStart int
	fields    []fieldSpan // reused across requests
	headDone  bool

	host, upgrade span
	hostSeen      bool
	upgradeSeen   bool
	connClose     bool
	connKeepAlive bool
	connUpgrade   bool
	expect        bool

	clSeen   bool
	cl       int64
	clDigits span // canonical digits of the first Content-Length, to compare duplicates

	teSeen         bool
	teCodings      int
	teChunkedSeen  bool
	teChunkedTwice bool
	teLastChunked  bool
	teOther        bool
	chunked        bool

	// body
	bodyStart    int
	chunkLeft    int64
	overhead     int64  // chunked framing bytes consumed so far
	body         []byte // decoded chunked body, reused across requests
	trailerStart int
	trailers     int

	// Streamed bodies (stream.go): pauseAtBody is the caller's choice (PauseAfterHead),
	// paused that Parse stopped after a head; streaming is set by StreamBody, with the
	// body's own limit and the decoded bytes handed out so far; head is the copy of the
	// head that the Request points into meanwhile.
	pauseAtBody bool
	paused      bool
	streaming   bool
	streamLimit int64
	streamed    int64
	head        []byte
}

// keepBodyCap bounds the decoded-body buffer kept between requests, so one
// large chunked upload does not pin memory for the connection's lifetime.
const keepBodyCap = 64 << 10

// NewParser returns a parser enforcing l; zero fields of l take the values
// of DefaultLimits.
func NewParser(l Limits) *Parser {
	return &Parser{lim: l.normalized(), query: -1}
}

// Parse examines buf, which holds the bytes received so far for the current
// request: callers keep the unconsumed prefix and append new data. buf may be
// reallocated between calls but its prefix content must not change.
//
// It returns n > 0 when a whole request (head and body) is in buf: req is
// filled and the first n bytes belong to it. Parse then resets itself, so the
// next call must pass buf[n:] (plus whatever arrived since), which may
// already hold a pipelined request.
//
// It returns n == 0 and a nil error when more bytes are needed. Once the
// head has been parsed, HeadComplete reports true and req holds the head
// fields (Body stays nil), so the caller can answer "Expect: 100-continue".
//
// On a protocol violation it returns a *Error; the caller answers with its
// Status and closes the connection. The error is sticky until Reset.
func (p *Parser) Parse(buf []byte, req *Request) (n int, err error) {
	if p.err != nil {
		return 0, p.err
	}
	if p.paused {
		p.paused = false
		if e := p.checkDeclaredLength(); e != nil {
			p.err = e
			return 0, e
		}
	}
	if len(buf) < p.pos {
		// The caller broke the contract by shrinking the buffer; start over
		// rather than index out of range.
		p.Reset()
	}
	for {
		s, e := p.step(buf)
		if e != nil {
			p.err = e
			return 0, e
		}
		switch s {
		case stepMore:
			if p.headDone {
				p.fill(buf, req, false)
			}
			return 0, nil
		case stepDone:
			p.fill(buf, req, true)
			n := p.pos
			p.reset()
			return n, nil
		}
	}
}

// HeadComplete reports whether the current request's head has been parsed
// while its body is still incomplete. It is false again after Parse returns
// a complete request, because Parse resets itself then.
func (p *Parser) HeadComplete() bool { return p.headDone }

// Reset abandons any partially parsed request and clears a sticky error,
// keeping the limits and reusable buffers. Parse calls it implicitly after
// each complete request; call it explicitly only to reuse a parser for a new
// connection or after an error.
func (p *Parser) Reset() {
	p.reset()
}

func (p *Parser) reset() {
	fields := p.fields[:0]
	body := p.body[:0]
	if cap(body) > keepBodyCap {
		body = nil
	}
	*p = Parser{lim: p.lim, fields: fields, body: body, query: -1, pauseAtBody: p.pauseAtBody, head: p.head[:0]}
}

func (p *Parser) step(buf []byte) (step, *Error) {
	switch p.state {
	case stateStart:
		return p.skipEmptyLines(buf)
	case stateRequestLine:
		return p.requestLine(buf)
	case stateFields:
		return p.headerFields(buf)
	case stateBody:
		return p.lengthBody(buf)
	case stateChunkSize:
		return p.chunkSize(buf)
	case stateChunkData:
		return p.chunkData(buf)
	case stateChunkDataEnd:
		return p.chunkDataEnd(buf)
	default:
		return p.trailerFields(buf)
	}
}

package form

import "bytes"

// mstate is where a multipart parser is in the body (RFC 2046 §5.1.1):
//
//	"--" boundary *LWSP CRLF headers CRLF content CRLF "--" boundary ... "--" epilogue
type mstate uint8

const (
	mStart      mstate = iota // before the first delimiter
	mAfterDelim               // after a delimiter: "--" ends the body, else LWSP CRLF
	mHeaders                  // a part's header lines, up to an empty line
	mContent                  // a part's content, up to the next delimiter
	mEpilogue                 // after the close delimiter; ignored
)

type multipart struct {
	lim Limits
	// delim is CRLF "--" boundary: a delimiter ends the content before it, CRLF included.
	delim []byte
	state mstate
	// started: the first delimiter was seen (an empty body is an empty form).
	started bool
	// buf[off:] holds bytes of earlier Feeds not consumed yet; buf[:off] was consumed by
	// the last Feed, whose events may still point into it.
	buf    []byte
	off    int
	events []Event
	// current is the part being read.
	current *Part
	// hdr stores the current part's header bytes, which may arrive over several Feeds;
	// spans indexes it as name, value pairs.
	hdr         []byte
	spans       []int
	headerBytes int
	size        int64
	fields      int
	files       int
	err         *Error
}

func newMultipart(boundary []byte, lim Limits) *multipart {
	delim := append([]byte("\r\n--"), boundary...)
	return &multipart{lim: lim, delim: delim}
}

func (m *multipart) Feed(data []byte) ([]Event, error) {
	if m.err != nil {
		return nil, m.err
	}
	m.events = m.events[:0]
	if m.off > 0 { // the previous events are dead now: drop what they pointed at
		m.buf = append(m.buf[:0], m.buf[m.off:]...)
		m.off = 0
	}
	if len(m.buf) == 0 {
		off, err := m.run(data)
		if err != nil {
			m.err = err
			return nil, err
		}
		// Keep the unconsumed tail (a partial delimiter or header line) for the next Feed.
		m.buf = append(m.buf, data[off:]...)
		return m.events, nil
	}
	m.buf = append(m.buf, data...)
	off, err := m.run(m.buf)
	if err != nil {
		m.err = err
		return nil, err
	}
	m.off = off
	return m.events, nil
}

func (m *multipart) Close() ([]Event, error) {
	if m.err != nil {
		return nil, m.err
	}
	m.events = m.events[:0]
	if m.state != mEpilogue && (m.started || len(bytes.Trim(m.buf[m.off:], "\r\n")) > 0) {
		m.err = invalidMultipart("the body ended before its closing boundary")
		return nil, m.err
	}
	return m.events, nil
}

// run consumes what it can of b and returns how many bytes it consumed.
func (m *multipart) run(b []byte) (int, *Error) {
	off := 0
	for {
		var n int
		var err *Error
		switch m.state {
		case mStart:
			n, err = m.start(b[off:])
		case mAfterDelim:
			n, err = m.afterDelim(b[off:])
		case mHeaders:
			n, err = m.headerLine(b[off:])
		case mContent:
			n, err = m.content(b[off:])
		default:
			return len(b), nil
		}
		if err != nil {
			return off, err
		}
		if n == 0 {
			return off, nil
		}
		off += n
	}
}

// start expects the first delimiter at the start of the body, after any line breaks (as
// python-multipart: a preamble is refused).
func (m *multipart) start(b []byte) (int, *Error) {
	n := 0
	for n < len(b) && (b[n] == '\r' || b[n] == '\n') {
		n++
	}
	b = b[n:]
	first := m.delim[2:]
	if len(b) < len(first) {
		if !bytes.HasPrefix(first, b) {
			return 0, invalidMultipart("the body does not start with the boundary")
		}
		return n, nil // the rest of the delimiter may come
	}
	if !bytes.HasPrefix(b, first) {
		return 0, invalidMultipart("the body does not start with the boundary")
	}
	m.state = mAfterDelim
	m.started = true
	return n + len(first), nil
}

// partialDelim is the length of the longest suffix of b that begins delim. delim holds
// one CR, at its start (a boundary has no line breaks), so only the last CR can begin one.
func partialDelim(b, delim []byte) int {
	from := max(len(b)-len(delim)+1, 0)
	i := bytes.LastIndexByte(b[from:], '\r')
	if i < 0 {
		return 0
	}
	if tail := b[from+i:]; bytes.HasPrefix(delim, tail) {
		return len(tail)
	}
	return 0
}

// afterDelim reads what follows a delimiter: "--" closes the body, otherwise transport
// padding (LWSP) and CRLF start a part's headers.
func (m *multipart) afterDelim(b []byte) (int, *Error) {
	if len(b) < 2 {
		return 0, nil
	}
	if b[0] == '-' && b[1] == '-' {
		m.state = mEpilogue
		return 2, nil
	}
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i > m.lim.MaxHeaderBytes {
		return 0, headerTooLarge(m.lim.MaxHeaderBytes)
	}
	if len(b)-i < 2 {
		return 0, nil
	}
	if b[i] != '\r' || b[i+1] != '\n' {
		return 0, invalidMultipart("a boundary is not followed by a line break")
	}
	m.startPart()
	return i + 2, nil
}

func (m *multipart) startPart() {
	m.state = mHeaders
	// Fresh memory per part: earlier parts' events of the same Feed still point into theirs.
	m.hdr, m.spans = nil, m.spans[:0]
	m.headerBytes = 0
	m.size = 0
}

// headerLine reads one header line of a part (RFC 7578 §4.8: only Content-Disposition,
// Content-Type and Content-Transfer-Encoding mean anything; every line is kept).
func (m *multipart) headerLine(b []byte) (int, *Error) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		if m.headerBytes+len(b) > m.lim.MaxHeaderBytes {
			return 0, headerTooLarge(m.lim.MaxHeaderBytes)
		}
		return 0, nil
	}
	m.headerBytes += i + 2
	if m.headerBytes > m.lim.MaxHeaderBytes {
		return 0, headerTooLarge(m.lim.MaxHeaderBytes)
	}
	line := b[:i]
	if len(line) == 0 {
		return 2, m.beginContent()
	}
	if bytes.IndexByte(line, '\n') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
		return 0, invalidMultipart("a part header has a bare line break")
	}
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return 0, invalidMultipart("a part header has no name")
	}
	name := line[:colon]
	for _, c := range name {
		if !isTokenChar(c) {
			return 0, invalidMultipart("a part header name is not a token")
		}
	}
	start := len(m.hdr)
	for _, c := range name {
		m.hdr = append(m.hdr, lower(c))
	}
	mid := len(m.hdr)
	// Leading whitespace only, as python-multipart strips it.
	m.hdr = append(m.hdr, bytes.TrimLeft(line[colon+1:], " \t")...)
	m.spans = append(m.spans, start, mid, len(m.hdr))
	return i + 2, nil
}

// beginContent describes the part whose headers just ended and counts it against the limits.
func (m *multipart) beginContent() *Error {
	p := &Part{}
	var disposition []byte
	for i := 0; i < len(m.spans); i += 3 {
		h := Header{Name: m.hdr[m.spans[i]:m.spans[i+1]], Value: m.hdr[m.spans[i+1]:m.spans[i+2]]}
		p.Headers = append(p.Headers, h)
		switch string(h.Name) {
		case "content-disposition":
			disposition = h.Value
		case "content-type":
			p.ContentType = h.Value
		}
	}
	_, params := splitParams(disposition)
	name, ok := lookup(params, "name")
	if !ok {
		return errNoName
	}
	p.Name = name
	// Starlette reads filename and ignores filename*; filename* (RFC 8187) is used only
	// when it comes alone, so both agree whenever Starlette finds a file.
	if v, ok := lookup(params, "filename"); ok {
		p.IsFile, p.Filename = true, windowsBaseName(v)
	} else if v, ok := lookup(params, "filename*"); ok {
		if decoded, ok := extValue(v); ok {
			p.IsFile, p.Filename = true, decoded
		}
	}
	if p.IsFile {
		m.files++
		if m.files > m.lim.MaxFiles {
			return tooManyFiles(m.lim.MaxFiles)
		}
	} else {
		m.fields++
		if m.fields > m.lim.MaxFields {
			return tooManyFields(m.lim.MaxFields)
		}
	}
	m.current = p
	m.events = append(m.events, Event{Kind: PartStart, Part: p})
	m.state = mContent
	return nil
}

// windowsBaseName keeps the last component of a full Windows path, which old Internet
// Explorers sent as the filename (python-multipart does the same).
func windowsBaseName(v []byte) []byte {
	if (len(v) >= 3 && v[1] == ':' && v[2] == '\\') || bytes.HasPrefix(v, []byte(`\\`)) {
		return v[bytes.LastIndexByte(v, '\\')+1:]
	}
	return v
}

// content passes on a part's content up to the next delimiter.
func (m *multipart) content(b []byte) (int, *Error) {
	end := bytes.Index(b, m.delim)
	var data []byte
	if end >= 0 {
		data = b[:end]
	} else {
		data = b[:len(b)-partialDelim(b, m.delim)]
	}
	if len(data) > 0 {
		m.size += int64(len(data))
		if !m.current.IsFile && m.size > m.lim.MaxFieldSize {
			return 0, fieldTooLarge("Part", m.lim.MaxFieldSize)
		}
		m.events = append(m.events, Event{Kind: PartData, Data: data})
	}
	if end < 0 {
		return len(data), nil
	}
	m.events = append(m.events, Event{Kind: PartEnd})
	m.state = mAfterDelim
	return end + len(m.delim), nil
}

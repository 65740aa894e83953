package http1

import "math"

const (
	// RFC 9112 §3 recommends supporting request lines of at least 8000 octets.
	defaultMaxRequestLine       = 8192
	defaultMaxHeaderBytes       = 16384
	defaultMaxBodyBytes   int64 = 16 << 20
	defaultMaxHeaders           = 100

	// maxBodyCeiling keeps body offsets representable as int on every
	// platform, with room for the head in front of the body.
	maxBodyCeiling = int64(math.MaxInt32 / 2)
)

// Limits bounds what a single request may make the server buffer. Every
// limit is checked as soon as the received bytes prove it is exceeded, so a
// peer cannot hold memory by never finishing a line.
type Limits struct {
	// MaxRequestLine is the longest request line accepted, in bytes without
	// its CRLF. Exceeding it yields 414 (RFC 9110 §15.5.15).
	MaxRequestLine int
	// MaxHeaderBytes bounds the whole header section, from the first field
	// line through the terminating empty line. Exceeding it yields 431
	// (RFC 6585 §5). The trailer section of a chunked body gets a budget of
	// the same size.
	MaxHeaderBytes int
	// MaxBodyBytes bounds the body after transfer decoding. Exceeding it
	// yields 413 (RFC 9110 §15.5.14). The chunked framing around the data
	// (size lines, extensions, CRLFs) may add at most
	// MaxBodyBytes+MaxHeaderBytes more, since the caller buffers it too.
	MaxBodyBytes int64
	// MaxHeaders bounds the number of header field lines (and, separately,
	// trailer field lines). Exceeding it yields 431.
	MaxHeaders int
}

// DefaultLimits returns the limits used for any field left at zero:
// 8192-byte request line, 16 KiB header section, 16 MiB body, 100 fields.
func DefaultLimits() Limits {
	return Limits{
		MaxRequestLine: defaultMaxRequestLine,
		MaxHeaderBytes: defaultMaxHeaderBytes,
		MaxBodyBytes:   defaultMaxBodyBytes,
		MaxHeaders:     defaultMaxHeaders,
	}
}

// normalized makes a zero or negative field mean "default" so callers can
// override a single limit with a literal, and clamps sizes so offset
// arithmetic cannot overflow.
func (l Limits) normalized() Limits {
	d := DefaultLimits()
	if l.MaxRequestLine <= 0 {
		l.MaxRequestLine = d.MaxRequestLine
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxHeaders <= 0 {
		l.MaxHeaders = d.MaxHeaders
	}
	l.MaxRequestLine = int(min(int64(l.MaxRequestLine), maxBodyCeiling))
	l.MaxHeaderBytes = int(min(int64(l.MaxHeaderBytes), maxBodyCeiling))
	l.MaxBodyBytes = min(l.MaxBodyBytes, maxBodyCeiling)
	return l
}

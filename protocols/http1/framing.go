package http1

import (
	"bytes"
	"math"
)

// addContentLength accepts Content-Length = 1*DIGIT (RFC 9110 §8.6), and
// repeated values — in several lines or as a list like "5, 5" — only when
// they are all identical (RFC 9112 §6.3 rule 5); anything else makes the body
// length ambiguous, which is a smuggling vector.
func (p *Parser) addContentLength(buf []byte, v span) *Error {
	for i := v.start; i <= v.end; {
		s, e, next := listElement(buf, i, v.end)
		if s == e {
			return badRequest("invalid Content-Length")
		}
		for _, c := range buf[s:e] {
			if !isDigit(c) {
				return badRequest("invalid Content-Length")
			}
		}
		// Compare canonical digit strings, not parsed numbers, so two
		// different values that both overflow int64 still conflict.
		for s < e-1 && buf[s] == '0' {
			s++
		}
		if !p.clSeen {
			p.clSeen, p.clDigits, p.cl = true, span{s, e}, parseDecimal(buf[s:e])
		} else if !bytes.Equal(buf[s:e], p.clDigits.of(buf)) {
			return badRequest("conflicting Content-Length values")
		}
		i = next
	}
	return nil
}

// parseDecimal saturates instead of overflowing: any saturated value is far
// beyond MaxBodyBytes and gets 413.
func parseDecimal(d []byte) int64 {
	var n int64
	for _, c := range d {
		if n > (math.MaxInt64-9)/10 {
			return math.MaxInt64
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// addTransferEncoding folds one Transfer-Encoding line into a summary of the
// coding list; lists may span several lines (RFC 9110 §5.3), so the verdict
// is given in finishHead.
func (p *Parser) addTransferEncoding(buf []byte, v span) {
	p.teSeen = true
	for i := v.start; i <= v.end; {
		s, e, next := listElement(buf, i, v.end)
		i = next
		if s == e {
			// Empty list elements are ignored (RFC 9110 §5.6.1).
			continue
		}
		p.teCodings++
		if EqualFold(buf[s:e], "chunked") {
			p.teChunkedTwice = p.teChunkedTwice || p.teChunkedSeen
			p.teChunkedSeen, p.teLastChunked = true, true
		} else {
			p.teOther, p.teLastChunked = true, false
		}
	}
}

// finishHead applies the checks that need the whole header section and
// decides how the body is framed (RFC 9112 §6.3).
func (p *Parser) finishHead() (step, *Error) {
	if p.minor == 1 && !p.hostSeen {
		return 0, badRequest("missing Host header field")
	}
	if p.teSeen {
		switch {
		case p.clSeen:
			// RFC 9112 §6.3 rule 3: the combination is how requests get
			// smuggled past a proxy, so it is refused outright.
			return 0, badRequest("both Transfer-Encoding and Content-Length present")
		case p.minor == 0:
			// RFC 9112 §6.1: HTTP/1.0 has no transfer codings, so the
			// framing must be considered faulty.
			return 0, badRequest("Transfer-Encoding in an HTTP/1.0 request")
		case p.teCodings == 0:
			return 0, badRequest("empty Transfer-Encoding")
		case p.teChunkedTwice || p.teChunkedSeen && !p.teLastChunked:
			// RFC 9112 §6.3 rule 4 and §6.1 (chunked at most once, last).
			return 0, badRequest("chunked is not the final transfer coding exactly once")
		case p.teOther:
			// RFC 9112 §6.1: a coding we do not implement gets 501.
			return 0, &Error{Status: 501, Reason: "unsupported transfer coding"}
		}
		p.chunked = true
	}
	p.headDone = true
	p.bodyStart = p.pos
	switch {
	case p.chunked:
		p.state = stateChunkSize
	case p.clSeen && p.cl > 0:
		p.state = stateBody
	default:
		// RFC 9112 §6.3 rule 7: no framing fields means no body.
		return stepDone, nil
	}
	if p.pauseAtBody {
		p.paused = true
		return stepMore, nil
	}
	if e := p.checkDeclaredLength(); e != nil {
		return 0, e
	}
	return stepNext, nil
}

// checkDeclaredLength refuses a Content-Length over MaxBodyBytes before the body arrives,
// so nobody buffers it.
func (p *Parser) checkDeclaredLength() *Error {
	if p.clSeen && p.cl > p.lim.MaxBodyBytes {
		return tooLarge(413, "request body", p.lim.MaxBodyBytes)
	}
	return nil
}

// keepAlive implements RFC 9112 §9.3.
func (p *Parser) keepAlive() bool {
	if p.connClose {
		return false
	}
	if p.minor >= 1 {
		return true
	}
	return p.connKeepAlive
}

// lengthBody waits for a Content-Length body (RFC 9112 §6.2); it is handed
// out in place as a slice of the caller's buffer, never copied.
func (p *Parser) lengthBody(buf []byte) (step, *Error) {
	end := p.bodyStart + int(p.cl)
	if len(buf) < end {
		return stepMore, nil
	}
	p.pos = end
	return stepDone, nil
}

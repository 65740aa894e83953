package http1

import "bytes"

func (p *Parser) skipEmptyLines(buf []byte) (step, *Error) {
	for p.pos < len(buf) {
		switch buf[p.pos] {
		case '\n':
			return 0, errBareLF()
		case '\r':
			if p.pos+1 == len(buf) {
				return stepMore, nil
			}
			if buf[p.pos+1] != '\n' {
				// A stray CR starts the request line, which then fails
				// validation with a precise reason.
				p.state = stateRequestLine
				return stepNext, nil
			}
			p.pos += 2
			// The allowance for empty lines shares the request-line budget
			// so a stream of CRLFs cannot keep the connection busy forever.
			if p.pos > p.lim.MaxRequestLine {
				return 0, badRequest("too many empty lines before the request line")
			}
		default:
			p.state = stateRequestLine
			return stepNext, nil
		}
	}
	return stepMore, nil
}

func (p *Parser) requestLine(buf []byte) (step, *Error) {
	lf, st := p.findLF(buf, window(p.pos, p.lim.MaxRequestLine+2))
	switch st {
	case lineMore:
		return stepMore, nil
	case lineTooLong:
		return 0, tooLarge(414, "request line", int64(p.lim.MaxRequestLine))
	}
	end, e := p.crlfLine(buf, lf)
	if e != nil {
		return 0, e
	}
	if e := p.parseRequestLine(buf, p.pos, end); e != nil {
		return 0, e
	}
	p.pos = lf + 1
	p.headStart = p.pos
	p.state = stateFields
	return stepNext, nil
}

// parseRequestLine validates request-line = method SP request-target SP
// HTTP-version (RFC 9112 §3) and records its parts. Exactly one SP separates
// the parts: the lenient whitespace splitting RFC 9112 §3 permits would let
// us disagree with an upstream proxy about where the target ends.
func (p *Parser) parseRequestLine(buf []byte, start, end int) *Error {
	line := buf[start:end]
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 < 0 {
		return badRequest("malformed request line")
	}
	method := line[:sp1]
	if len(method) == 0 || !allIn(method, classToken) {
		return badRequest("invalid request method")
	}
	rest := line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 < 0 {
		return badRequest("malformed request line")
	}
	target, version := rest[:sp2], rest[sp2+1:]
	if len(target) == 0 {
		return badRequest("empty request target")
	}
	if !allIn(target, classTarget) {
		return badRequest("invalid character in request target")
	}
	switch string(version) {
	case "HTTP/1.1":
		p.minor = 1
	case "HTTP/1.0":
		p.minor = 0
	default:
		if string(method) == "PRI" && string(target) == "*" && string(version) == "HTTP/2.0" {
			return ErrHTTP2Preface
		}
		// A syntactically valid version we do not speak gets 505
		// (RFC 9110 §15.6.6); anything else is not HTTP at all.
		if isVersionSyntax(version) {
			return &Error{Status: 505, Reason: "HTTP version not supported"}
		}
		return badRequest("malformed HTTP version")
	}
	tStart := start + sp1 + 1
	p.method = span{start, start + sp1}
	p.target = span{tStart, tStart + len(target)}
	p.query = -1
	if q := bytes.IndexByte(target, '?'); q >= 0 {
		p.query = tStart + q
	}
	return nil
}

// isVersionSyntax matches HTTP-version = "HTTP/" DIGIT "." DIGIT
// (RFC 9112 §2.3).
func isVersionSyntax(v []byte) bool {
	return len(v) == 8 && string(v[:5]) == "HTTP/" && isDigit(v[5]) && v[6] == '.' && isDigit(v[7])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

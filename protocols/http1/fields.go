package http1

import "strconv"

func (p *Parser) headerFields(buf []byte) (step, *Error) {
	limit := window(p.headStart, p.lim.MaxHeaderBytes)
	for {
		lf, st := p.findLF(buf, limit)
		switch st {
		case lineMore:
			return stepMore, nil
		case lineTooLong:
			return 0, tooLarge(431, "header section", int64(p.lim.MaxHeaderBytes))
		}
		end, e := p.crlfLine(buf, lf)
		if e != nil {
			return 0, e
		}
		if end == p.pos {
			p.pos = lf + 1
			return p.finishHead()
		}
		if len(p.fields) >= p.lim.MaxHeaders {
			return 0, tooManyFields("header", p.lim.MaxHeaders)
		}
		f, e := parseFieldLine(buf, p.pos, end)
		if e != nil {
			return 0, e
		}
		p.fields = append(p.fields, f)
		if e := p.interpretField(buf, f); e != nil {
			return 0, e
		}
		p.pos = lf + 1
	}
}

// parseFieldLine validates field-line = field-name ":" OWS field-value OWS
// (RFC 9112 §5) in buf[start:end] and returns its name and trimmed value.
func parseFieldLine(buf []byte, start, end int) (fieldSpan, *Error) {
	// A leading SP/HTAB is either obs-fold continuing the previous line
	// (RFC 9112 §5.2) or whitespace between the start-line and the first
	// field (RFC 9112 §2.2); rejecting both is allowed and avoids guessing.
	if isOWS(buf[start]) {
		return fieldSpan{}, badRequest("obsolete line folding is not allowed")
	}
	i := start
	for ; i < end && buf[i] != ':'; i++ {
		c := buf[i]
		if charClass[c]&classToken == 0 {
			if isOWS(c) {
				// RFC 9112 §5.1: a server MUST reject this with 400.
				return fieldSpan{}, badRequest("whitespace between header field name and colon")
			}
			return fieldSpan{}, badRequest("invalid character in header field name")
		}
	}
	if i == end {
		return fieldSpan{}, badRequest("header field line has no colon")
	}
	if i == start {
		return fieldSpan{}, badRequest("empty header field name")
	}
	vs, ve := trimOWS(buf, i+1, end)
	// A CR, NUL or LF in a value is rejected outright, as RFC 9110 §5.5
	// allows, instead of being replaced with SP.
	if !allIn(buf[vs:ve], classValue) {
		return fieldSpan{}, badRequest("invalid character in header field value")
	}
	return fieldSpan{name: span{start, i}, value: span{vs, ve}}, nil
}

func tooManyFields(section string, limit int) *Error {
	return &Error{Status: 431, Reason: "more than " + strconv.Itoa(limit) + " " + section + " fields"}
}

// interpretField records the fields that change how the message is framed
// or how the connection is managed; everything else is passed through.
func (p *Parser) interpretField(buf []byte, f fieldSpan) *Error {
	name := f.name.of(buf)
	switch len(name) {
	case 4:
		if EqualFold(name, "host") {
			return p.addHost(buf, f.value)
		}
	case 6:
		if EqualFold(name, "expect") {
			// "100-continue" is the only expectation defined
			// (RFC 9110 §10.1.1); others are ignored rather than
			// answered with 417.
			p.expect = p.expect || EqualFold(f.value.of(buf), "100-continue")
		}
	case 7:
		if EqualFold(name, "upgrade") && !p.upgradeSeen {
			p.upgradeSeen, p.upgrade = true, f.value
		}
	case 10:
		if EqualFold(name, "connection") {
			p.addConnection(buf, f.value)
		}
	case 14:
		if EqualFold(name, "content-length") {
			return p.addContentLength(buf, f.value)
		}
	case 17:
		if EqualFold(name, "transfer-encoding") {
			p.addTransferEncoding(buf, f.value)
		}
	}
	return nil
}

// addHost enforces RFC 9112 §3.2: exactly one Host field with a valid value
// (an empty value is legal when the target has no authority).
func (p *Parser) addHost(buf []byte, v span) *Error {
	if p.hostSeen {
		return badRequest("more than one Host header field")
	}
	if !allIn(v.of(buf), classHost) {
		return badRequest("invalid Host header field")
	}
	p.hostSeen, p.host = true, v
	return nil
}

// addConnection collects the connection options (RFC 9110 §7.6.1) that
// decide persistence (RFC 9112 §9.3) and upgrades.
func (p *Parser) addConnection(buf []byte, v span) {
	for i := v.start; i <= v.end; {
		s, e, next := listElement(buf, i, v.end)
		opt := buf[s:e]
		switch {
		case EqualFold(opt, "close"):
			p.connClose = true
		case EqualFold(opt, "keep-alive"):
			p.connKeepAlive = true
		case EqualFold(opt, "upgrade"):
			p.connUpgrade = true
		}
		i = next
	}
}

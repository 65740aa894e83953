package http1

// maxChunkLine bounds one chunk-size line including extensions. Extensions
// are ignored, so they only need enough room for real-world use.
const maxChunkLine = 4096

// addOverhead charges chunked framing bytes to their own budget of
// MaxBodyBytes+MaxHeaderBytes: the caller buffers them along with the data,
// and tiny chunks with long extensions would otherwise make the wire size
// unbounded for a bounded body.
func (p *Parser) addOverhead(n int) *Error {
	p.overhead += int64(n)
	if limit := p.bodyLimit() + int64(p.lim.MaxHeaderBytes); p.overhead > limit {
		return tooLarge(413, "chunked framing", limit)
	}
	return nil
}

// chunkSize reads chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1).
func (p *Parser) chunkSize(buf []byte) (step, *Error) {
	lf, st := p.findLF(buf, window(p.pos, maxChunkLine+2))
	switch st {
	case lineMore:
		return stepMore, nil
	case lineTooLong:
		return 0, badRequest("chunk size line exceeds 4096 bytes")
	}
	end, e := p.crlfLine(buf, lf)
	if e != nil {
		return 0, e
	}
	size, e := parseChunkSizeLine(buf[p.pos:end])
	if e != nil {
		return 0, e
	}
	if e := p.addOverhead(lf + 1 - p.pos); e != nil {
		return 0, e
	}
	p.pos = lf + 1
	if size == 0 {
		p.trailerStart = p.pos
		p.state = stateTrailers
		return stepNext, nil
	}
	// Refuse as soon as the size is announced, before the data arrives.
	if size > p.bodyLimit()-p.decoded() {
		return 0, tooLarge(413, "request body", p.bodyLimit())
	}
	p.chunkLeft = size
	p.state = stateChunkData
	return stepNext, nil
}

// chunkData copies data as it arrives so the work per byte is constant no
// matter how the body is split across reads.
func (p *Parser) chunkData(buf []byte) (step, *Error) {
	take := min(int64(len(buf)-p.pos), p.chunkLeft)
	end := p.pos + int(take)
	p.body = append(p.body, buf[p.pos:end]...)
	p.pos = end
	p.chunkLeft -= take
	if p.chunkLeft > 0 {
		return stepMore, nil
	}
	p.state = stateChunkDataEnd
	return stepNext, nil
}

// chunkDataEnd requires the CRLF after chunk-data; a wrong byte is reported
// as soon as it arrives.
func (p *Parser) chunkDataEnd(buf []byte) (step, *Error) {
	have := len(buf) - p.pos
	if have >= 1 && buf[p.pos] != '\r' || have >= 2 && buf[p.pos+1] != '\n' {
		return 0, badRequest("missing CRLF after chunk data")
	}
	if have < 2 {
		return stepMore, nil
	}
	if e := p.addOverhead(2); e != nil {
		return 0, e
	}
	p.pos += 2
	p.state = stateChunkSize
	return stepNext, nil
}

// trailerFields validates the trailer section (RFC 9112 §7.1.2) like a
// header section, with its own budget of the same size, and discards it:
// nothing downstream consumes trailers and merging them into the header
// fields is not safe in general.
func (p *Parser) trailerFields(buf []byte) (step, *Error) {
	limit := window(p.trailerStart, p.lim.MaxHeaderBytes)
	for {
		lf, st := p.findLF(buf, limit)
		switch st {
		case lineMore:
			return stepMore, nil
		case lineTooLong:
			return 0, tooLarge(431, "trailer section", int64(p.lim.MaxHeaderBytes))
		}
		end, e := p.crlfLine(buf, lf)
		if e != nil {
			return 0, e
		}
		if end == p.pos {
			p.pos = lf + 1
			return stepDone, nil
		}
		if p.trailers >= p.lim.MaxHeaders {
			return 0, tooManyFields("trailer", p.lim.MaxHeaders)
		}
		if _, e := parseFieldLine(buf, p.pos, end); e != nil {
			return 0, e
		}
		p.trailers++
		p.pos = lf + 1
	}
}

// parseChunkSizeLine parses chunk-size [ chunk-ext ], ignoring extensions
// after validating them (RFC 9112 §7.1.1): lax extension parsing is a known
// source of framing disagreements between proxies and servers.
func parseChunkSizeLine(line []byte) (int64, *Error) {
	var n int64
	i := 0
	for ; i < len(line) && charClass[line[i]]&classHex != 0; i++ {
		if n > (1<<63-1)>>4 {
			return 0, &Error{Status: 413, Reason: "chunk size overflows"}
		}
		n = n<<4 | int64(unhex(line[i]))
	}
	if i == 0 {
		return 0, badRequest("invalid chunk size")
	}
	if !validChunkExt(line[i:]) {
		return 0, badRequest("invalid chunk extension")
	}
	return n, nil
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// validChunkExt matches
// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ).
func validChunkExt(b []byte) bool {
	i := 0
	for i < len(b) {
		i = skipOWS(b, i)
		if i == len(b) || b[i] != ';' {
			return false
		}
		i = skipOWS(b, i+1)
		j := skipToken(b, i)
		if j == i {
			return false
		}
		i = j
		if k := skipOWS(b, i); k < len(b) && b[k] == '=' {
			i = skipOWS(b, k+1)
			if i < len(b) && b[i] == '"' {
				if i = skipQuoted(b, i); i < 0 {
					return false
				}
			} else if j := skipToken(b, i); j > i {
				i = j
			} else {
				return false
			}
		}
	}
	return true
}

func skipOWS(b []byte, i int) int {
	for i < len(b) && isOWS(b[i]) {
		i++
	}
	return i
}

func skipToken(b []byte, i int) int {
	for i < len(b) && charClass[b[i]]&classToken != 0 {
		i++
	}
	return i
}

// skipQuoted returns the index after the quoted-string starting at b[i]
// (RFC 9110 §5.6.4), or -1 if it is malformed or unterminated.
func skipQuoted(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			i++
			if i == len(b) || charClass[b[i]]&classValue == 0 {
				return -1
			}
		case charClass[c]&classValue == 0:
			return -1
		}
	}
	return -1
}

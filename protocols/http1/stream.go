package http1

import "math"

// Streamed bodies. By default Parse hands out a request only once its whole body is in the
// caller's buffer, which therefore holds up to MaxBodyBytes. A caller that can consume a
// body as it arrives (writing an upload to disk) asks Parse to stop after each head
// (PauseAfterHead), looks at the head, and either calls Parse again (the usual whole body)
// or StreamBody, after which ReadBody hands out the transfer-decoded body piece by piece,
// each a slice of the caller's buffer, so the caller keeps only the bytes not consumed yet.

// PauseAfterHead makes Parse stop after the head of every request that has a body: it
// returns n == 0 and a nil error with HeadComplete and Paused true, req holding the head,
// before the body is checked against MaxBodyBytes. Calling Parse again goes on as usual.
func (p *Parser) PauseAfterHead() { p.pauseAtBody = true }

// Paused reports that Parse stopped after a head (see PauseAfterHead) and the body was not
// read yet.
func (p *Parser) Paused() bool { return p.paused }

// Streaming reports that the current request's body is read with ReadBody.
func (p *Parser) Streaming() bool { return p.streaming }

// StreamBody switches the current request, Paused after its head, to a streamed body
// bounded by limit instead of MaxBodyBytes (0: no limit). buf is the buffer of the last
// Parse call. The head is copied into the parser and req is filled from the copy, so req
// stays valid until Reset; StreamBody returns the head's length: the caller drops buf[:n]
// and passes what follows to ReadBody. A Content-Length over limit is refused (413) at once.
func (p *Parser) StreamBody(buf []byte, req *Request, limit int64) (n int, err error) {
	if !p.paused {
		return 0, &Error{Status: 500, Reason: "StreamBody called without a paused request head"}
	}
	if limit <= 0 {
		limit = math.MaxInt64 / 2 // room for the framing budget added to it
	}
	p.paused = false
	if p.clSeen && p.cl > limit {
		p.err = tooLarge(413, "request body", limit)
		return 0, p.err
	}
	p.head = append(p.head[:0], buf[:p.bodyStart]...)
	p.fill(p.head, req, false)
	p.streaming, p.streamLimit, p.streamed = true, limit, 0
	n = p.bodyStart
	p.rebase(n)
	return n, nil
}

// ReadBody continues a streamed body (StreamBody). buf holds the bytes received after those
// consumed so far. It returns the next piece of the transfer-decoded body (a slice of buf,
// possibly empty) and n, the bytes of buf consumed, which the caller drops before the next
// call; done reports the end of the body (and of its trailer section), after which the
// caller answers the request and calls Reset. No data and done false means that the rest
// of buf is an incomplete element (a chunk-size line): more bytes are needed. Errors are
// sticky, as in Parse.
func (p *Parser) ReadBody(buf []byte) (data []byte, n int, done bool, err error) {
	if p.err != nil {
		return nil, 0, false, p.err
	}
	if !p.streaming {
		return nil, 0, false, &Error{Status: 500, Reason: "ReadBody called without StreamBody"}
	}
	for {
		var s step
		var e *Error
		switch p.state {
		case stateBody:
			data, s = p.lengthPiece(buf)
		case stateChunkData:
			data, s = p.chunkPiece(buf)
		default:
			s, e = p.step(buf)
		}
		if e != nil {
			p.err = e
			return nil, 0, false, e
		}
		if s == stepNext && data == nil {
			continue
		}
		n = p.pos
		p.rebase(n)
		return data, n, s == stepDone, nil
	}
}

// rebase makes the positions relative to buf[n:], which is what the caller passes next.
func (p *Parser) rebase(n int) {
	p.pos -= n
	p.scan = max(p.scan-n, 0)
	p.trailerStart -= n // may go negative: the trailer budget counts what was dropped
}

// lengthPiece hands out the next bytes of a Content-Length body (RFC 9112 §6.2).
func (p *Parser) lengthPiece(buf []byte) ([]byte, step) {
	take := min(int64(len(buf)-p.pos), p.cl-p.streamed)
	data := buf[p.pos : p.pos+int(take) : p.pos+int(take)]
	p.pos += int(take)
	p.streamed += take
	switch {
	case p.streamed == p.cl:
		return data, stepDone
	case take == 0:
		return nil, stepMore
	}
	return data, stepNext
}

// chunkPiece hands out the next bytes of chunk-data (RFC 9112 §7.1), as chunkData keeps them.
func (p *Parser) chunkPiece(buf []byte) ([]byte, step) {
	take := min(int64(len(buf)-p.pos), p.chunkLeft)
	if take == 0 {
		return nil, stepMore
	}
	data := buf[p.pos : p.pos+int(take) : p.pos+int(take)]
	p.pos += int(take)
	p.chunkLeft -= take
	p.streamed += take
	if p.chunkLeft == 0 {
		p.state = stateChunkDataEnd
	}
	return data, stepNext
}

// bodyLimit is the bound on the current body: MaxBodyBytes, or a streamed body's own.
func (p *Parser) bodyLimit() int64 {
	if p.streaming {
		return p.streamLimit
	}
	return p.lim.MaxBodyBytes
}

// decoded counts the body bytes decoded so far.
func (p *Parser) decoded() int64 {
	if p.streaming {
		return p.streamed
	}
	return int64(len(p.body))
}

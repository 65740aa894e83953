package server

// File answers (FileResponse, StaticFiles) through the built-in middleware, as Starlette's
// FileResponse meets them under uvicorn: it sends the file in fileChunk pieces, so a file
// shorter than that is one whole body (compressed when at least minimum_size, with a
// Content-Length) and a longer one a streamed body (compressed piece by piece, chunked); a
// HEAD request, a 304 and other answers without a body get their head only, which
// compression leaves alone. 206 answers are never compressed.

// fileChunk is Starlette's FileResponse.chunk_size.
const fileChunk = 64 << 10

// fileMiddleware passes a planned file answer through the middleware. When the body is to be
// compressed whole, the answer is written here (done); when it is to be compressed as it is
// sent, enc is its encoder and p's head and length say so.
func (c *session) fileMiddleware(out []byte, x *mwExchange, p *filePlan, keepAlive, head bool) (
	_ []byte, enc *bodyEncoder, done bool) {
	if p.f == nil || head {
		p.head = x.headOnly(p.head)
		return out, nil, false
	}
	if p.length < fileChunk {
		if !x.compresses(p.status, p.head, int(p.length)) {
			p.head = x.wholeHead(p.status, p.head, int(p.length))
			return out, nil, false
		}
		body, err := p.readAll()
		if err != nil {
			c.srv.logError("reading " + p.f.name + ": " + err.Error())
			p.close()
			return c.respond(out, 500, plainType, internalErrorBody, keepAlive, head), nil, true
		}
		p.close()
		c.mwx = x
		return c.respond(out, p.status, p.head, body, keepAlive, head), nil, true
	}
	original := p.head
	p.head = x.streamed(p.status, p.head)
	if x.enc == nil {
		return out, nil, false
	}
	if c.req.ProtoMinor == 0 {
		// No chunked coding for an HTTP/1.0 client: the file goes out as it is.
		x.enc.release()
		x.enc = nil
		p.head = x.headOnly(original)
		return out, nil, false
	}
	enc, x.enc = x.enc, nil
	p.length = -1
	return out, enc, false
}

// readAll reads the plan's body (a single segment: compressed plans are 200 answers) into
// memory.
func (p *filePlan) readAll() ([]byte, error) {
	body := make([]byte, 0, p.length)
	for _, seg := range p.segs {
		if seg.lit != nil {
			body = append(body, seg.lit...)
			continue
		}
		n := len(body)
		body = append(body, make([]byte, seg.n)...)
		if err := p.f.readAt(body[n:], seg.off); err != nil {
			return nil, err
		}
	}
	return body, nil
}

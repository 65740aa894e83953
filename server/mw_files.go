package server

// File answers (FileResponse, StaticFiles) through the built-in middleware, as Starlette's
// FileResponse meets them under uvicorn: it sends the file in fileChunk pieces, so a file
// shorter than that is one whole body (compressed when at least minimum_size, with a
// Content-Length) and a longer one a streamed body (compressed piece by piece, chunked); a
// HEAD request, a 304 and other answers without a body get their head only, which
// compression leaves alone. 206 answers are never compressed.

// fileChunk is Starlette's FileResponse.chunk_size.
const fileChunk = 64 << 10

// fileAnswer is what the middleware make of a planned file answer.
type fileAnswer struct {
	// whole: the body is compressed whole; it was read into body, the plan's file closed,
	// and the caller answers (status, head, body) as a complete answer through x.
	whole bool
	body  []byte
	// enc compresses the body as it is sent; the plan's head and length (-1) say so.
	enc *bodyEncoder
}

// planFile passes a planned file answer through the middleware. streamOK is false when the
// body cannot be sent with an unannounced length (an HTTP/1.0 client: no chunked coding),
// in which case a large file is left uncompressed.
func (x *mwExchange) planFile(p *filePlan, head, streamOK bool) (fileAnswer, error) {
	if p.f == nil || head {
		p.head = x.headOnly(p.head)
		return fileAnswer{}, nil
	}
	if p.length < fileChunk {
		if !x.compresses(p.status, p.head, int(p.length)) {
			p.head = x.wholeHead(p.status, p.head, int(p.length))
			return fileAnswer{}, nil
		}
		body, err := p.appendBody(make([]byte, 0, p.length))
		p.close()
		if err != nil {
			return fileAnswer{whole: true}, err
		}
		return fileAnswer{whole: true, body: body}, nil
	}
	original := p.head
	p.head = x.streamed(p.status, p.head)
	enc := x.enc
	x.enc = nil
	if enc == nil {
		return fileAnswer{}, nil
	}
	if !streamOK {
		enc.release()
		p.head = x.headOnly(original)
		return fileAnswer{}, nil
	}
	p.length = -1
	return fileAnswer{enc: enc}, nil
}

// appendBody appends the plan's body to dst, reading its file segments; on an error, dst
// holds what was read before it.
func (p *filePlan) appendBody(dst []byte) ([]byte, error) {
	for _, seg := range p.segs {
		if seg.lit != nil {
			dst = append(dst, seg.lit...)
			continue
		}
		n := len(dst)
		dst = append(dst, make([]byte, seg.n)...)
		if err := p.f.readAt(dst[n:], seg.off); err != nil {
			return dst[:n], err
		}
	}
	return dst, nil
}

// fileMiddleware is planFile for an HTTP/1.1 answer: a body compressed whole is written here
// (done); enc is the encoder of a body compressed as it is sent.
func (c *session) fileMiddleware(out []byte, x *mwExchange, p *filePlan, keepAlive, head bool) (
	_ []byte, enc *bodyEncoder, done bool) {
	name := ""
	if p.f != nil {
		name = p.f.name
	}
	a, err := x.planFile(p, head, c.req.ProtoMinor > 0)
	switch {
	case err != nil:
		c.srv.logError("reading " + name + ": " + err.Error())
		return c.respond(out, 500, plainType, internalErrorBody, keepAlive, head), nil, true
	case a.whole:
		c.mwx = x
		return c.respond(out, p.status, p.head, a.body, keepAlive, head), nil, true
	}
	return out, a.enc, false
}

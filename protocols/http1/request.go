package http1

// Header is one header field line as received.
type Header struct {
	// Name is the field name with its original case; compare it
	// case-insensitively (RFC 9110 §5.1).
	Name []byte
	// Value is the field value with surrounding OWS removed (RFC 9112 §5).
	Value []byte
}

// Request is the parsed form of one HTTP/1.x request. Its byte slices alias
// the parse buffer (see the package documentation for lifetimes); reuse one
// Request per connection so Headers keeps its capacity and parsing stays
// allocation-free.
type Request struct {
	// Method is the request method token, case-sensitive (RFC 9110 §9.1).
	Method []byte
	// Target is the raw request-target (RFC 9112 §3.2).
	Target []byte
	// Path is Target up to the first '?', not percent-decoded.
	Path []byte
	// Query is Target after the first '?', without it; nil when there is
	// no '?'.
	Query []byte
	// ProtoMinor is 0 for HTTP/1.0 and 1 for HTTP/1.1.
	ProtoMinor int
	// Headers holds every header field line in order of arrival.
	Headers []Header
	// Host is the Host field value, nil when absent (only possible for
	// HTTP/1.0; RFC 9112 §3.2 makes it mandatory in HTTP/1.1).
	Host []byte
	// ContentLength is the Content-Length value, or -1 when absent or when
	// the body is chunked.
	ContentLength int64
	// Chunked reports that the body used the chunked transfer coding.
	Chunked bool
	// KeepAlive reports whether the connection may carry another request
	// after this one (RFC 9112 §9.3).
	KeepAlive bool
	// ExpectContinue reports "Expect: 100-continue" on an HTTP/1.1 request;
	// RFC 9110 §10.1.1 has HTTP/1.0 expectations ignored.
	ExpectContinue bool
	// Upgrade is the Upgrade field value when the Connection field lists
	// "upgrade" on an HTTP/1.1 request (RFC 9110 §7.8), else nil.
	Upgrade []byte
	// Body is the complete, transfer-decoded body; nil when empty. It is
	// set only when Parse reports a complete request.
	Body []byte
}

// fill materializes the recorded spans against the current buffer; it runs
// on every return after the head because the buffer may have moved.
func (p *Parser) fill(buf []byte, req *Request, done bool) {
	req.Method = p.method.of(buf)
	req.Target = p.target.of(buf)
	if p.query >= 0 {
		req.Path = span{p.target.start, p.query}.of(buf)
		req.Query = span{p.query + 1, p.target.end}.of(buf)
	} else {
		req.Path = req.Target
		req.Query = nil
	}
	req.ProtoMinor = p.minor
	req.Headers = req.Headers[:0]
	for _, f := range p.fields {
		req.Headers = append(req.Headers, Header{Name: f.name.of(buf), Value: f.value.of(buf)})
	}
	req.Host = nil
	if p.hostSeen {
		req.Host = p.host.of(buf)
	}
	req.ContentLength = -1
	if p.clSeen {
		req.ContentLength = p.cl
	}
	req.Chunked = p.chunked
	req.KeepAlive = p.keepAlive()
	req.ExpectContinue = p.expect && p.minor == 1
	req.Upgrade = nil
	if p.connUpgrade && p.upgradeSeen && p.minor == 1 {
		req.Upgrade = p.upgrade.of(buf)
	}
	req.Body = nil
	switch {
	case !done:
	case p.chunked:
		if len(p.body) > 0 {
			req.Body = p.body[:len(p.body):len(p.body)]
		}
	case p.cl > 0:
		req.Body = span{p.bodyStart, p.bodyStart + int(p.cl)}.of(buf)
	}
}

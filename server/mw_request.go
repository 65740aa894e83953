package server

// middlewareRequest is what the built-in middleware read of the HTTP/1.1 request in c.req;
// path is its decoded path.
func (c *session) middlewareRequest(path []byte, websocket bool) *mwRequest {
	req := &c.req
	r := &mwRequest{method: string(req.Method), scheme: c.info.Scheme(), path: string(path), query: string(req.Query),
		localHost: c.info.LocalHost, localPort: c.info.LocalPort}
	if websocket {
		r.scheme = wsScheme(r.scheme)
	}
	for i := range req.Headers {
		r.field(req.Headers[i].Name, req.Headers[i].Value)
	}
	return r
}

// middlewareRequestH2 is the same for an HTTP/2 stream, whose :authority stands for Host
// (RFC 9113 §8.3.1).
func (h *h2session) middlewareRequest(st *h2stream, path []byte, query string, websocket bool) *mwRequest {
	info := &h.c.info
	r := &mwRequest{method: st.method, scheme: st.scheme, path: string(path), query: query,
		localHost: info.LocalHost, localPort: info.LocalPort}
	if websocket {
		r.method, r.scheme = "GET", wsScheme(st.scheme)
	}
	if st.authority != "" {
		r.host = optString{st.authority, true}
	}
	for _, hd := range st.headers {
		r.field([]byte(hd.Name), []byte(hd.Value))
	}
	return r
}

func wsScheme(httpScheme string) string {
	if httpScheme == "https" {
		return "wss"
	}
	return "ws"
}

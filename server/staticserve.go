package server

import (
	"github.com/fasterapi/fasterapi/router"
)

var (
	staticAllow        = []byte("content-type: application/json\r\nallow: GET, HEAD\r\n")
	unauthorizedBody   = []byte(`{"detail":"Unauthorized"}`)
	staticNoMethodBody = methodNotAllowedBody
)

// serveStatic answers an HTTP/1.1 request under a StaticFiles mount.
func (c *session) serveStatic(out []byte, m *staticMount, params *router.Params, keepAlive, head bool) []byte {
	rel, _ := params.Get(staticParam)
	raw := c.req.Path
	a := m.answer(c.req.Method, rel, len(raw) > 0 && raw[len(raw)-1] == '/')
	var status int
	switch a.kind {
	case staticFile:
		conds := condsFromHTTP1(&c.req)
		p := planFile(a.f, a.status, a.head, &conds, head)
		status = p.status
		out = c.writeFilePlan(out, p, keepAlive, head)
	case staticRedirect:
		status = 307
		out = c.respond(out, status, c.location(nil), nil, keepAlive, head)
	case staticNoMethod:
		// Allow is required with 405 (RFC 9110 §15.5.6), and Starlette sends it too.
		status = 405
		out = c.respond(out, status, staticAllow, staticNoMethodBody, keepAlive, head)
	case staticNoAccess:
		status = 401
		out = c.respond(out, status, jsonType, unauthorizedBody, keepAlive, head)
	default:
		status = 404
		out = c.respond(out, status, jsonType, notFoundBody, keepAlive, head)
	}
	if c.srv.opts.AccessLog != nil {
		c.logAccess(status)
	}
	return out
}

// logError reports an error met while answering in Go.
func (s *Server) logError(msg string) {
	if s.opts.ErrorLog != nil {
		s.opts.ErrorLog(msg)
	}
}

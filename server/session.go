package server

import (
	"bytes"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/router"
	"github.com/fasterapi/fasterapi/transport"
)

// session is one HTTP/1.1 connection. Everything but deadline and busy is touched only on the
// connection's event-loop thread.
type session struct {
	srv    *Server
	info   transport.ConnInfo
	parser *http1.Parser
	req    http1.Request
	// pending holds received bytes of a request that is not complete yet; when empty, requests
	// are parsed straight from the transport's buffer without a copy.
	pending      []byte
	sentContinue bool
	// first is true until the first request: only then may the HTTP/2 preface come.
	first bool
	// headStarted is when the first byte of the current request head arrived (0: none).
	headStarted int64
	deadline    atomic.Int64
	busy        atomic.Bool
	// token identifies the session to Server.Deliver (the upper 32 bits of a call's token; the
	// lower hold the HTTP/2 stream, 0 for HTTP/1.1).
	token uint64
	// h2 serves the connection once it turned out to speak HTTP/2; atomic because Deliver
	// reads it from other threads.
	h2 atomic.Pointer[h2session]
	// parked is set while an async handler runs: later pipelined requests wait in pending so
	// responses stay in order. completion is where Deliver leaves the answer.
	parked     bool
	parkedHead bool
	parkedKeep bool
	completion atomic.Pointer[pybridge.Result]
	// stream is the send queue of a long-lived handler (WebSocket, streamed response), made
	// by its first operation; nil otherwise.
	stream   atomic.Pointer[streamQueue]
	retrying atomic.Bool
	// wsPending: a WebSocket handshake waits for its handler to accept; handshake is what
	// was negotiated. ws is the connection once accepted.
	wsPending   bool
	handshake   websocket.Handshake
	ws          *websocket.Conn
	handlerDone bool
	lingering   bool
	lingerEnd   int64 // unix ns after which a lingering connection closes regardless
	// Keep-alive: pingDue is set by pingTimer, pingSent is when the unanswered Ping went out.
	pingTimer *time.Timer
	pingDue   atomic.Bool
	pingSent  int64
	// drainAsked: the server is shutting down (Drain). busyWithWebSocket tells other
	// goroutines (Drain, channel subscriptions) that the connection is a WebSocket, from its
	// handshake on.
	drainAsked        atomic.Bool
	busyWithWebSocket atomic.Bool
	// streaming: a streamed response's head was sent; chunked: its body is chunk-coded.
	streaming bool
	chunked   bool
	// file is a file response body still being sent (filesend.go); parkedConds are the
	// parked request's precondition fields (when parkedCondsSet), for an async handler's
	// FileResponse: the request itself is gone by then.
	file           *fileBody
	parkedConds    condHeaders
	parkedCondsSet bool
	// form is the parsed form of the request being answered, whose temporary files go
	// when the handler has answered (form.go), or of the upload being received (upload.go).
	form *formCollector
	// mwx is the built-in middleware's state for the request being answered (nil when the
	// app has none). A streamed answer's head is held (holding, heldStatus, heldHead) until
	// its first piece: the middleware decide on compression then, as Starlette's GZip does.
	mwx        *mwExchange
	holding    bool
	heldStatus int
	heldHead   []byte
}

// scratch is per-request working memory, pooled so idle connections hold none of it.
type scratch struct {
	meta     pybridge.Meta
	path     []byte
	raw      []byte // an HTTP/2 request's path as bytes
	redirect []byte
	params   router.Params
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (c *session) Deadline() int64 { return c.deadline.Load() }
func (c *session) Idle() bool      { return !c.busy.Load() }

func (c *session) OnClose() {
	if h2 := c.h2.Load(); h2 != nil {
		h2.endForms()
		h2.close()
	}
	if c.pingTimer != nil {
		c.pingTimer.Stop()
	}
	if q := c.stream.Load(); q != nil {
		q.close(websocket.CloseAbnormal)
		if c.busyWithWebSocket.Load() {
			// After close: a subscribe racing with it sees the queue gone and adds nothing.
			c.srv.channels.leaveAll(q)
		}
	}
	if c.parked {
		c.srv.inflight.Add(-1)
		c.parked = false
	}
	c.closeFile()
	c.endForm()
	c.mwx.release()
	if h2 := c.h2.Load(); h2 != nil {
		h2.closeFiles()
	}
	c.pending = nil
	c.srv.sessions.Delete(c.token)
}

func (c *session) armIdle() {
	c.headStarted = 0
	c.busy.Store(false)
	c.deadline.Store(time.Now().Add(c.srv.opts.KeepAliveTimeout).UnixNano())
}

// armPartial sets the deadline while a request is incomplete: the head must arrive within
// HeaderTimeout of its first byte however slowly it trickles (slowloris); a body may pause at
// most BodyTimeout between reads.
func (c *session) armPartial() {
	c.busy.Store(true)
	now := time.Now()
	if !c.parser.HeadComplete() {
		if c.headStarted == 0 {
			c.headStarted = now.UnixNano()
		}
		c.deadline.Store(c.headStarted + int64(c.srv.opts.HeaderTimeout))
		return
	}
	c.deadline.Store(now.Add(c.srv.opts.BodyTimeout).UnixNano())
}

func (c *session) OnData(in, out []byte) ([]byte, transport.Action) {
	if h2 := c.h2.Load(); h2 != nil {
		return h2.OnData(in, out)
	}
	if c.ws != nil {
		return c.onWebSocket(in, out)
	}
	if c.file != nil {
		var action transport.Action
		var busy bool
		if out, action, busy = c.continueFile(in, out); busy {
			return out, action
		}
		in = nil
	}
	if c.parked {
		r := c.completion.Swap(nil)
		if q := c.stream.Load(); q != nil {
			var closeNow bool
			out, closeNow = c.pump(out, q)
			if closeNow {
				return out, transport.CloseAfterWrite
			}
			if c.ws != nil { // accepted: bytes that came early are the first frames
				if r != nil {
					c.completion.Store(r)
				}
				early := append(c.pending, in...)
				c.pending = nil
				return c.onWebSocket(early, out)
			}
			if r != nil && q.pending() { // write everything the handler sent before its end
				c.completion.Store(r)
				r = nil
			}
		}
		if r == nil {
			// Pipelined bytes wait while the async answer is pending, but not without bound:
			// more than one maximal request means the client is not waiting for answers.
			if len(c.pending)+len(in) > c.srv.maxPipelined() {
				return out, transport.CloseAfterWrite
			}
			c.pending = append(c.pending, in...)
			return out, transport.Continue
		}
		c.parked = false
		c.srv.inflight.Add(-1)
		c.endForm()
		if q := c.stream.Swap(nil); q != nil {
			q.finish()
		}
		switch {
		case c.streaming || c.holding:
			out = c.endStream(out)
		case c.wsPending: // the handler ended without accepting
			c.wsPending = false
			refuseUnaccepted(r)
			c.pending = nil
			return c.respondResult(out, r, false, false), transport.CloseAfterWrite
		default:
			out = c.respondResult(out, r, c.parkedKeep, c.parkedHead)
		}
		if c.file != nil { // a FileResponse: its body follows over the next turns
			return c.holdInput(in, out)
		}
		if !c.parkedKeep {
			c.pending = nil
			return out, transport.CloseAfterWrite
		}
	}
	data := in
	if len(c.pending) > 0 {
		c.pending = append(c.pending, in...)
		data = c.pending
	}
	for len(data) > 0 {
		var n int
		if c.parser.Streaming() { // an upload (upload.go)
			var ended, refused bool
			n, ended, out, refused = c.readUpload(data, out)
			if refused {
				c.pending = nil
				return out, transport.CloseAfterWrite
			}
			if !ended {
				data = data[n:]
				break
			}
		} else {
			var err error
			n, err = c.parser.Parse(data, &c.req)
			if err == http1.ErrHTTP2Preface && c.first {
				// HTTP/2 with prior knowledge (RFC 9113 §3.3): hand the connection over.
				h2 := newH2Session(c)
				c.h2.Store(h2)
				rest := append([]byte(nil), data...)
				c.pending = nil
				return h2.OnData(rest, out)
			}
			if err != nil && c.first && !speaksHTTP1(data) {
				// Not HTTP/1.x at all (no "HTTP/" version on the first line): close without
				// answering in a protocol the peer does not speak. This is also what an HTTP/2
				// client that sent a broken preface must see (RFC 9113 §3.4).
				return out, transport.CloseAfterWrite
			}
			if err != nil {
				c.pending = nil
				return c.refuseBody(out, err), transport.CloseAfterWrite
			}
			if n == 0 {
				if c.parser.Paused() {
					c.first = false
					var head int
					var refused bool
					head, out, refused = c.startUpload(data, out)
					if refused {
						c.pending = nil
						return out, transport.CloseAfterWrite
					}
					// Not an upload (head 0): parsing again reads the body whole.
					data = data[head:]
					continue
				}
				if c.parser.HeadComplete() && c.req.ExpectContinue && !c.sentContinue {
					out = append(out, http1.ContinueResponse...)
					c.sentContinue = true
				}
				break
			}
			c.first = false
			// h2c upgrade is for cleartext only; over TLS HTTP/2 is chosen by ALPN (RFC 9113 §3.2).
			if len(c.req.Upgrade) > 0 && c.info.TLS == nil {
				if h2 := upgradeH2C(c, &c.req); h2 != nil {
					c.h2.Store(h2)
					rest := append([]byte(nil), data[n:]...)
					c.pending = nil
					return h2.OnData(rest, out)
				}
			}
		}
		var keep bool
		out, keep = c.serve(out)
		c.parser.Reset()
		c.sentContinue = false
		data = data[n:]
		if c.parked || c.file != nil {
			// The rest waits until the async answer or the file body is written (a file body
			// keeps its own stall deadline).
			c.keep(data)
			c.busy.Store(true)
			if c.file == nil {
				c.deadline.Store(0)
			}
			return out, transport.Continue
		}
		if !keep {
			c.pending = nil
			return out, transport.CloseAfterWrite
		}
	}
	c.keep(data)
	if len(data) == 0 && !c.parser.HeadComplete() {
		c.armIdle()
	} else {
		c.armPartial()
	}
	return out, transport.Continue
}

// keep saves the unconsumed tail for the next read.
func (c *session) keep(data []byte) {
	switch {
	case len(data) == 0:
		if cap(c.pending) > 64<<10 {
			c.pending = nil // release a large body's buffer
		} else {
			c.pending = c.pending[:0]
		}
	case len(c.pending) > 0:
		// data is a suffix of pending: move it to the front (copy handles the overlap)
		c.pending = c.pending[:copy(c.pending, data)]
	default:
		c.pending = append(c.pending[:0], data...)
	}
}

var (
	notFoundBody           = []byte(`{"detail":"Not Found"}`)
	methodNotAllowedBody   = []byte(`{"detail":"Method Not Allowed"}`)
	serviceUnavailableBody = []byte(`{"detail":"Service Unavailable"}`)
	retryAfter             = []byte("content-type: application/json\r\nretry-after: 1\r\n")
	jsonType               = []byte("content-type: application/json\r\n")
	keepAliveHeader        = []byte("connection: keep-alive\r\n")
)

// serve answers the complete request in c.req; it reports whether the connection stays open.
func (c *session) serve(out []byte) ([]byte, bool) {
	req := &c.req
	keepAlive := req.KeepAlive && !c.srv.draining()
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)

	path := req.Path
	if hasPercent(path) {
		sc.path = percentDecode(sc.path[:0], path)
		path = sc.path
	}
	head := req.Method[0] == 'H' && string(req.Method) == "HEAD"
	c.mwx = nil
	if c.srv.mw != nil {
		ws := isWebSocketUpgrade(req)
		x, a := c.srv.mw.begin(c.middlewareRequest(path, ws), ws)
		if a != nil {
			keep := keepAlive && !ws
			return c.respond(out, a.status, a.head, a.body, keep, head), keep
		}
		if !ws {
			c.mwx = x
		}
	}
	if isWebSocketUpgrade(req) {
		return c.serveWebSocket(out, path, sc)
	}
	c.parkedCondsSet = false
	sc.params.Reset()
	handle, res, allow, redirectPath := c.srv.router.Lookup(req.Method, path, &sc.params, sc.redirect[:0])
	if res == router.Found && c.srv.mounts != nil && c.srv.mounts[handle] != nil {
		return c.serveStatic(out, c.srv.mounts[handle], &sc.params, keepAlive, head), keepAlive
	}
	var answer []byte // the status (and Allow or Location) of an answer passed to Python
	switch res {
	case router.NotFound:
		if c.srv.answerRoute < 0 {
			return c.respond(out, 404, jsonType, notFoundBody, keepAlive, head), keepAlive
		}
		answer = statusNotFound
	case router.MethodNotAllowed:
		if c.srv.answerRoute < 0 {
			extra := append(append(append(jsonType[:len(jsonType):len(jsonType)], "allow: "...), allow...), "\r\n"...)
			return c.respond(out, 405, extra, methodNotAllowedBody, keepAlive, head), keepAlive
		}
		answer, sc.redirect = statusMethodNotAllowed, append(sc.redirect[:0], allow...)
	case router.RedirectSlash:
		sc.redirect = c.location(redirectPath[:0])
		if c.srv.answerRoute < 0 {
			return c.respond(out, 307, sc.redirect, nil, keepAlive, head), keepAlive
		}
		answer = statusRedirect
		// The Location value alone: "location: " and CRLF off.
		sc.redirect = sc.redirect[len("location: ") : len(sc.redirect)-2]
	}
	if answer != nil {
		handle = c.srv.answerRoute
	}

	if c.srv.overLimit() {
		c.endForm() // an upload's
		return c.respond(out, 503, retryAfter, serviceUnavailableBody, keepAlive, head), keepAlive
	}
	c.requestMeta(sc, path, c.info.Scheme())
	body := req.Body
	if answer != nil {
		addAnswer(&sc.meta, answer, sc.redirect)
	} else if c.srv.formRoutes != nil {
		fc, refusal := c.form, (*pybridge.Result)(nil) // an upload's form is complete already
		if fc == nil {
			fc, refusal = c.srv.parseForm(handle, http1ContentType(req), body)
		}
		if refusal != nil {
			return c.respondResult(out, refusal, keepAlive, head), keepAlive
		}
		if fc != nil {
			c.form, body = fc, fc.record
			sc.meta.SetFieldString(pybridge.FieldBodyForm, "1")
		}
	}
	c.srv.inflight.Add(1)
	r := c.srv.caller.Call(handle, c.token<<32, sc.meta.Bytes(), body)
	if r.Deferred {
		if done := c.completion.Swap(nil); done != nil { // answered already
			// A streamed answer attached its queue before it completed, so it is visible
			// here; its head and body are in the queue, which the parked path writes first.
			if c.stream.Load() == nil {
				c.srv.inflight.Add(-1)
				c.endForm()
				return c.respondResult(out, done, keepAlive, head), keepAlive
			}
			c.completion.Store(done) // the Wake that came with it runs the parked path
		}
		c.parked, c.parkedHead, c.parkedKeep = true, head, keepAlive
		c.parkedConds, c.parkedCondsSet = condsFromHTTP1(req), true
		return out, keepAlive
	}
	c.srv.inflight.Add(-1)
	c.endForm()
	if c.srv.opts.AccessLog != nil {
		c.logAccess(r.Status)
	}
	return c.respondResult(out, &r, keepAlive, head), keepAlive
}

// endForm removes the temporary files of the request's form once the handler answered.
func (c *session) endForm() {
	if c.form != nil {
		c.form.discard()
		c.form = nil
	}
}

// http1ContentType is the request's Content-Type value, nil when absent.
func http1ContentType(req *http1.Request) []byte {
	for i := range req.Headers {
		if http1.EqualFold(req.Headers[i].Name, "content-type") {
			return req.Headers[i].Value
		}
	}
	return nil
}

// respondResult appends a handler's answer.
func (c *session) respondResult(out []byte, r *pybridge.Result, keepAlive, head bool) []byte {
	if r.File != "" {
		return c.respondFile(out, r, keepAlive, head)
	}
	extra := r.Head
	if r.JSON {
		extra = jsonType
	}
	status := r.Status
	if status == 101 { // a handler cannot switch protocols over this path
		status = 500
	}
	return c.respond(out, status, extra, r.Body, keepAlive, head)
}

// respond appends a whole response. HEAD answers carry the GET's content-length but no body
// (RFC 9110 §9.3.2); 1xx/204/304 carry neither (RFC 9110 §8.6).
func (c *session) respond(out []byte, status int, extra, body []byte, keepAlive, head bool) []byte {
	if x := c.mwx; x != nil {
		c.mwx = nil
		extra, body = x.whole(status, extra, body)
	}
	if keepAlive && c.req.ProtoMinor == 0 {
		extra = append(extra[:len(extra):len(extra)], keepAliveHeader...)
	}
	length := int64(len(body))
	if !http1.BodyAllowed(status) {
		length = -1
		body = nil
	}
	out = http1.AppendResponseHead(out, status, serverHeader, *c.srv.date.Load(), length, keepAlive, extra)
	if !head {
		out = append(out, body...)
	}
	return out
}

// location appends Starlette's redirect target as a header line: the same URL with the
// trailing slash of the path toggled. The raw path is used so the header stays percent-encoded.
func (c *session) location(b []byte) []byte {
	b = append(append(append(b, "location: "...), c.info.Scheme()...), "://"...)
	if len(c.req.Host) > 0 {
		b = append(b, c.req.Host...)
	} else {
		b = append(b, c.info.LocalHost...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(c.info.LocalPort), 10)
	}
	raw := c.req.Path
	if len(raw) > 1 && raw[len(raw)-1] == '/' {
		b = append(b, raw[:len(raw)-1]...)
	} else {
		b = append(append(b, raw...), '/')
	}
	if len(c.req.Query) > 0 {
		b = append(b, '?')
		b = append(b, c.req.Query...)
	}
	return append(b, "\r\n"...)
}

func (c *session) logAccess(status int) {
	line := c.info.RemoteHost + ":" + strconv.Itoa(c.info.RemotePort) + ` - "` + string(c.req.Method) + " " +
		string(c.req.Target) + ` HTTP/1.` + strconv.Itoa(c.req.ProtoMinor) + `" ` + strconv.Itoa(status)
	c.srv.opts.AccessLog(line)
}

// speaksHTTP1 reports whether the first line of data carries an HTTP/1.x version.
func speaksHTTP1(data []byte) bool {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	return bytes.Contains(line, []byte(" HTTP/"))
}

// requestMeta describes the HTTP/1.1 request in c.req to the handler, in sc.meta: path is
// the decoded path, sc.params the route's parameters.
func (c *session) requestMeta(sc *scratch, path []byte, scheme string) {
	req, m := &c.req, &sc.meta
	m.Reset()
	m.SetField(pybridge.FieldMethod, req.Method)
	m.SetField(pybridge.FieldPath, path)
	m.SetField(pybridge.FieldRawPath, req.Path)
	m.SetField(pybridge.FieldQuery, req.Query)
	version := "1.1"
	if req.ProtoMinor == 0 {
		version = "1.0"
	}
	c.setConnFields(m, scheme, version)
	for i := range req.Headers {
		m.AddHeader(req.Headers[i].Name, req.Headers[i].Value)
	}
	addParams(m, &sc.params)
}

// setConnFields stores what the connection, not the request, says about a call: peer and
// listener addresses, scheme and protocol version.
func (c *session) setConnFields(m *pybridge.Meta, scheme, version string) {
	m.SetFieldString(pybridge.FieldClientHost, c.info.RemoteHost)
	m.SetFieldString(pybridge.FieldServerHost, c.info.LocalHost)
	m.SetFieldString(pybridge.FieldScheme, scheme)
	m.SetFieldString(pybridge.FieldHTTPVersion, version)
	m.SetPorts(c.info.RemotePort, c.info.LocalPort)
}

// addParams stores the route's path parameters; Meta wants them after all headers.
func addParams(m *pybridge.Meta, params *router.Params) {
	for i := 0; i < params.Len(); i++ {
		m.AddParam(params.Name(i), params.Value(i))
	}
}

package server

import (
	"bytes"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/router"
	"github.com/fasterapi/fasterapi/transport"
)

// closeWait is how long the server waits for the peer's Close after sending its own
// (RFC 6455 §7.1.1 lets the server close the TCP connection once both Closes crossed).
const closeWait = 5 * time.Second

// closeLinger is how long a connection failed for a protocol error keeps draining input at
// most; it closes sooner once the peer has sent nothing for lingerQuiet (its own Close came,
// or it stopped sending), so that closing resets nothing.
const (
	closeLinger = 2 * time.Second
	lingerQuiet = 100 * time.Millisecond
)

var (
	forbiddenBody = []byte(`{"detail":"no WebSocket route matches this path"}`)
	// refusedBody answers a handshake its handler refused (closed, or ended, before accepting).
	refusedBody = []byte(`{"detail":"Forbidden"}`)
)

// isWebSocketUpgrade reports an HTTP/1.1 request asking to become a WebSocket (RFC 6455 §4.1).
func isWebSocketUpgrade(req *http1.Request) bool {
	return len(req.Upgrade) > 0 && http1.EqualFold(req.Upgrade, "websocket")
}

// serveWebSocket answers an opening handshake: an invalid one is refused here; a valid one to
// a WebSocket route starts its handler, which accepts or refuses through the stream queue.
// The Starlette convention is kept: a path without a WebSocket route, or a handler that closes
// before accepting, gets 403.
func (c *session) serveWebSocket(out []byte, path []byte, sc *scratch) ([]byte, bool) {
	req := &c.req
	sc.params.Reset()
	handle, res, _, _ := c.srv.wsRouter.Lookup(req.Method, path, &sc.params, sc.redirect[:0])
	if res != router.Found {
		return c.respond(out, 403, jsonType, forbiddenBody, false, false), false
	}
	hs, herr := websocket.Accept(req, c.srv.opts.WebSocket)
	if herr != nil {
		return websocket.AppendHandshakeError(out, herr, serverHeader, *c.srv.date.Load()), false
	}
	if c.srv.overLimit() {
		return c.respond(out, 503, retryAfter, serviceUnavailableBody, false, false), false
	}
	scheme := "ws"
	if c.info.Scheme() == "https" {
		scheme = "wss"
	}
	c.requestMeta(sc, path, scheme)
	c.srv.inflight.Add(1)
	// Set before the call: the handler may subscribe from its asyncio thread at once.
	c.busyWithWebSocket.Store(true)
	r := c.srv.caller.Call(handle, c.token<<32, sc.meta.Bytes(), nil)
	if !r.Deferred {
		c.srv.inflight.Add(-1)
		return c.respondResult(out, &r, false, false), false
	}
	c.handshake = hs
	c.wsPending = true
	c.parked, c.parkedHead, c.parkedKeep = true, false, false
	return out, false
}

// refuseUnaccepted turns the completion of a WebSocket handler that ended without accepting
// into the handshake's answer: its own error status if it failed, else 403 (Starlette).
func refuseUnaccepted(r *pybridge.Result) {
	if r.Status < 400 {
		r.Status, r.JSON, r.Head, r.Body = 403, true, nil, refusedBody
	}
}

// pump moves a parked request's queued stream operations into out: the WebSocket accept (after
// which the connection speaks WebSocket), or a streamed response's head and body chunks. It
// reports whether the connection must close after out is written.
func (c *session) pump(out []byte, q *streamQueue) ([]byte, bool) {
	budget := writeWater - len(out) - c.outbound()
	if budget <= 0 {
		c.retryLater()
		return out, false
	}
	ops := q.take(nil, budget)
	for i, op := range ops {
		switch op.op {
		case pybridge.OpWSAccept:
			if !c.wsPending {
				continue
			}
			subprotocol, extra := splitAcceptData(op.data)
			out = websocket.AppendHandshakeResponse(out, c.handshake, subprotocol, extra)
			c.wsPending = false
			c.ws = websocket.NewConn(websocket.Config{MaxMessageSize: c.srv.opts.WSMaxSize,
				Deflate: c.handshake.Deflate})
			c.deadline.Store(0)
			c.armPing()
			return c.wsApply(out, ops[i+1:]), false
		case pybridge.OpWSClose:
			if c.wsPending { // closed before accepting: refused (Starlette answers 403)
				c.wsPending = false
				q.close(websocket.CloseNormal)
				return c.respond(out, 403, jsonType, refusedBody, false, false), true
			}
		case pybridge.OpHTTPStart:
			if c.mwx != nil {
				c.holding, c.heldStatus, c.heldHead = true, op.code, op.data
				continue
			}
			out = c.streamHead(out, op.code, op.data)
		case pybridge.OpHTTPBody:
			if c.holding && len(op.data) > 0 {
				c.holding = false
				out = c.streamHead(out, c.heldStatus, c.mwx.streamed(c.heldStatus, c.heldHead))
			}
			if c.streaming && !c.parkedHead && len(op.data) > 0 {
				out = c.streamPiece(out, c.encodePiece(op.data))
			}
		case pybridge.OpAbort:
			q.close(websocket.CloseAbnormal)
			return out, true
		}
	}
	if q.pending() {
		c.retryLater()
	}
	return out, false
}

// streamHead writes a streamed response's head. HTTP/1.1 bodies are chunked; an HTTP/1.0
// client has no chunked coding, so its body ends when the connection closes (RFC 9112 §6.3).
func (c *session) streamHead(out []byte, status int, head []byte) []byte {
	c.streaming = true
	if c.req.ProtoMinor == 0 {
		c.parkedKeep = false
		c.chunked = false
		out = http1.AppendStatusLine(out, status)
		out = append(out, "server: fasterapi\r\nconnection: close\r\n"...)
		out = append(out, head...)
		return append(out, "\r\n"...)
	}
	c.chunked = http1.BodyAllowed(status)
	length := int64(-1)
	if !c.chunked {
		length = 0
	}
	return http1.AppendResponseHead(out, status, serverHeader, *c.srv.date.Load(), length, c.parkedKeep, head)
}

// endStream finishes a streamed response once its handler completed.
func (c *session) endStream(out []byte) []byte {
	if c.holding { // no piece came: the middleware see an empty body
		c.holding = false
		head, body := c.mwx.whole(c.heldStatus, c.heldHead, nil)
		out = c.streamHead(out, c.heldStatus, head)
		if !c.parkedHead {
			out = c.streamPiece(out, body)
		}
	}
	if x := c.mwx; x != nil && x.enc != nil {
		if tail := x.enc.finish(); c.streaming && !c.parkedHead {
			out = c.streamPiece(out, tail)
		}
		x.enc = nil
	}
	c.mwx, c.heldHead = nil, nil
	if c.chunked && !c.parkedHead {
		out = http1.AppendLastChunk(out)
	}
	c.streaming, c.chunked = false, false
	return out
}

// encodePiece is a streamed body's piece as the middleware send it (compressed or not).
func (c *session) encodePiece(data []byte) []byte {
	if x := c.mwx; x != nil && x.enc != nil {
		return x.enc.chunk(data)
	}
	return data
}

// streamPiece appends body bytes of a streamed response (a chunk on HTTP/1.1).
func (c *session) streamPiece(out, data []byte) []byte {
	if len(data) == 0 || !c.streaming {
		return out
	}
	if c.chunked {
		return http1.AppendChunk(out, data)
	}
	return append(out, data...)
}

// outbound is what the transport holds unsent for this connection (loop thread only).
func (c *session) outbound() int {
	if f := c.info.Outbound; f != nil {
		return f()
	}
	return 0
}

// retryLater wakes the connection again soon: its socket was full, and the transport does not
// report when it drains.
func (c *session) retryLater() {
	if c.retrying.CompareAndSwap(false, true) {
		time.AfterFunc(stallRetry, func() {
			c.retrying.Store(false)
			c.info.Wake()
		})
	}
}

// onWebSocket serves a connection after the handshake: frames from the peer become events in
// the handler's inbox, the handler's queued messages become frames.
func (c *session) onWebSocket(in, out []byte) ([]byte, transport.Action) {
	q := c.stream.Load()
	if r := c.completion.Swap(nil); r != nil && c.parked {
		c.parked = false
		c.srv.inflight.Add(-1)
		c.handlerDone = true
	}
	if c.lingering { // input after a failure is read and dropped until the peer is quiet
		if len(in) > 0 {
			c.deadline.Store(min(c.lingerEnd, time.Now().Add(lingerQuiet).UnixNano()))
		}
		return out, transport.Continue
	}
	if c.drainAsked.Load() && c.ws.State() == websocket.StateOpen {
		// Shutting down: close as uvicorn does, and let the peer answer (RFC 6455 §7.4.1).
		out = c.ws.AppendClose(out, websocket.CloseServiceRestart, "server shutting down")
	}
	if c.pingDue.Swap(false) && c.pingSent == 0 && c.ws.State() == websocket.StateOpen {
		c.pingSent = time.Now().UnixNano()
		out = websocket.AppendPing(out, nil)
		c.deadline.Store(c.pingSent + int64(c.srv.opts.WSPingTimeout))
	}
	failed, pong := false, false
	if len(in) > 0 {
		failed, pong = readWebSocket(c.ws, q, in)
		// Pongs (and a failure's Close) go before messages queued meanwhile: a fast handler
		// may already have answered what was just read.
		out = c.ws.AppendOutput(out)
	}
	if pong && c.pingSent != 0 { // the peer is alive: cancel the deadline, ping again later
		c.pingSent = 0
		c.deadline.Store(0)
		c.armPing()
	}
	if budget := writeWater - len(out) - c.outbound(); budget > 0 {
		out = c.wsApply(out, q.take(nil, budget))
	} else {
		c.retryLater()
	}
	pending := q.pending()
	if pending {
		c.retryLater()
	}
	if c.handlerDone && !pending && c.ws.State() == websocket.StateOpen {
		// The handler returned without closing: close normally, as uvicorn does.
		out = c.ws.AppendClose(out, websocket.CloseNormal, "")
	}
	out = c.ws.AppendOutput(out)
	switch c.ws.State() {
	case websocket.StateClosed:
		if failed {
			// Closing now, with the peer's frames still arriving, would reset the connection
			// and could destroy our Close frame in the peer's receive buffer before it is
			// read. So read and drop what comes until the peer goes quiet, or closeLinger passes.
			now := time.Now()
			c.lingering = true
			c.lingerEnd = now.Add(closeLinger).UnixNano()
			c.deadline.Store(now.Add(lingerQuiet).UnixNano())
			return out, transport.Continue
		}
		return out, transport.CloseAfterWrite
	case websocket.StateClosing:
		if c.deadline.Load() == 0 {
			c.deadline.Store(time.Now().Add(closeWait).UnixNano())
		}
	}
	return out, transport.Continue
}

// armPing schedules the next keep-alive Ping (--ws-ping-interval); a peer that does not answer
// within --ws-ping-timeout is cut by the deadline sweep, and its handler sees code 1006.
func (c *session) armPing() {
	interval := c.srv.opts.WSPingInterval
	if interval <= 0 {
		return
	}
	if c.pingTimer == nil {
		c.pingTimer = time.AfterFunc(interval, func() {
			c.pingDue.Store(true)
			c.info.Wake()
		})
		return
	}
	c.pingTimer.Reset(interval)
}

// Drain is called once when the server starts shutting down: long-lived exchanges end now
// instead of holding the shutdown until its timeout. WebSockets get Close 1012; streamed
// responses and SSE see their client leave. It may be called from any goroutine.
func (c *session) Drain() {
	if c.drainAsked.Swap(true) {
		return
	}
	if q := c.stream.Load(); q != nil && !c.busyWithWebSocket.Load() {
		q.close(websocket.CloseGoingAway)
	}
	c.info.Wake()
}

// readWebSocket feeds bytes the peer sent to a WebSocket and hands what they hold to its
// handler: messages to the inbox, the peer's Close or a protocol failure (with its RFC 6455
// §7.4.1 code) as the disconnect. It reports whether the connection failed and whether a
// Pong arrived. q may be nil when the handler never attached (the events are dropped).
func readWebSocket(ws *websocket.Conn, q *streamQueue, in []byte) (failed, pong bool) {
	if ws.State() == websocket.StateClosed {
		return false, false
	}
	ws.Feed(in)
	for {
		ev, err := ws.Next()
		if err != nil {
			code := websocket.CloseProtocolError
			if ce, ok := err.(*websocket.CloseError); ok {
				code = ce.Code
			}
			if q != nil {
				q.close(code)
			}
			return true, pong
		}
		switch ev.Kind {
		case websocket.EventNone:
			return false, pong
		case websocket.EventPong:
			pong = true
		case websocket.EventMessage:
			if q != nil {
				kind := pybridge.EventBinary
				if ev.Text {
					kind = pybridge.EventText
				}
				q.post(kind, 0, ev.Data)
			}
		case websocket.EventClose:
			if q != nil {
				q.closeWith(ev.Code, ev.Reason)
			}
		}
	}
}

// wsApply writes the handler's queued WebSocket operations.
func (c *session) wsApply(out []byte, ops []streamOp) []byte {
	for _, op := range ops {
		switch op.op {
		case pybridge.OpWSText:
			out = c.ws.AppendMessage(out, true, op.data)
		case pybridge.OpWSBinary:
			out = c.ws.AppendMessage(out, false, op.data)
		case pybridge.OpWSClose:
			out = c.ws.AppendClose(out, op.code, string(op.data))
		}
	}
	return out
}

// splitAcceptData reads OpWSAccept's data: the subprotocol on the first line, then
// "name: value" header lines, all CRLF-terminated.
func splitAcceptData(data []byte) (string, [][2]string) {
	line, rest, _ := bytes.Cut(data, []byte("\r\n"))
	subprotocol := string(line)
	var extra [][2]string
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if ok {
			extra = append(extra, [2]string{string(name), string(bytes.TrimSpace(value))})
		}
	}
	return subprotocol, extra
}

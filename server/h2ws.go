package server

import (
	"encoding/json"
	"strings"

	"github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/router"
)

// WebSockets over HTTP/2 (RFC 8441): the client opens a stream with an extended CONNECT
// (:protocol websocket), which SETTINGS_ENABLE_CONNECT_PROTOCOL allows; the server accepts
// with :status 200, and the stream's DATA frames then carry WebSocket frames both ways, with
// masking and the closing handshake unchanged (§5). The stream ends when both Closes crossed.

// openWebSocket answers an extended CONNECT: a handshake error or a path without a WebSocket
// route is refused at once; otherwise the route's handler starts and accepts or refuses
// through the stream's queue, as over HTTP/1.1.
func (h *h2session) openWebSocket(ev *http2.Event, st *h2stream) {
	fields := make([][2]string, 0, len(ev.Headers)+5)
	fields = append(fields, [2]string{":method", ev.Method}, [2]string{":protocol", ev.Protocol},
		[2]string{":scheme", ev.Scheme}, [2]string{":path", ev.Path}, [2]string{":authority", ev.Authority})
	for _, hd := range ev.Headers {
		fields = append(fields, [2]string{hd.Name, hd.Value})
	}
	hs, herr := websocket.AcceptExtendedConnect(fields, h.c.srv.opts.WebSocket)
	if herr != nil {
		body, _ := json.Marshal(struct {
			Detail string `json:"detail"`
		}{herr.Reason})
		head := "content-type: application/json\r\n"
		for _, f := range websocket.AppendErrorFields(nil, herr) {
			head += f[0] + ": " + f[1] + "\r\n"
		}
		h.writeResult(ev.Stream, st, &pybridge.Result{Status: herr.Status, Head: []byte(head), Body: body})
		return
	}
	srv := h.c.srv
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	path, rawPath, query := splitStreamPath(sc, ev.Path)
	if srv.mw != nil { // TrustedHost and HTTPSRedirect see WebSocket handshakes too
		st.headers = ev.Headers
		_, a := srv.mw.begin(h.middlewareRequest(st, path, query, true), true)
		st.headers = nil
		if a != nil {
			h.writeResult(ev.Stream, st, &pybridge.Result{Status: a.status, Head: a.head, Body: a.body})
			return
		}
	}
	sc.params.Reset()
	handle, res, _, _ := srv.wsRouter.Lookup([]byte("GET"), path, &sc.params, sc.redirect[:0])
	if res != router.Found {
		h.writeResult(ev.Stream, st, &pybridge.Result{Status: 403, JSON: true, Body: forbiddenBody})
		return
	}
	if srv.overLimit() {
		h.writeResult(ev.Stream, st, &pybridge.Result{Status: 503, Head: retryAfter, Body: serviceUnavailableBody})
		return
	}
	scheme := "ws"
	if ev.Scheme == "https" {
		scheme = "wss"
	}
	h.streamMeta(sc, "GET", path, rawPath, query, scheme, ev.Authority, ev.Headers)
	st.wsPending, st.handshake = true, hs
	srv.inflight.Add(1)
	token := h.c.token<<32 | uint64(ev.Stream)
	h.openWebSocketQueue(token, ev.Stream) // before the call: the handler may subscribe at once
	r := srv.caller.Call(handle, token, sc.meta.Bytes(), nil)
	if !r.Deferred {
		srv.inflight.Add(-1)
		st.wsPending = false
		h.forget(ev.Stream, 0)
		h.writeResult(ev.Stream, st, &r)
		return
	}
	st.parked = true
}

// wsOp applies one queued WebSocket operation; false means the stream is finished.
func (h *h2session) wsOp(id uint32, st *h2stream, q *streamQueue, op streamOp) bool {
	switch op.op {
	case pybridge.OpWSAccept:
		if !st.wsPending {
			return true
		}
		subprotocol, extra := splitAcceptData(op.data)
		var hdrs []http2.Header
		for _, f := range websocket.AppendExtendedConnectResponse(nil, st.handshake, subprotocol)[1:] {
			hdrs = append(hdrs, http2.Header{Name: f[0], Value: f[1]})
		}
		for _, f := range extra {
			hdrs = append(hdrs, http2.Header{Name: strings.ToLower(f[0]), Value: f[1]})
		}
		if err := h.conn.WriteHeaders(id, 200, hdrs, false); err != nil {
			h.abortStream(id, st)
			return false
		}
		st.wsPending = false
		st.ws = websocket.NewConn(websocket.Config{MaxMessageSize: h.c.srv.opts.WSMaxSize, Deflate: st.handshake.Deflate})
		h.armStreamPing(id, st)
		if len(st.early) > 0 {
			early := st.early
			st.early = nil
			h.wsData(id, st, q, early)
		}
	case pybridge.OpWSClose:
		if st.wsPending { // refused before accepting (Starlette answers 403)
			st.wsPending = false
			h.forget(id, websocket.CloseNormal)
			if st.parked {
				st.parked = false
				h.c.srv.inflight.Add(-1)
			}
			h.writeResult(id, st, &pybridge.Result{Status: 403, JSON: true, Body: refusedBody})
			return false
		}
		if st.ws != nil {
			st.out = st.ws.AppendClose(st.out, op.code, string(op.data))
		}
	case pybridge.OpWSText, pybridge.OpWSBinary:
		if st.ws != nil {
			st.out = st.ws.AppendMessage(st.out, op.op == pybridge.OpWSText, op.data)
		}
	}
	return true
}

// wsData feeds WebSocket bytes the peer sent on the stream; its messages go to the handler.
func (h *h2session) wsData(id uint32, st *h2stream, q *streamQueue, data []byte) {
	if st.ws == nil {
		// Before the accept the peer should send nothing; keep a little, refuse a flood.
		if len(st.early)+len(data) > 64<<10 {
			h.abortStream(id, st)
			return
		}
		st.early = append(st.early, data...)
		return
	}
	_, pong := readWebSocket(st.ws, q, data)
	if pong && st.pingSent != 0 { // the peer is alive: ping again after the interval
		st.pingSent = 0
		h.armStreamPing(id, st)
	}
	h.wsFlush(id, st, q)
}

// wsFlush writes the frames the WebSocket owes (messages, Pongs, Closes) as DATA, and ends
// our side of the stream once the closing handshake is over.
func (h *h2session) wsFlush(id uint32, st *h2stream, q *streamQueue) {
	if h.c.drainAsked.Load() && st.ws.State() == websocket.StateOpen {
		st.out = st.ws.AppendClose(st.out, websocket.CloseServiceRestart, "server shutting down")
	}
	st.out = st.ws.AppendOutput(st.out)
	closed := st.ws.State() == websocket.StateClosed
	if len(st.out) > 0 || closed && !st.ended {
		_, _ = h.conn.WriteData(id, st.out, closed)
		st.out = st.out[:0]
		st.ended = closed
	}
	if closed {
		stopStreamPing(st)
		if !st.parked {
			h.forget(id, 0)
			delete(h.streams, id)
		}
	}
}

// wsPeerEnded handles the client ending its side of a WebSocket stream: like a TCP close on
// HTTP/1.1 without a Close frame, the handler sees 1006 (RFC 6455 §7.1.5).
func (h *h2session) wsPeerEnded(id uint32, st *h2stream) {
	if q := h.queue(id); q != nil {
		q.close(websocket.CloseAbnormal)
	}
	if !st.ended {
		_, _ = h.conn.WriteData(id, nil, true)
		st.ended = true
	}
}

// wsHandlerDone closes a WebSocket whose handler returned without closing (as uvicorn does).
func (h *h2session) wsHandlerDone(id uint32, st *h2stream, q *streamQueue) {
	if st.ws.State() == websocket.StateOpen {
		st.out = st.ws.AppendClose(st.out, websocket.CloseNormal, "")
	}
	st.parked = false
	h.wsFlush(id, st, q)
	if st.ws.State() == websocket.StateClosed || st.ended {
		st.ws = nil
	}
}

package server

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/router"
	"github.com/fasterapi/fasterapi/transport"
)

// h2session serves an HTTP/2 connection (cleartext, prior knowledge: RFC 9113 §3.3). Streams
// run their handlers one after another on the loop thread, or concurrently when the handler
// is async or the host is pooled; answers may come back in any order.
type h2session struct {
	c       *session
	conn    *http2.Conn
	streams map[uint32]*h2stream
	mu      sync.Mutex // guards done, filled by Deliver from other threads, and resets
	done    []h2answer
	// resets names the streams the peer reset while their handler ran (parked), until its
	// late answer comes: Request.is_disconnected() asks from the interpreter's thread.
	resets map[uint32]struct{}

	// uploads lists streams still receiving a body, oldest first; bodyBytes counts the body
	// bytes buffered across streams (see h2body.go).
	uploads   []uint32
	bodyBytes int64
	// waiting lists complete requests held back while responses wait on the peer (backedUp).
	waiting []uint32
	// handed counts bytes given to the transport, handedBefore as of the start of OnData; with
	// the transport's unsent bytes they tell what the peer took (checkProgress).
	handed, handedBefore uint64
	// stall times responses held by closed flow-control windows, drain output the peer does
	// not read.
	stall, drain progressClock
	lingerUntil  int64 // unix ns after which a finished connection closes regardless
	goawaySent   bool  // our graceful GOAWAY is out (server shutdown or idle timeout)
	idleAt       int64 // unix ns when a connection with no streams times out; 0: not idle
	timer        *time.Timer
	timerAt      time.Time // when timer fires; zero when it is not pending

	// queues of long-lived streams; blocked lists those whose output waits on the peer.
	queues  h2queues
	blocked []uint32
	drained bool // shutdown was passed on to the long-lived streams

	// files are file bodies being sent, by stream (h2files.go); buf is their read buffer.
	files map[uint32]*h2file
	buf   []byte
}

type h2stream struct {
	method, scheme, authority, path string
	headers                         []http2.Header
	body                            []byte
	unacked                         int   // body bytes not yet returned to the flow-control windows
	lastData                        int64 // unix ns of the last body bytes (uploads only)
	parked                          bool

	// Long-lived streams (h2stream.go, h2ws.go): streaming once a streamed response's head
	// is out; wsPending while a WebSocket waits for its handler's accept, ws after it.
	streaming bool
	wsPending bool
	handshake websocket.Handshake
	ws        *websocket.Conn
	early     []byte // WebSocket bytes that came before the accept
	// Keep-alive (h2wsping.go): pingTimer fires when a Ping is due or the last one is late;
	// pingSent is when the unanswered Ping went out (0: none).
	pingTimer *time.Timer
	pingSent  int64
	out       []byte // WebSocket frames not yet written as DATA
	ended     bool   // our END_STREAM is out
	// form is the parsed form the handler got; its temporary files go when it answers.
	// upload: the body is still streaming into form (upload.go), received bytes so far.
	form     *formCollector
	upload   bool
	received int64

	// mwx is the built-in middleware's state for the stream's answer (nil when the app has
	// none); a streamed answer's head waits in heldHead until its first piece (see session).
	mwx        *mwExchange
	holding    bool
	heldStatus int
	heldHead   []byte
}

type h2answer struct {
	stream uint32
	result pybridge.Result
}

func h2Config(srv *Server) http2.Config {
	lim := srv.opts.Limits
	maxBody := lim.MaxBodyBytes
	if srv.formRoutes != nil {
		maxBody = 0 // uploads may pass it; every other stream gets it back (takeUpload)
	}
	return http2.Config{MaxHeaderListSize: uint32(lim.MaxHeaderBytes), MaxBodyBytes: maxBody,
		EnableConnectProtocol: srv.hasWebSocket} // RFC 8441 §3: only when WebSocket routes exist
}

func newH2Session(c *session) *h2session {
	return &h2session{c: c, streams: make(map[uint32]*h2stream), conn: http2.NewConn(h2Config(c.srv))}
}

// upgradeH2C switches an HTTP/1.1 connection whose request asked for "Upgrade: h2c" with an
// HTTP2-Settings field (RFC 7540 §3.2); that request becomes stream 1. It returns nil when the
// request is not a valid upgrade, which is then served as plain HTTP/1.1 (the upgrade is
// optional for a server).
func upgradeH2C(c *session, req *http1.Request) *h2session {
	if !http1.EqualFold(req.Upgrade, "h2c") {
		return nil
	}
	var settings []byte
	var found bool
	head := http2.RequestHead{Method: string(req.Method), Authority: string(req.Host), Path: string(req.Target),
		Body: req.Body}
	for _, hd := range req.Headers {
		if http1.EqualFold(hd.Name, "http2-settings") {
			decoded, err := http2.DecodeSettingsHeader(string(hd.Value))
			if err != nil || found {
				return nil
			}
			settings, found = decoded, true
			continue
		}
		head.Headers = append(head.Headers, http2.Header{Name: string(hd.Name), Value: string(hd.Value)})
	}
	if !found {
		return nil
	}
	conn, err := http2.NewConnFromUpgrade(h2Config(c.srv), settings, head)
	if err != nil {
		return nil
	}
	return &h2session{c: c, streams: make(map[uint32]*h2stream), conn: conn}
}

// deliver queues an async answer for a stream; the loop writes it on its next OnData.
func (h *h2session) deliver(stream uint32, r pybridge.Result) {
	h.mu.Lock()
	h.done = append(h.done, h2answer{stream, r})
	h.mu.Unlock()
}

// noteReset records that the peer reset stream id while its handler runs.
func (h *h2session) noteReset(id uint32) {
	h.mu.Lock()
	if h.resets == nil {
		h.resets = make(map[uint32]struct{})
	}
	h.resets[id] = struct{}{}
	h.mu.Unlock()
}

// forgetReset drops stream id's record once its handler answered (the answer is dropped).
func (h *h2session) forgetReset(id uint32) {
	h.mu.Lock()
	delete(h.resets, id)
	h.mu.Unlock()
}

// streamReset reports whether the peer reset stream id while its handler ran. Any thread.
func (h *h2session) streamReset(id uint32) bool {
	h.mu.Lock()
	_, ok := h.resets[id]
	h.mu.Unlock()
	return ok
}

func (h *h2session) OnData(in, out []byte) ([]byte, transport.Action) {
	now := time.Now()
	h.onWake(now)
	h.handedBefore = h.handed
	if h.conn.Err() == nil {
		_ = h.conn.Feed(in) // a connection error leaves a GOAWAY in the output and Err() set
	} // after one, input is read and dropped until the GOAWAY is delivered
	idleOut := h.idleAt != 0 && now.UnixNano() >= h.idleAt && len(h.streams) == 0 && len(h.files) == 0 &&
		!h.held()
	if (h.c.srv.draining() || idleOut) && !h.goawaySent {
		// Graceful shutdown or idle timeout (RFC 9113 §6.8): GOAWAY names the last stream we
		// will serve; the ones open run to completion, after which finish closes the
		// connection.
		h.conn.Shutdown()
		h.goawaySent = true
	}
	h.mu.Lock()
	done := h.done
	h.done = nil
	h.mu.Unlock()
	// Operations queued before a completion are written before it (the handler queued them
	// first), so the queues are pumped after the completions were taken.
	h.pumpStreams()
	h.pingStreams(now.UnixNano())
	var kept []h2answer
	for _, a := range done {
		st, ok := h.streams[a.stream]
		if !ok {
			h.forgetReset(a.stream)
			continue
		}
		st.endForm()
		if handled, keep := h.finishLongLived(a.stream, st, &a.result); handled {
			if keep {
				kept = append(kept, a)
			}
			continue
		}
		h.c.srv.inflight.Add(-1)
		h.writeResult(a.stream, st, &a.result)
	}
	if len(kept) > 0 { // their streams still have output waiting on the peer
		h.mu.Lock()
		h.done = append(kept, h.done...)
		h.mu.Unlock()
		h.wakeIn(h2PollInterval)
	}
	for {
		ev, ok := h.conn.NextEvent()
		if !ok {
			break
		}
		switch ev.Kind {
		case http2.EventRequestHeaders:
			st := &h2stream{method: ev.Method, scheme: ev.Scheme, authority: ev.Authority, path: ev.Path}
			h.streams[ev.Stream] = st
			upload := !ev.EndStream && h.c.srv.formRoutes != nil && h.takeUpload(ev.Stream, st, &ev)
			if ev.Method == "CONNECT" && ev.Protocol != "" {
				h.openWebSocket(&ev, st)
				continue
			}
			if ev.EndStream && h.canDispatch() {
				// Dispatched at once, while the event's header slice is valid: no copy.
				st.headers = ev.Headers
				h.dispatch(ev.Stream, st)
				st.headers = nil
				if st.parked {
					// An async answer may be a FileResponse, which needs the request's
					// precondition and range fields (condsFromH2) after the event is gone.
					st.headers = append([]http2.Header(nil), ev.Headers...)
				}
				continue
			}
			st.headers = append([]http2.Header(nil), ev.Headers...)
			if ev.EndStream {
				h.ready(ev.Stream, st)
			} else {
				h.startUpload(ev.Stream, st, now.UnixNano())
				if upload {
					h.checkDeclaredUpload(ev.Stream, st)
				}
			}
		case http2.EventRequestData:
			if st, ok := h.streams[ev.Stream]; ok && (st.ws != nil || st.wsPending) {
				h.conn.ConsumeData(ev.Stream, len(ev.Data))
				h.wsData(ev.Stream, st, h.queue(ev.Stream), ev.Data)
				if ev.EndStream {
					h.wsPeerEnded(ev.Stream, st)
				}
			} else if ok {
				h.received(ev.Stream, st, ev.Data, now.UnixNano())
				if ev.EndStream && h.streams[ev.Stream] == st { // not refused meanwhile
					h.endUpload(ev.Stream)
					if h.uploadEnded(ev.Stream, st) {
						h.ready(ev.Stream, st)
					}
				}
			}
		case http2.EventRequestTrailers:
			if st, ok := h.streams[ev.Stream]; ok {
				h.endUpload(ev.Stream)
				if h.uploadEnded(ev.Stream, st) {
					h.ready(ev.Stream, st)
				}
			}
		case http2.EventStreamReset:
			if st, ok := h.streams[ev.Stream]; ok {
				if st.parked {
					h.c.srv.inflight.Add(-1)
					h.noteReset(ev.Stream)
				}
				h.releaseBody(st)
				st.endForm()
				st.mwx.release()
				stopStreamPing(st)
			}
			delete(h.streams, ev.Stream)
			h.endUpload(ev.Stream)
			h.forget(ev.Stream, websocket.CloseAbnormal)
			h.dropFile(ev.Stream)
		}
	}
	if len(h.files) > 0 {
		h.pumpFiles()
	}
	out = h.handOff(out)
	for len(h.waiting) > 0 && !h.backedUp() && h.conn.Err() == nil {
		id := h.waiting[0]
		h.waiting = h.waiting[1:]
		if st, ok := h.streams[id]; ok {
			h.dispatch(id, st)
		}
		out = h.handOff(out)
	}
	if len(h.waiting) == 0 {
		h.waiting = nil
	}
	// After the client's GOAWAY the client closes (RFC 9113 §6.8); closing first with its next
	// frames unread would reset the connection instead of answering them. An idle connection
	// is cut by the keep-alive timeout.
	return h.finish(out, now.UnixNano())
}

// ready runs a complete request now, or queues it while earlier responses wait on the peer.
func (h *h2session) ready(id uint32, st *h2stream) {
	if !h.canDispatch() {
		h.waiting = append(h.waiting, id)
		return
	}
	h.dispatch(id, st)
}

// canDispatch reports that a complete request may run now: none waits before it and the
// responses already written are not backed up.
func (h *h2session) canDispatch() bool {
	return len(h.waiting) == 0 && !h.backedUp()
}

// dispatch answers a complete request: from Go for 404/405/307, else from the handler.
func (h *h2session) dispatch(id uint32, st *h2stream) {
	srv := h.c.srv
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	path, rawPath, query := splitStreamPath(sc, st.path)
	if srv.mw != nil {
		x, a := srv.mw.begin(h.middlewareRequest(st, path, query, false), false)
		if a != nil {
			h.writeResult(id, st, &pybridge.Result{Status: a.status, Head: a.head, Body: a.body})
			return
		}
		st.mwx = x
	}
	sc.params.Reset()
	handle, res, allow, _ := srv.router.Lookup([]byte(st.method), path, &sc.params, sc.redirect[:0])
	if res == router.Found && srv.mounts != nil && srv.mounts[handle] != nil {
		h.serveStaticH2(id, st, srv.mounts[handle], &sc.params, rawPath, query)
		return
	}
	var answer, detail []byte // an answer of the server's own passed to Python (answerroute.go)
	switch res {
	case router.NotFound:
		if srv.answerRoute < 0 {
			h.writeResult(id, st, &pybridge.Result{Status: 404, JSON: true, Body: notFoundBody})
			return
		}
		answer = statusNotFound
	case router.MethodNotAllowed:
		if srv.answerRoute < 0 {
			h.writeResult(id, st, &pybridge.Result{Status: 405, JSON: true, Body: methodNotAllowedBody,
				Head: []byte("allow: " + allow + "\r\n")})
			return
		}
		answer, detail = statusMethodNotAllowed, []byte(allow)
	case router.RedirectSlash:
		target := rawPath + "/"
		if len(rawPath) > 1 && rawPath[len(rawPath)-1] == '/' {
			target = rawPath[:len(rawPath)-1]
		}
		if query != "" {
			target += "?" + query
		}
		location := st.scheme + "://" + st.authority + target
		if srv.answerRoute < 0 {
			h.writeResult(id, st, &pybridge.Result{Status: 307, Head: []byte("location: " + location + "\r\n")})
			return
		}
		answer, detail = statusRedirect, []byte(location)
	}
	if answer != nil {
		handle = srv.answerRoute
	}
	if srv.overLimit() {
		st.endForm() // an upload's
		h.writeResult(id, st, &pybridge.Result{Status: 503, Head: retryAfter, Body: serviceUnavailableBody})
		return
	}
	h.streamMeta(sc, st.method, path, rawPath, query, st.scheme, st.authority, st.headers)
	body := st.body
	if answer != nil {
		addAnswer(&sc.meta, answer, detail)
	} else if srv.formRoutes != nil {
		fc, refusal := st.form, (*pybridge.Result)(nil) // an upload's form is complete already
		if fc == nil {
			fc, refusal = srv.parseForm(handle, h2ContentType(st.headers), body)
		}
		if refusal != nil {
			h.writeResult(id, st, refusal)
			return
		}
		if fc != nil {
			st.form, body = fc, fc.record
			sc.meta.SetFieldString(pybridge.FieldBodyForm, "1")
		}
	}
	srv.inflight.Add(1)
	r := srv.caller.Call(handle, h.c.token<<32|uint64(id), sc.meta.Bytes(), body)
	h.releaseBody(st) // the host copied it into the request object
	if r.Deferred {
		st.parked = true
		return
	}
	srv.inflight.Add(-1)
	st.endForm()
	h.writeResult(id, st, &r)
}

// endForm removes the temporary files of the stream's form once its handler answered.
func (st *h2stream) endForm() {
	if st.form != nil {
		st.form.discard()
		st.form = nil
	}
}

// endForms removes the forms' temporary files of every stream, when the connection goes.
func (h *h2session) endForms() {
	for _, st := range h.streams {
		st.endForm()
	}
}

// h2ContentType is the content-type field of a request's headers, nil when absent.
func h2ContentType(headers []http2.Header) []byte {
	for _, hd := range headers {
		if hd.Name == "content-type" { // HTTP/2 field names are lower-case (RFC 9113 §8.2.1)
			return []byte(hd.Value)
		}
	}
	return nil
}

// splitStreamPath splits a :path into its percent-decoded path (in sc, as the router wants
// bytes), the raw path and the query.
func splitStreamPath(sc *scratch, target string) (path []byte, rawPath, query string) {
	rawPath, query, _ = strings.Cut(target, "?")
	sc.raw = append(sc.raw[:0], rawPath...)
	path = sc.raw
	if hasPercent(path) {
		sc.path = percentDecode(sc.path[:0], path)
		path = sc.path
	}
	return path, rawPath, query
}

// streamMeta describes a stream's request to its handler, in sc.meta; sc.params holds the
// route's parameters.
func (h *h2session) streamMeta(sc *scratch, method string, path []byte, rawPath, query, scheme,
	authority string, headers []http2.Header) {
	m := &sc.meta
	m.Reset()
	m.SetFieldString(pybridge.FieldMethod, method)
	m.SetField(pybridge.FieldPath, path)
	m.SetFieldString(pybridge.FieldRawPath, rawPath)
	m.SetFieldString(pybridge.FieldQuery, query)
	h.c.setConnFields(m, scheme, "2")
	// HTTP/2 carries the authority as a pseudo-header; the app reads it as Host (RFC 9113 §8.3.1).
	m.AddHeader([]byte("host"), []byte(authority))
	for _, hd := range headers {
		m.AddHeader([]byte(hd.Name), []byte(hd.Value))
	}
	addParams(m, &sc.params)
}

// writeResult sends a handler's answer on its stream. Header lines from the host are
// "name: value\r\n" with lower-case names, which HTTP/2 requires (RFC 9113 §8.2.1).
func (h *h2session) writeResult(id uint32, st *h2stream, r *pybridge.Result) {
	h.releaseBody(st)
	if r.File != "" {
		h.writeFileResult(id, st, r)
		return
	}
	delete(h.streams, id)
	hdrs := make([]http2.Header, 0, 4)
	status := r.Status
	body, head := r.Body, r.Head
	if x := st.mwx; x != nil {
		st.mwx = nil
		if r.JSON {
			head = append(jsonType[:len(jsonType):len(jsonType)], head...)
		}
		head, body = x.whole(status, head, body)
	} else if r.JSON {
		hdrs = append(hdrs, http2.Header{Name: "content-type", Value: "application/json"})
	}
	hdrs = headerFields(hdrs, head)
	if !http1.BodyAllowed(status) {
		body = nil
	} else {
		hdrs = append(hdrs, http2.Header{Name: "content-length", Value: strconv.Itoa(len(body))})
	}
	if st.method == "HEAD" {
		body = nil
	}
	if err := h.conn.WriteHeaders(id, status, hdrs, len(body) == 0); err != nil || len(body) == 0 {
		return
	}
	_, _ = h.conn.WriteData(id, body, true)
}

// headerFields appends the fields of "name: value\r\n" header lines from the host, without
// the connection-specific ones HTTP/2 forbids (RFC 9113 §8.2.2).
func headerFields(hdrs []http2.Header, head []byte) []http2.Header {
	for len(head) > 0 {
		line := head
		if i := bytes.Index(head, []byte("\r\n")); i >= 0 {
			line, head = head[:i], head[i+2:]
		} else {
			head = nil
		}
		if i := bytes.IndexByte(line, ':'); i > 0 {
			name := string(bytes.ToLower(line[:i]))
			if name == "connection" || name == "keep-alive" || name == "transfer-encoding" {
				continue
			}
			hdrs = append(hdrs, http2.Header{Name: name, Value: string(bytes.TrimSpace(line[i+1:]))})
		}
	}
	return hdrs
}

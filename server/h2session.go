package server

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/http2"
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
	mu      sync.Mutex // guards done, filled by Deliver from other threads
	done    []h2answer
	// files are file bodies being sent, by stream (h2files.go); buf is their read buffer.
	files map[uint32]*h2file
	buf   []byte
}

type h2stream struct {
	method, scheme, authority, path string
	headers                         []http2.Header
	body                            []byte
	parked                          bool
}

type h2answer struct {
	stream uint32
	result pybridge.Result
}

func h2Config(lim http1.Limits) http2.Config {
	return http2.Config{MaxHeaderListSize: uint32(lim.MaxHeaderBytes), MaxBodyBytes: lim.MaxBodyBytes}
}

func newH2Session(c *session) *h2session {
	return &h2session{c: c, streams: make(map[uint32]*h2stream), conn: http2.NewConn(h2Config(c.srv.opts.Limits))}
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
	conn, err := http2.NewConnFromUpgrade(h2Config(c.srv.opts.Limits), settings, head)
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

func (h *h2session) OnData(in, out []byte) ([]byte, transport.Action) {
	_ = h.conn.Feed(in) // a connection error leaves a GOAWAY in the output and Closed() true
	h.mu.Lock()
	done := h.done
	h.done = nil
	h.mu.Unlock()
	for _, a := range done {
		if st, ok := h.streams[a.stream]; ok {
			h.c.srv.inflight.Add(-1)
			h.writeResult(a.stream, st, &a.result)
		}
	}
	for {
		ev, ok := h.conn.NextEvent()
		if !ok {
			break
		}
		switch ev.Kind {
		case http2.EventRequestHeaders:
			st := &h2stream{method: ev.Method, scheme: ev.Scheme, authority: ev.Authority, path: ev.Path,
				headers: append([]http2.Header(nil), ev.Headers...)}
			h.streams[ev.Stream] = st
			if ev.EndStream {
				h.dispatch(ev.Stream, st)
			}
		case http2.EventRequestData:
			if st, ok := h.streams[ev.Stream]; ok {
				st.body = append(st.body, ev.Data...)
				h.conn.ConsumeData(ev.Stream, len(ev.Data))
				if ev.EndStream {
					h.dispatch(ev.Stream, st)
				}
			}
		case http2.EventRequestTrailers:
			if st, ok := h.streams[ev.Stream]; ok {
				h.dispatch(ev.Stream, st)
			}
		case http2.EventStreamReset:
			if st, ok := h.streams[ev.Stream]; ok && st.parked {
				h.c.srv.inflight.Add(-1)
			}
			delete(h.streams, ev.Stream)
			h.dropFile(ev.Stream)
		}
	}
	if len(h.files) > 0 {
		h.pumpFiles()
	}
	if p := h.conn.Pending(); len(p) > 0 {
		out = append(out, p...)
		h.conn.Consumed(len(p))
	}
	h.c.busy.Store(len(h.streams) > 0 || len(h.files) > 0)
	switch {
	case len(h.streams) > 0:
		h.c.deadline.Store(0)
	case len(h.files) > 0: // downloads keep their stall deadline (h2files.go)
	default:
		h.c.armIdle()
	}
	// Close on a connection error only. After the client's GOAWAY the client closes (RFC 9113
	// §6.8); closing first with its next frames unread would reset the connection instead of
	// answering them. An idle connection is cut by the keep-alive timeout.
	if h.conn.Err() != nil {
		return out, transport.CloseAfterWrite
	}
	return out, transport.Continue
}

// dispatch answers a complete request: from Go for 404/405/307, else from the handler.
func (h *h2session) dispatch(id uint32, st *h2stream) {
	srv := h.c.srv
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	rawPath, query := st.path, ""
	if i := bytes.IndexByte([]byte(st.path), '?'); i >= 0 {
		rawPath, query = st.path[:i], st.path[i+1:]
	}
	path := []byte(rawPath)
	if hasPercent(path) {
		sc.path = percentDecode(sc.path[:0], path)
		path = sc.path
	}
	sc.params.Reset()
	handle, res, allow, _ := srv.router.Lookup([]byte(st.method), path, &sc.params, sc.redirect[:0])
	if res == router.Found && srv.mounts != nil && srv.mounts[handle] != nil {
		h.serveStaticH2(id, st, srv.mounts[handle], &sc.params, rawPath, query)
		return
	}
	switch res {
	case router.NotFound:
		h.writeResult(id, st, &pybridge.Result{Status: 404, JSON: true, Body: notFoundBody})
		return
	case router.MethodNotAllowed:
		h.writeResult(id, st, &pybridge.Result{Status: 405, JSON: true, Body: methodNotAllowedBody,
			Head: []byte("allow: " + allow + "\r\n")})
		return
	case router.RedirectSlash:
		target := rawPath + "/"
		if len(rawPath) > 1 && rawPath[len(rawPath)-1] == '/' {
			target = rawPath[:len(rawPath)-1]
		}
		if query != "" {
			target += "?" + query
		}
		h.writeResult(id, st, &pybridge.Result{Status: 307,
			Head: []byte("location: " + st.scheme + "://" + st.authority + target + "\r\n")})
		return
	}
	if srv.overLimit() {
		h.writeResult(id, st, &pybridge.Result{Status: 503, Head: retryAfter, Body: serviceUnavailableBody})
		return
	}
	m := &sc.meta
	m.Reset()
	m.SetFieldString(pybridge.FieldMethod, st.method)
	m.SetField(pybridge.FieldPath, path)
	m.SetFieldString(pybridge.FieldRawPath, rawPath)
	m.SetFieldString(pybridge.FieldQuery, query)
	h.c.setConnFields(m, st.scheme, "2")
	// HTTP/2 carries the authority as a pseudo-header; the app reads it as Host (RFC 9113 §8.3.1).
	m.AddHeader([]byte("host"), []byte(st.authority))
	for _, hd := range st.headers {
		m.AddHeader([]byte(hd.Name), []byte(hd.Value))
	}
	addParams(m, &sc.params)
	srv.inflight.Add(1)
	r := srv.caller.Call(handle, h.c.token<<32|uint64(id), m.Bytes(), st.body)
	if r.Deferred {
		st.parked = true
		return
	}
	srv.inflight.Add(-1)
	h.writeResult(id, st, &r)
}

// writeResult sends a handler's answer on its stream. Header lines from the host are
// "name: value\r\n" with lower-case names, which HTTP/2 requires (RFC 9113 §8.2.1).
func (h *h2session) writeResult(id uint32, st *h2stream, r *pybridge.Result) {
	if r.File != "" {
		h.writeFileResult(id, st, r)
		return
	}
	delete(h.streams, id)
	hdrs := make([]http2.Header, 0, 4)
	if r.JSON {
		hdrs = append(hdrs, http2.Header{Name: "content-type", Value: "application/json"})
	}
	for head := r.Head; len(head) > 0; {
		line := head
		if i := bytes.Index(head, []byte("\r\n")); i >= 0 {
			line, head = head[:i], head[i+2:]
		} else {
			head = nil
		}
		if i := bytes.IndexByte(line, ':'); i > 0 {
			name := string(bytes.ToLower(line[:i]))
			if name == "connection" || name == "keep-alive" || name == "transfer-encoding" {
				continue // connection-specific fields are not allowed in HTTP/2 (RFC 9113 §8.2.2)
			}
			hdrs = append(hdrs, http2.Header{Name: name, Value: string(bytes.TrimSpace(line[i+1:]))})
		}
	}
	status := r.Status
	body := r.Body
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

package server

import (
	"bytes"
	"strconv"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/router"
)

// File responses over HTTP/2: the head goes out at once; the body is read in chunks and
// handed to the stream only once its flow-control queue is empty (RFC 9113 §5.2), so a peer
// that does not open its window costs one queued chunk per stream, and the file is never
// read whole into memory.

const (
	// h2FileChunk is how much is read from the file at a time.
	h2FileChunk = 64 << 10
)

// h2file is a file body still being sent on a stream.
type h2file struct {
	f    *openFile
	segs []fileSeg    // what is left to send, in order
	enc  *bodyEncoder // compresses the body (GZip middleware); nil: sent as it is
}

// writeFileResult answers a stream with the file a handler returned (FileResponse).
func (h *h2session) writeFileResult(id uint32, st *h2stream, r *pybridge.Result) {
	delete(h.streams, id)
	f, err := openRegular(r.File)
	if err != nil {
		h.c.srv.logError(fileOpenError(r.File, err))
		h.writeResult(id, st, &pybridge.Result{Status: 500, Head: plainType, Body: internalErrorBody})
		return
	}
	conds := condsFromH2(st)
	h.writeFilePlan(id, st, planFile(f, r.Status, r.Head, &conds, st.method == "HEAD"))
}

// serveStaticH2 answers a stream under a StaticFiles mount.
func (h *h2session) serveStaticH2(id uint32, st *h2stream, m *staticMount, params *router.Params, rawPath, query string) {
	delete(h.streams, id)
	rel, _ := params.Get(staticParam)
	a := m.answer([]byte(st.method), rel, len(rawPath) > 0 && rawPath[len(rawPath)-1] == '/')
	head := st.method == "HEAD"
	var status int
	var extra, body []byte
	switch a.kind {
	case staticFile:
		conds := condsFromH2(st)
		h.writeFilePlan(id, st, planFile(a.f, a.status, a.head, &conds, head))
		return
	case staticRedirect:
		target := rawPath + "/"
		if query != "" {
			target += "?" + query
		}
		status, extra = 307, []byte("location: "+st.scheme+"://"+st.authority+target+"\r\n")
	case staticNoMethod:
		status, extra, body = 405, staticAllow, staticNoMethodBody
	case staticNoAccess:
		status, extra, body = 401, jsonType, unauthorizedBody
	default:
		status, extra, body = 404, jsonType, notFoundBody
	}
	h.writeResult(id, st, &pybridge.Result{Status: status, Head: extra, Body: body})
}

// writeFilePlan sends a planned file response's head, and its body at once when small.
func (h *h2session) writeFilePlan(id uint32, st *h2stream, p filePlan) {
	var enc *bodyEncoder
	if x := st.mwx; x != nil {
		name := ""
		if p.f != nil {
			name = p.f.name
		}
		a, err := x.planFile(&p, st.method == "HEAD", true)
		switch {
		case err != nil:
			h.c.srv.logError("reading " + name + ": " + err.Error())
			st.mwx = nil
			h.writeResult(id, st, &pybridge.Result{Status: 500, Head: plainType, Body: internalErrorBody})
			return
		case a.whole:
			h.writeResult(id, st, &pybridge.Result{Status: p.status, Head: p.head, Body: a.body})
			return
		}
		st.mwx, enc = nil, a.enc
	}
	if p.f == nil {
		h.writeHead(id, p.status, p.head, p.length, true)
		return
	}
	h.writeHead(id, p.status, p.head, p.length, false)
	if h.files == nil {
		h.files = make(map[uint32]*h2file)
	}
	h.files[id] = &h2file{f: p.f, segs: p.segs, enc: enc}
	h.pumpFiles()
}

// writeHead sends a response head built from "name: value\r\n" lines.
func (h *h2session) writeHead(id uint32, status int, head []byte, length int64, end bool) {
	hdrs := make([]http2.Header, 0, 8)
	for line := range bytes.SplitSeq(head, []byte("\r\n")) {
		if name, value, ok := bytes.Cut(line, []byte(":")); ok && len(name) > 0 {
			hdrs = append(hdrs, http2.Header{Name: string(bytes.ToLower(name)), Value: string(bytes.TrimSpace(value))})
		}
	}
	if length >= 0 && http1.BodyAllowed(status) || status == 304 && length >= 0 {
		hdrs = append(hdrs, http2.Header{Name: "content-length", Value: strconv.FormatInt(length, 10)})
	}
	_ = h.conn.WriteHeaders(id, status, hdrs, end)
}

// pumpFiles reads more of each file body into its stream while the stream's queue is short
// and the connection's unsent output stays under writeWater.
func (h *h2session) pumpFiles() {
	for id, fb := range h.files {
		// Only into an empty queue: the Conn reuses a stream's queue from its start only once it
		// drained, so topping it up while it is still draining would grow it by the whole file.
		for len(fb.segs) > 0 && h.conn.Buffered(id) == 0 {
			if h.unsent() >= writeWater {
				if h.outbound() > 0 {
					h.c.retryLater() // the socket is full: look again once it had time to drain
				} else {
					h.c.info.Wake() // only this turn's output waits: go on once it is written
				}
				return
			}
			seg := &fb.segs[0]
			data := seg.lit
			if data == nil {
				if h.buf == nil {
					h.buf = make([]byte, h2FileChunk)
				}
				n := min(seg.n, int64(len(h.buf)))
				if err := fb.f.readAt(h.buf[:n], seg.off); err != nil {
					h.c.srv.logError("sending " + fb.f.name + ": " + err.Error())
					_ = h.conn.ResetStream(id, http2.ErrCodeInternal)
					h.dropFile(id)
					break
				}
				data = h.buf[:n]
				seg.off += n
				seg.n -= n
			}
			if seg.lit != nil || seg.n == 0 {
				fb.segs = fb.segs[1:]
			}
			if fb.enc != nil {
				if len(fb.segs) > 0 {
					data = fb.enc.chunk(data)
				} else {
					data = fb.enc.last(data)
					fb.enc = nil
				}
			}
			if _, err := h.conn.WriteData(id, data, len(fb.segs) == 0); err != nil {
				h.dropFile(id) // the stream is gone (reset by the peer)
				break
			}
			// Progress: a client that stops opening its window is cut after fileStall.
			h.c.deadline.Store(time.Now().Add(fileStall).UnixNano())
		}
		if fb, ok := h.files[id]; ok && len(fb.segs) == 0 {
			h.dropFile(id)
		}
	}
}

// unsent is what the connection holds that the socket has not taken yet.
func (h *h2session) unsent() int {
	return len(h.conn.Pending()) + h.outbound()
}

// dropFile forgets a stream's file body and closes the file.
func (h *h2session) dropFile(id uint32) {
	if fb, ok := h.files[id]; ok {
		fb.f.close()
		if fb.enc != nil {
			fb.enc.release()
		}
		delete(h.files, id)
	}
}

// closeFiles closes every file body; the connection is gone.
func (h *h2session) closeFiles() {
	for id := range h.files {
		h.dropFile(id)
	}
}

// condsFromH2 copies a stream's precondition and range fields (HTTP/2 names are lower case).
func condsFromH2(st *h2stream) condHeaders {
	h := condHeaders{getOrHead: st.method == "GET" || st.method == "HEAD"}
	for _, hd := range st.headers {
		if isCondName([]byte(hd.Name)) {
			h.set(hd.Name, []byte(hd.Value))
		}
	}
	return h
}

package server

import (
	"strconv"
	"strings"

	"github.com/fasterapi/fasterapi/protocols/form"
	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/router"
)

// Uploads: a multipart body sent to a form route is parsed as it arrives instead of being
// received whole, so its file parts reach their temporary files while the client still
// sends and a connection holds a few read buffers of it, whatever its size. Such a body is
// bounded by Options.MaxUploadBytes instead of --max-body-size, which still bounds what
// the form keeps in memory (its fields and small files) and every other body.
//
// The temporary files are written on the event loop, synchronously: a write of one read
// buffer (64 KiB) to a file lands in the page cache in tens of microseconds, and while it
// runs the loop reads nothing more, so the client is held back by TCP (HTTP/1.1) or by the
// window that is reopened only after the write (HTTP/2) whenever the disk is slower than the
// network. Handing the writes to another goroutine would need the same brake and a copy.

// streamsUpload reports whether a request's body is streamed into a form: a multipart body
// sent to a route whose handler takes form parameters.
func (s *Server) streamsUpload(method, path, contentType []byte) bool {
	if s.formRoutes == nil || form.KindOf(contentType) != form.Multipart {
		return false
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	if hasPercent(path) {
		sc.path = percentDecode(sc.path[:0], path)
		path = sc.path
	}
	sc.params.Reset()
	handle, res, _, _ := s.router.Lookup(method, path, &sc.params, sc.redirect[:0])
	return res == router.Found && s.formRoutes[handle] && (s.mounts == nil || s.mounts[handle] == nil)
}

// newUpload starts the form of a streamed body; it fails when the Content-Type has no
// usable boundary (the body is then received whole and refused as usual).
func (s *Server) newUpload(contentType []byte) (*formCollector, error) {
	c, err := newFormCollector(contentType)
	if err != nil {
		return nil, err
	}
	c.memoryLimit = max(s.opts.Limits.MaxBodyBytes, spoolThreshold)
	return c, nil
}

// uploadTooLarge is the answer to an upload over Options.MaxUploadBytes.
func (s *Server) uploadTooLarge() *pybridge.Result {
	msg := "request body exceeds " + strconv.FormatInt(s.opts.MaxUploadBytes, 10) + " bytes"
	return &pybridge.Result{Status: 413, JSON: true, Body: detailJSON(msg)}
}

// startUpload streams the body of the request whose head Parse paused at, when it is an
// upload (streamsUpload). It returns the length of the head in data, 0 when the body is
// read whole as usual; refused means the answer is in out and the connection closes.
func (c *session) startUpload(data, out []byte) (n int, _ []byte, refused bool) {
	req := &c.req
	contentType := http1ContentType(req)
	if req.Upgrade != nil || !c.srv.streamsUpload(req.Method, req.Path, contentType) {
		return 0, out, false
	}
	fc, err := c.srv.newUpload(contentType)
	if err != nil {
		return 0, out, false
	}
	n, err = c.parser.StreamBody(data, req, c.srv.opts.MaxUploadBytes)
	if err != nil {
		return 0, c.refuseBody(out, err), true
	}
	c.form = fc
	if req.ExpectContinue && !c.sentContinue {
		out = append(out, http1.ContinueResponse...)
		c.sentContinue = true
	}
	return n, out, false
}

// readUpload passes the streamed body bytes in data to the form. It returns how many it
// consumed and whether the body ended (the form is complete then); refused means the
// answer is in out, the temporary files are gone and the connection closes.
func (c *session) readUpload(data, out []byte) (n int, ended bool, _ []byte, refused bool) {
	for {
		piece, k, done, err := c.parser.ReadBody(data[n:])
		if err != nil {
			return n, false, c.refuseBody(out, err), true
		}
		n += k
		if len(piece) > 0 {
			if err := c.form.feed(piece); err != nil {
				return n, false, c.refuseForm(out, err), true
			}
		}
		if done {
			if _, err := c.form.finish(); err != nil {
				return n, false, c.refuseForm(out, err), true
			}
			return n, true, out, false
		}
		if piece == nil {
			return n, false, out, false
		}
	}
}

// refuseBody answers a request the HTTP/1.1 parser refused (its Status, e.g. 413 past the
// upload limit, 400 for broken chunked framing) and drops an upload's form.
func (c *session) refuseBody(out []byte, err error) []byte {
	c.endForm()
	perr, ok := err.(*http1.Error)
	if !ok {
		perr = &http1.Error{Status: 400, Reason: err.Error()}
	}
	return http1.AppendErrorResponse(out, perr, serverHeader, *c.srv.date.Load())
}

// refuseForm answers a form that could not be taken (see formRefusal) and drops it.
func (c *session) refuseForm(out []byte, err error) []byte {
	c.endForm()
	return c.respondResult(out, c.srv.formRefusal(err), false, false)
}

// takeUpload decides, from the head of a stream whose body follows, whether the body is an
// upload streamed into st.form. Any other body gets --max-body-size, which h2Config lifts
// from the core for apps with form routes so that uploads can pass it.
func (h *h2session) takeUpload(id uint32, st *h2stream, ev *http2.Event) bool {
	srv := h.c.srv
	if ev.Method != "CONNECT" {
		rawPath, _, _ := strings.Cut(ev.Path, "?")
		contentType := h2ContentType(ev.Headers)
		if srv.streamsUpload([]byte(ev.Method), []byte(rawPath), contentType) {
			if fc, err := srv.newUpload(contentType); err == nil {
				st.form, st.upload = fc, true
				return true
			}
		}
	}
	h.conn.LimitBody(id, srv.opts.Limits.MaxBodyBytes)
	return false
}

// checkDeclaredUpload refuses an upload whose content-length passes MaxUploadBytes before
// its body comes.
func (h *h2session) checkDeclaredUpload(id uint32, st *h2stream) {
	limit := h.c.srv.opts.MaxUploadBytes
	for _, hd := range st.headers {
		if hd.Name == "content-length" {
			if n, err := strconv.ParseInt(hd.Value, 10, 64); err == nil && limit > 0 && n > limit {
				h.refuseUpload(id, st, h.c.srv.uploadTooLarge())
			}
			return
		}
	}
}

// uploadData passes a piece of an upload's body to its form, then gives the bytes back to
// the client's flow-control windows: they are in the form or its file now.
func (h *h2session) uploadData(id uint32, st *h2stream, data []byte) {
	st.received += int64(len(data))
	if limit := h.c.srv.opts.MaxUploadBytes; limit > 0 && st.received > limit {
		h.refuseUpload(id, st, h.c.srv.uploadTooLarge())
		return
	}
	if err := st.form.feed(data); err != nil {
		h.refuseUpload(id, st, h.c.srv.formRefusal(err))
		return
	}
	h.conn.ConsumeData(id, len(data))
}

// uploadEnded completes the form of a stream whose body ended; false when it was refused.
func (h *h2session) uploadEnded(id uint32, st *h2stream) bool {
	if !st.upload {
		return true
	}
	st.upload = false
	if _, err := st.form.finish(); err != nil {
		h.refuseUpload(id, st, h.c.srv.formRefusal(err))
		return false
	}
	return true
}

// refuseUpload answers an upload that cannot be taken, drops its form and resets the
// stream so that the client stops sending (RFC 9113 §8.1).
func (h *h2session) refuseUpload(id uint32, st *h2stream, r *pybridge.Result) {
	st.endForm()
	st.upload = false
	h.endUpload(id)
	h.writeResult(id, st, r)
	_ = h.conn.ResetStream(id, http2.ErrCodeNo)
}

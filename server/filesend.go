package server

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/transport"
)

// File bodies over HTTP/1.1. A small body is read straight into the response; a larger one
// is sent over the following event-loop turns: with sendfile(2) from the file to the socket
// when the transport holds no unsent bytes (so the head and earlier responses are out and
// ordering is kept), else read in chunks under the same write budget as streamed responses.
// Python is not entered, and memory per download stays bounded by writeWater.

const (
	// fileInline is the largest body read into the response buffer at once.
	fileInline = 64 << 10
	// fileTurn bounds the bytes one connection sends per event-loop turn, so a download does
	// not starve the loop's other connections.
	fileTurn = 4 << 20
	// fileStall is how long a download may make no progress (the client stopped reading)
	// before the connection is cut, releasing the file and the socket.
	fileStall = 60 * time.Second
)

// fileBody is an HTTP/1.1 response body still being sent from a file.
type fileBody struct {
	f    *openFile
	segs []fileSeg // what is left to send, in order
	keep bool
	// enc compresses the body (GZip middleware), which then goes out chunked, read through
	// buf instead of by sendfile.
	enc *bodyEncoder
	buf []byte
}

var (
	plainType         = []byte("content-type: text/plain; charset=utf-8\r\n")
	internalErrorBody = []byte("Internal Server Error")
	errFileShrank     = errors.New("the file became shorter while it was sent")
)

// respondFile answers with the file a handler returned (FileResponse). A file that cannot be
// opened is the handler's error: logged with its path, answered 500 as Starlette does.
func (c *session) respondFile(out []byte, r *pybridge.Result, keepAlive, head bool) []byte {
	var conds condHeaders
	if c.parkedCondsSet { // the request was parked: its fields were saved
		conds = c.parkedConds
	} else {
		conds = condsFromHTTP1(&c.req)
	}
	c.parkedCondsSet = false
	f, err := openRegular(r.File)
	if err != nil {
		c.srv.logError(fileOpenError(r.File, err))
		return c.respond(out, 500, plainType, internalErrorBody, keepAlive, head)
	}
	return c.writeFilePlan(out, planFile(f, r.Status, r.Head, &conds, head), keepAlive, head)
}

// writeFilePlan appends the head of a planned file response and starts its body.
func (c *session) writeFilePlan(out []byte, p filePlan, keepAlive, head bool) []byte {
	var enc *bodyEncoder
	if x := c.mwx; x != nil {
		c.mwx = nil
		var done bool
		if out, enc, done = c.fileMiddleware(out, x, &p, keepAlive, head); done {
			return out
		}
	}
	extra := p.head
	if keepAlive && c.req.ProtoMinor == 0 {
		extra = append(extra, keepAliveHeader...)
	}
	out = http1.AppendResponseHead(out, p.status, serverHeader, *c.srv.date.Load(), p.length, keepAlive, extra)
	if p.f == nil || head {
		p.close()
		return out
	}
	if enc != nil {
		c.file = &fileBody{f: p.f, segs: p.segs, keep: keepAlive, enc: enc}
		c.busy.Store(true)
		c.deadline.Store(time.Now().Add(fileStall).UnixNano())
		c.info.Wake()
		return out
	}
	if p.length <= fileInline {
		start := len(out)
		out, err := p.appendBody(out)
		name := p.f.name
		p.close()
		if err != nil {
			// The head promised p.length bytes: the connection must end short (RFC 9112 §8).
			c.srv.logError("reading " + name + ": " + err.Error())
			c.file = &fileBody{keep: false}
			c.info.Wake()
			return out[:start]
		}
		return out
	}
	c.file = &fileBody{f: p.f, segs: p.segs, keep: keepAlive}
	c.busy.Store(true)
	c.deadline.Store(time.Now().Add(fileStall).UnixNano())
	c.info.Wake() // the next turn finds the head written and the socket free for sendfile
	return out
}

// continueFile sends more of the file body on a turn of the event loop. Bytes that arrive
// meanwhile (pipelined requests) wait in pending. It reports whether the connection is still
// busy with the file; when not, OnData goes on with pending requests.
func (c *session) continueFile(in, out []byte) ([]byte, transport.Action, bool) {
	if out, action := c.holdInput(in, out); action != transport.Continue {
		return out, action, true
	}
	fb := c.file
	if fb.f != nil {
		var err error
		if out, err = c.pumpFile(out, fb); err != nil {
			c.srv.logError("sending " + fb.f.name + ": " + err.Error())
			c.closeFile()
			return out, transport.CloseAfterWrite, true
		}
		if len(fb.segs) > 0 {
			return out, transport.Continue, true
		}
	}
	c.closeFile()
	if !fb.keep {
		c.pending = nil
		return out, transport.CloseAfterWrite, true
	}
	return out, transport.Continue, false
}

// holdInput keeps bytes that arrive while a file body is sent, up to one maximal request
// more; a client that sends beyond that is not waiting for answers and is cut.
func (c *session) holdInput(in, out []byte) ([]byte, transport.Action) {
	if len(in) == 0 {
		return out, transport.Continue
	}
	if len(c.pending)+len(in) > c.srv.maxPipelined() {
		c.closeFile()
		c.pending = nil
		return out, transport.CloseAfterWrite
	}
	c.pending = append(c.pending, in...)
	return out, transport.Continue
}

// pumpFile moves the body towards the socket, at most fileTurn bytes of file with sendfile
// or writeWater bytes through out, and arranges the next turn: at once if only this turn's
// output was in the way, after a pause if the socket was full.
func (c *session) pumpFile(out []byte, fb *fileBody) ([]byte, error) {
	for len(fb.segs) > 0 {
		seg := &fb.segs[0]
		buffered := c.outbound()
		switch {
		case seg.lit != nil && buffered+len(out) < writeWater:
			out = append(out, seg.lit...)
			fb.segs = fb.segs[1:]
		case seg.lit == nil && fb.enc != nil && buffered+len(out) < writeWater:
			if err := c.pumpEncoded(fb, seg); err != nil {
				return out, err
			}
			out = http1.AppendChunk(out, fb.buf)
			if len(fb.segs) == 0 {
				out = http1.AppendLastChunk(http1.AppendChunk(out, fb.enc.finish()))
				fb.enc = nil
			}
		case seg.lit == nil && fb.enc == nil && len(out) == 0 && buffered == 0 && c.info.Fd != nil:
			sent, err := sendFile(c.info.Fd(), fb.f.fd, seg, fileTurn)
			if err != nil {
				return out, err
			}
			if sent > 0 {
				c.deadline.Store(time.Now().Add(fileStall).UnixNano())
			}
			if seg.n > 0 {
				if sent < fileTurn {
					c.retryLater() // the socket is full: look again once it had time to drain
				} else {
					c.info.Wake()
				}
				return out, nil
			}
			fb.segs = fb.segs[1:]
		case seg.lit == nil && buffered+len(out) < writeWater:
			n := min(seg.n, int64(writeWater-buffered-len(out)))
			start := len(out)
			out = append(out, make([]byte, n)...)
			if err := fb.f.readAt(out[start:], seg.off); err != nil {
				return out[:start], err
			}
			seg.off += n
			seg.n -= n
			c.deadline.Store(time.Now().Add(fileStall).UnixNano())
			if seg.n == 0 {
				fb.segs = fb.segs[1:]
			}
		default:
			if buffered > 0 {
				c.retryLater()
			} else {
				c.info.Wake() // only this turn's output waits: go on once it is written
			}
			return out, nil
		}
	}
	return out, nil
}

// sendFile copies up to limit bytes of seg from the file src to the socket with sendfile(2)
// until the socket would block; it returns how many it sent.
func sendFile(sock, src int, seg *fileSeg, limit int64) (int64, error) {
	var sent int64
	for seg.n > 0 && sent < limit {
		n, err := unix.Sendfile(sock, src, &seg.off, int(min(seg.n, limit-sent)))
		if n > 0 {
			seg.n -= int64(n)
			sent += int64(n)
		}
		switch {
		case errors.Is(err, unix.EAGAIN):
			return sent, nil
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return sent, err
		case n == 0:
			return sent, errFileShrank
		}
	}
	return sent, nil
}

// pumpEncoded reads the next piece of seg and leaves it compressed in fb.buf.
func (c *session) pumpEncoded(fb *fileBody, seg *fileSeg) error {
	n := min(seg.n, fileChunk)
	if cap(fb.buf) < fileChunk {
		fb.buf = make([]byte, fileChunk)
	}
	raw := fb.buf[:n]
	if err := fb.f.readAt(raw, seg.off); err != nil {
		return err
	}
	seg.off += n
	seg.n -= n
	if seg.n == 0 {
		fb.segs = fb.segs[1:]
	}
	c.deadline.Store(time.Now().Add(fileStall).UnixNano())
	fb.buf = append(fb.buf[:0], fb.enc.chunk(raw)...)
	return nil
}

// closeFile drops the file body, if any.
func (c *session) closeFile() {
	if c.file != nil {
		c.file.f.close()
		if c.file.enc != nil {
			c.file.enc.release()
		}
	}
	c.file = nil
}

// condsFromHTTP1 copies the request's precondition and range fields.
func condsFromHTTP1(req *http1.Request) condHeaders {
	var h condHeaders
	m := req.Method
	h.getOrHead = string(m) == "GET" || string(m) == "HEAD"
	for i := range req.Headers {
		if name := req.Headers[i].Name; isCondName(name) {
			h.set(lowerASCII(name), req.Headers[i].Value)
		}
	}
	return h
}

func lowerASCII(b []byte) string {
	s := []byte(string(b))
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			s[i] = c + 32
		}
	}
	return string(s)
}

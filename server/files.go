package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"strconv"

	"github.com/fasterapi/fasterapi/protocols/http1"
)

// A file response (FileResponse, or a file of a StaticFiles mount) is planned here the same
// way for HTTP/1.1 and HTTP/2: the file is opened and stat'ed, validators are made, the
// request's preconditions and Range are evaluated, and what remains is a status, header lines
// and a list of segments (byte intervals of the open file, and the part heads of a
// multipart/byteranges body) that the protocol sends without loading the file whole.

// filePlan is a file response ready to send.
type filePlan struct {
	status int
	// head holds the header lines ("name: value\r\n"), content-length excepted.
	head []byte
	// length is the content-length to announce; -1 for none (304).
	length int64
	// f and segs: the body, in order. f is nil when there is no body to send (HEAD, 304,
	// 412, 416, an empty file); then it is already closed.
	f    *openFile
	segs []fileSeg
}

// fileSeg is a piece of a file body: literal bytes (a multipart/byteranges part head), or
// n bytes of the file from off.
type fileSeg struct {
	lit []byte
	off int64
	n   int64
}

// close releases the plan's file.
func (p *filePlan) close() {
	p.f.close()
	p.f = nil
}

// errNotRegular is the error of a path that exists but is not a regular file.
var errNotRegular = errors.New("is not a file")

// openRegular opens path for reading and checks that it is a regular file.
func openRegular(path string) (*openFile, error) {
	f, err := openPath(path)
	if err != nil {
		return nil, err
	}
	if !f.regular {
		f.close()
		return nil, errNotRegular
	}
	return f, nil
}

// fileOpenError words a FileResponse failure as Starlette does ("File at path ... does not
// exist."), for the server log.
func fileOpenError(path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "File at path " + path + " does not exist."
	case errors.Is(err, errNotRegular):
		return "File at path " + path + " is not a file."
	}
	return "File at path " + path + " cannot be read: " + err.Error()
}

// notModifiedKeep lists the fields a 304 repeats from the 200 it stands for, as Starlette's
// NotModifiedResponse does (RFC 9110 §15.4.5 requires those that would have been sent).
var notModifiedKeep = [...]string{"cache-control", "content-location", "date", "etag", "expires", "vary"}

// planFile decides the answer for an open regular file. status and userHead are the
// response's own (FileResponse arguments, or 200 and the guessed content-type for a static
// file); validators the user set in userHead are used instead of the file's. head reports a
// HEAD request, whose answer has the GET's fields and no body (RFC 9110 §9.3.2). planFile
// owns f from then on: it is closed now when there is nothing to send.
func planFile(f *openFile, status int, userHead []byte, conds *condHeaders, head bool) filePlan {
	size := f.size
	mod := f.mod
	etag, userETag := headerValue(userHead, "etag")
	lastModified, userLM := headerValue(userHead, "last-modified")
	h := append([]byte(nil), userHead...)
	if !userLM {
		lastModified = string(http1.AppendDate(nil, mod))
		h = appendField(h, "last-modified", lastModified)
	} else if t, ok := parseHTTPDate(lastModified); ok {
		mod = t
	}
	if !userETag {
		etag = fileETag(mod, size)
		h = appendField(h, "etag", etag)
	}
	p := filePlan{status: status, f: f, segs: []fileSeg{{off: 0, n: size}}, length: size}
	ranged := status == 200 // Starlette honours Range only for 200 responses
	if _, ok := headerValue(userHead, "accept-ranges"); !ok {
		h = appendField(h, "accept-ranges", "bytes")
	}
	if status == 200 {
		switch conds.evaluate(etag, mod) {
		case precondNotModified:
			p.status, p.head, p.length = 304, keepFields(h), -1
			p.close()
			return p
		case precondFailed:
			p.status, p.head, p.length = 412, nil, 0
			p.close()
			return p
		}
	}
	if ranged && conds.rangeApplies(etag, lastModified) {
		var found [2]byteRange
		switch kind, rs := parseRange(conds.rangeSpec, size, found[:0]); kind {
		case rangeSingle:
			r := rs[0]
			p.status, p.segs[0], p.length = 206, fileSeg{off: r.start, n: r.end - r.start}, r.end-r.start
			h = appendContentRange(append(h, "content-range: "...), r, size)
			h = append(h, "\r\n"...)
		case rangeMulti:
			h = p.multipart(h, rs, size)
		case rangeUnsatisfiable:
			p.status, p.length = 416, 0
			p.head = append([]byte("content-range: bytes */"), strconv.FormatInt(size, 10)...)
			p.head = append(p.head, "\r\ncontent-type: text/plain; charset=utf-8\r\n"...)
			p.close()
			return p
		}
	}
	p.head = h
	if head || p.length == 0 || !http1.BodyAllowed(p.status) {
		p.close()
	}
	return p
}

// multipart makes the plan a 206 multipart/byteranges answer (RFC 9110 §14.6) in Starlette's
// layout: each part is "--boundary", its content-type and content-range, an empty line, the
// bytes and CRLF; "--boundary--" ends the body. It returns the head with the content-type
// replaced by the multipart one.
func (p *filePlan) multipart(h []byte, rs []byteRange, size int64) []byte {
	partType, _ := headerValue(h, "content-type")
	var nonce [13]byte
	_, _ = rand.Read(nonce[:])
	boundary := hex.EncodeToString(nonce[:])
	p.status, p.segs, p.length = 206, p.segs[:0], 0
	for _, r := range rs {
		lit := []byte("--" + boundary + "\r\nContent-Type: " + partType + "\r\nContent-Range: ")
		lit = append(appendContentRange(lit, r, size), "\r\n\r\n"...)
		if len(p.segs) > 0 {
			lit = append([]byte("\r\n"), lit...) // the CRLF that ends the previous part
		}
		p.segs = append(p.segs, fileSeg{lit: lit}, fileSeg{off: r.start, n: r.end - r.start})
		p.length += int64(len(lit)) + r.end - r.start
	}
	closing := []byte("\r\n--" + boundary + "--")
	p.segs = append(p.segs, fileSeg{lit: closing})
	p.length += int64(len(closing))
	var out []byte
	for line := range bytes.SplitAfterSeq(h, []byte("\r\n")) {
		if name, _, ok := bytes.Cut(line, []byte(":")); ok && !http1.EqualFold(name, "content-type") {
			out = append(out, line...)
		}
	}
	return appendField(out, "content-type", "multipart/byteranges; boundary="+boundary)
}

// appendContentRange appends "bytes first-last/size" (RFC 9110 §14.4).
func appendContentRange(b []byte, r byteRange, size int64) []byte {
	b = append(b, "bytes "...)
	b = strconv.AppendInt(b, r.start, 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, r.end-1, 10)
	b = append(b, '/')
	return strconv.AppendInt(b, size, 10)
}

// keepFields filters the fields of a full answer down to those a 304 carries.
func keepFields(all []byte) []byte {
	var out []byte
	for line := range bytes.SplitAfterSeq(all, []byte("\r\n")) {
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		for _, keep := range notModifiedKeep {
			if http1.EqualFold(name, keep) {
				out = append(out, line...)
				break
			}
		}
	}
	return out
}

// headerValue finds the first "name: value" line of head (names are compared without case).
func headerValue(head []byte, name string) (string, bool) {
	for len(head) > 0 {
		line := head
		if i := bytes.Index(head, []byte("\r\n")); i >= 0 {
			line, head = head[:i], head[i+2:]
		} else {
			head = nil
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && http1.EqualFold(k, name) {
			return string(bytes.TrimSpace(v)), true
		}
	}
	return "", false
}

func appendField(h []byte, name, value string) []byte {
	h = append(h, name...)
	h = append(h, ": "...)
	h = append(h, value...)
	return append(h, "\r\n"...)
}

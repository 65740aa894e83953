package server

import (
	"bytes"
	"errors"
	"io/fs"
	"strconv"

	"github.com/fasterapi/fasterapi/protocols/http1"
)

// A file response (FileResponse, or a file of a StaticFiles mount) is planned here the same
// way for HTTP/1.1 and HTTP/2: the file is opened and stat'ed, validators are made, the
// request's preconditions and Range are evaluated, and what remains is a status, header lines
// and a byte interval of the open file that the protocol sends without loading it whole.

// filePlan is a file response ready to send.
type filePlan struct {
	status int
	// head holds the header lines ("name: value\r\n"), content-length excepted.
	head []byte
	// length is the content-length to announce; -1 for none (304).
	length int64
	// f, off and n: the body is n bytes of f from off. f is nil when there is no body to
	// send (HEAD, 304, 412, 416, an empty file); then it is already closed.
	f   *openFile
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
	p := filePlan{status: status, f: f, n: size, length: size}
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
		switch kind, start, end := parseRange(conds.rangeSpec, size); kind {
		case rangeSingle:
			p.status, p.off, p.n, p.length = 206, start, end-start, end-start
			h = append(h, "content-range: bytes "...)
			h = strconv.AppendInt(h, start, 10)
			h = append(h, '-')
			h = strconv.AppendInt(h, end-1, 10)
			h = append(h, '/')
			h = strconv.AppendInt(h, size, 10)
			h = append(h, "\r\n"...)
		case rangeUnsatisfiable:
			p.status, p.length = 416, 0
			p.head = append([]byte("content-range: bytes */"), strconv.FormatInt(size, 10)...)
			p.head = append(p.head, "\r\ncontent-type: text/plain; charset=utf-8\r\n"...)
			p.close()
			return p
		}
	}
	p.head = h
	if head || p.n == 0 || !http1.BodyAllowed(p.status) {
		p.close()
	}
	return p
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

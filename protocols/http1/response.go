package http1

import "strconv"

// ContinueResponse is the interim response a server sends when a request
// with "Expect: 100-continue" may proceed (RFC 9110 §10.1.1, §15.2.1).
// Callers must not modify it.
var ContinueResponse = []byte("HTTP/1.1 100 Continue\r\n\r\n")

// AppendResponseHead appends a complete response head (RFC 9112 §4, §6):
// the status line; "server" and "date" lines unless the given value is empty
// (date comes pre-formatted, see AppendDate, because the core has no clock);
// "content-length: N" when contentLength >= 0, else
// "transfer-encoding: chunked"; "connection: close" when !keepAlive; then
// extra, which must be complete "name: value\r\n" lines; then the empty line.
//
// No framing field is written for 1xx and 204, which must not carry one
// (RFC 9110 §8.6, RFC 9112 §6.1); for 304 content-length is written only when
// given, since chunked framing would announce a body that cannot follow.
// Chunked framing is understood only by HTTP/1.1 clients; for HTTP/1.0 pass
// a length. Values are written verbatim: they must not contain CR or LF.
func AppendResponseHead(dst []byte, status int, server, date []byte, contentLength int64, keepAlive bool, extra []byte) []byte {
	status = validStatus(status)
	dst = AppendStatusLine(dst, status)
	if len(server) > 0 {
		dst = append(dst, "server: "...)
		dst = append(dst, server...)
		dst = append(dst, "\r\n"...)
	}
	if len(date) > 0 {
		dst = append(dst, "date: "...)
		dst = append(dst, date...)
		dst = append(dst, "\r\n"...)
	}
	switch {
	case status < 200 || status == 204:
	case contentLength >= 0:
		dst = append(dst, "content-length: "...)
		dst = strconv.AppendInt(dst, contentLength, 10)
		dst = append(dst, "\r\n"...)
	case status == 304:
	default:
		dst = append(dst, "transfer-encoding: chunked\r\n"...)
	}
	if !keepAlive {
		dst = append(dst, "connection: close\r\n"...)
	}
	dst = append(dst, extra...)
	return append(dst, "\r\n"...)
}

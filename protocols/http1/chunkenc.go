package http1

import "strconv"

// AppendChunk appends data as one chunk of a chunked body (RFC 9112 §7.1):
// hex size, CRLF, data, CRLF. Empty data appends nothing, because a
// zero-size chunk would end the body.
func AppendChunk(dst, data []byte) []byte {
	if len(data) == 0 {
		return dst
	}
	dst = strconv.AppendUint(dst, uint64(len(data)), 16)
	dst = append(dst, "\r\n"...)
	dst = append(dst, data...)
	return append(dst, "\r\n"...)
}

// AppendLastChunk appends the last-chunk and the empty trailer section that
// end a chunked body: "0\r\n\r\n" (RFC 9112 §7.1).
func AppendLastChunk(dst []byte) []byte {
	return append(dst, "0\r\n\r\n"...)
}

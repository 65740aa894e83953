package http1

import "unicode/utf8"

var jsonContentType = []byte("content-type: application/json\r\n")

// AppendErrorResponse appends a complete response for a parse error: status
// e.Status, "connection: close" (the framing of the rest of the stream is
// unknown after a protocol error) and the JSON body {"detail":"<Reason>"},
// the shape FastAPI uses for errors. A nil e is answered as 500.
func AppendErrorResponse(dst []byte, e *Error, server, date []byte) []byte {
	status, reason := 500, "internal server error"
	if e != nil {
		status, reason = e.Status, e.Reason
	}
	if !BodyAllowed(status) {
		return AppendResponseHead(dst, status, server, date, 0, false, nil)
	}
	const prefix, suffix = `{"detail":"`, `"}`
	n := len(prefix) + jsonStringLen(reason) + len(suffix)
	dst = AppendResponseHead(dst, status, server, date, int64(n), false, jsonContentType)
	dst = append(dst, prefix...)
	dst = appendJSONString(dst, reason)
	return append(dst, suffix...)
}

// jsonEscape returns the escape for r inside a JSON string (RFC 8259 §7), or
// "" when r is copied as is. Invalid UTF-8 arrives as utf8.RuneError and
// becomes an escaped U+FFFD so the body is always valid JSON.
func jsonEscape(r rune) string {
	switch r {
	case '"':
		return `\"`
	case '\\':
		return `\\`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	case utf8.RuneError:
		return `\ufffd`
	}
	if r < 0x20 {
		return controlEscapes[r*6 : r*6+6]
	}
	return ""
}

// controlEscapes holds "\u0000" through "\u001f" back to back so escaping a
// control character is a substring, not an allocation.
var controlEscapes = func() string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 32*6)
	for c := range 32 {
		b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
	}
	return string(b)
}()

// jsonStringLen is the length appendJSONString will produce; the body
// length must be known before the head is written.
func jsonStringLen(s string) int {
	n := 0
	for _, r := range s {
		if esc := jsonEscape(r); esc != "" {
			n += len(esc)
		} else {
			n += utf8.RuneLen(r)
		}
	}
	return n
}

func appendJSONString(dst []byte, s string) []byte {
	for i, r := range s {
		if esc := jsonEscape(r); esc != "" {
			dst = append(dst, esc...)
		} else {
			dst = append(dst, s[i:i+utf8.RuneLen(r)]...)
		}
	}
	return dst
}

package websocket

import "github.com/fasterapi/fasterapi/protocols/http1"

// Helpers for the header field grammar the handshake uses (RFC 9110 §5.5,
// §5.6). protocols/http1 has its own unexported copies; these stay here so
// the packages do not depend on each other's internals.

// isTchar reports whether c is a tchar (RFC 9110 §5.6.2).
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !isTchar(c) {
			return false
		}
	}
	return true
}

func isOWS(c byte) bool { return c == ' ' || c == '\t' }

func trimOWS(b []byte) []byte {
	for len(b) > 0 && isOWS(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isOWS(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func equalFoldString(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// nextElement splits the first element off a comma-separated list
// (RFC 9110 §5.6.1) and returns it OWS-trimmed; ok is false once the list
// is exhausted. Empty elements are returned as empty slices, and callers
// skip them, as §5.6.1 asks of recipients.
func nextElement(list []byte) (elem, rest []byte, ok bool) {
	if list == nil {
		return nil, nil, false
	}
	for i, c := range list {
		if c == ',' {
			return trimOWS(list[:i]), list[i+1:], true
		}
	}
	return trimOWS(list), nil, true
}

// containsToken reports whether the comma-separated list v has an element
// equal to lower, case-insensitively.
func containsToken(v []byte, lower string) bool {
	for e, rest, ok := nextElement(v); ok; e, rest, ok = nextElement(rest) {
		if http1.EqualFold(e, lower) {
			return true
		}
	}
	return false
}

// indexUnquoted returns the index of the first sep in s that is not inside
// a quoted-string (RFC 9110 §5.6.4), or len(s).
func indexUnquoted(s []byte, sep byte) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == sep:
			return i
		}
	}
	return len(s)
}

// validFieldValue reports whether s may be written as a field value:
// no CR, LF or NUL, which could split or end the header section
// (RFC 9110 §5.5).
func validFieldValue(s string) bool {
	for i := range len(s) {
		if c := s[i]; c == '\r' || c == '\n' || c == 0 {
			return false
		}
	}
	return true
}

func isTokenString(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

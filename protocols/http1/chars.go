package http1

import "strings"

// Character classes live in one table so validating a byte on the hot path
// costs a single load rather than a chain of comparisons.
const (
	classToken  uint8 = 1 << iota // tchar (RFC 9110 §5.6.2)
	classValue                    // field-vchar / SP / HTAB (RFC 9110 §5.5)
	classTarget                   // request-target bytes: anything but controls, SP and DEL
	classHost                     // uri-host / port characters (RFC 3986 §3.2.2, §3.2.3)
	classHex                      // HEXDIG, for chunk-size (RFC 9112 §7.1)
)

var charClass = func() (t [256]uint8) {
	for c := range 256 {
		b := byte(c)
		alnum := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
		if alnum || strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0 {
			t[c] |= classToken
		}
		// obs-text (0x80-0xFF) is allowed in values for compatibility,
		// RFC 9110 §5.5; it is also tolerated in targets because raw UTF-8
		// paths are common in practice and carry no framing risk.
		if b == ' ' || b == '\t' || b > 0x20 && b != 0x7f {
			t[c] |= classValue
		}
		if b > 0x20 && b != 0x7f {
			t[c] |= classTarget
		}
		if alnum || strings.IndexByte("-._~!$&'()*+,;=%:[]", b) >= 0 {
			t[c] |= classHost
		}
		if '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F' {
			t[c] |= classHex
		}
	}
	return t
}()

func allIn(b []byte, class uint8) bool {
	for _, c := range b {
		if charClass[c]&class == 0 {
			return false
		}
	}
	return true
}

func isOWS(c byte) bool { return c == ' ' || c == '\t' }

// trimOWS works on offsets because the parser records positions, not
// slices: the caller's buffer may move between Parse calls.
func trimOWS(buf []byte, s, e int) (int, int) {
	for s < e && isOWS(buf[s]) {
		s++
	}
	for e > s && isOWS(buf[e-1]) {
		e--
	}
	return s, e
}

// EqualFold compares b to an ASCII lower-case literal without allocating;
// header names and tokens are case-insensitive (RFC 9110 §5.1).
func EqualFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// listElement bounds the comma-separated list element (RFC 9110 §5.6.1)
// starting at i in buf[:end], OWS-trimmed, and returns where the next element
// starts; iterate while next <= end.
func listElement(buf []byte, i, end int) (s, e, next int) {
	j := i
	for j < end && buf[j] != ',' {
		j++
	}
	s, e = trimOWS(buf, i, j)
	return s, e, j + 1
}

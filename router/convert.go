package router

import "unicode/utf8"

// kind is a parameter convertor. The order of the first four is the order in
// which a node keeps its parameter children.
type kind uint8

const (
	kindStr kind = iota
	kindInt
	kindFloat
	kindUUID
	kindPath

	// segmentKinds counts the convertors that stay within one segment.
	segmentKinds = int(kindPath)
)

// uuidLen is the length of the canonical 8-4-4-4-12 form.
const uuidLen = 36

// kindByName maps the names accepted after ":" in a pattern to convertors.
var kindByName = map[string]kind{
	"str":   kindStr,
	"int":   kindInt,
	"float": kindFloat,
	"uuid":  kindUUID,
	"path":  kindPath,
}

// String returns the convertor name used in patterns.
func (k kind) String() string {
	switch k {
	case kindStr:
		return "str"
	case kindInt:
		return "int"
	case kindFloat:
		return "float"
	case kindUUID:
		return "uuid"
	case kindPath:
		return "path"
	}
	return "kind(?)"
}

// whole reports whether all of seg, a segment or the tail of one, is a value
// of k. It is the fast path for parameters that end where their segment ends.
func (k kind) whole(seg []byte) bool {
	switch k {
	case kindStr:
		return len(seg) > 0
	case kindInt:
		return len(seg) > 0 && digits(seg) == len(seg)
	case kindFloat:
		return len(seg) > 0 && k.longest(seg) == len(seg)
	case kindUUID:
		return len(seg) == uuidLen && isUUID(seg)
	}
	return false
}

// longest returns the length of the longest prefix of seg that is a value of
// k, or 0 when there is none. seg holds no "/".
func (k kind) longest(seg []byte) int {
	switch k {
	case kindStr:
		return len(seg)
	case kindInt:
		return digits(seg)
	case kindFloat:
		d := digits(seg)
		if d == 0 || d == len(seg) || seg[d] != '.' {
			return d
		}
		if f := digits(seg[d+1:]); f > 0 {
			return d + 1 + f
		}
		return d
	case kindUUID:
		if len(seg) >= uuidLen && isUUID(seg[:uuidLen]) {
			return uuidLen
		}
	}
	return 0
}

// shorter returns the next prefix length below l that is a value of k, or 0.
// Walking longest, shorter, shorter... visits the lengths in the order a
// backtracking regular expression would try them, which is what makes
// captures agree with Starlette's when a parameter shares its segment.
func (k kind) shorter(seg []byte, l int) int {
	switch k {
	case kindStr:
		// Step back a whole UTF-8 sequence: Starlette matches text, not
		// bytes, so a value never ends inside a character.
		_, size := utf8.DecodeLastRune(seg[:l])
		return l - size
	case kindInt:
		return l - 1
	case kindFloat:
		// The values are d digits, then d digits, "." and 1..f digits.
		// After the fractional forms comes the bare integer part.
		d := digits(seg)
		if l == d+2 {
			return d
		}
		return l - 1
	}
	return 0
}

// digits counts the leading ASCII digits of b.
func digits(b []byte) int {
	for i, c := range b {
		if c < '0' || c > '9' {
			return i
		}
	}
	return len(b)
}

// isUUID reports whether b, 36 bytes long, is a lower-case canonical UUID.
func isUUID(b []byte) bool {
	if b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return false
	}
	for i, c := range b {
		if !lowerHex[c] && i != 8 && i != 13 && i != 18 && i != 23 {
			return false
		}
	}
	return true
}

// lowerHex marks the bytes the uuid convertor accepts as digits; a table
// keeps the 32-digit check to one load per byte.
var lowerHex = func() (t [256]bool) {
	for _, c := range []byte("0123456789abcdef") {
		t[c] = true
	}
	return t
}()

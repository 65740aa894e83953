package websocket

import "unicode/utf8"

// utf8Checker validates UTF-8 (RFC 3629) that arrives in pieces: fragments
// of a text message, or slices of one fragment as its bytes are received.
// RFC 6455 §8.1 requires failing the connection on invalid UTF-8; checking
// each piece as it arrives, including the bytes of a sequence split across
// pieces, lets us fail at the first byte that no valid text could contain
// instead of after buffering the whole message.
type utf8Checker struct {
	pend [3]byte // the incomplete sequence that ended the previous piece
	n    uint8   // bytes in pend
	need uint8   // length of the sequence pend starts
}

// write validates p as the continuation of everything written before and
// reports whether the text so far is still a prefix of valid UTF-8.
func (u *utf8Checker) write(p []byte) bool {
	if u.n > 0 {
		var seq [4]byte
		k := copy(seq[:], u.pend[:u.n])
		for k < int(u.need) && len(p) > 0 {
			seq[k] = p[0]
			k++
			p = p[1:]
		}
		if k < int(u.need) {
			if !validPrefix(seq[:k]) {
				return false
			}
			u.n = uint8(copy(u.pend[:], seq[:k]))
			return true
		}
		if !utf8.Valid(seq[:k]) {
			return false
		}
		u.n = 0
	}
	// An incomplete sequence at the end has its lead byte among the last
	// three bytes; everything before it must be complete and valid.
	i := len(p) - 1
	for lim := len(p) - 3; i >= 0 && i >= lim && p[i]&0xc0 == 0x80; i-- {
	}
	if i >= 0 && i >= len(p)-3 {
		if need := seqLen(p[i]); need > len(p)-i {
			if !utf8.Valid(p[:i]) || !validPrefix(p[i:]) {
				return false
			}
			u.n = uint8(copy(u.pend[:], p[i:]))
			u.need = uint8(need)
			return true
		}
	}
	return utf8.Valid(p)
}

// done reports whether the text written so far ends on a character
// boundary, i.e. is complete valid UTF-8 given that write accepted it.
func (u *utf8Checker) done() bool { return u.n == 0 }

func (u *utf8Checker) reset() { u.n = 0 }

// seqLen is the length of the UTF-8 sequence a lead byte starts, or 0 for
// bytes that cannot start a multi-byte sequence (ASCII, continuation bytes,
// and C0, C1, F5-FF which never occur in UTF-8).
func seqLen(b byte) int {
	switch {
	case 0xc2 <= b && b <= 0xdf:
		return 2
	case 0xe0 <= b && b <= 0xef:
		return 3
	case 0xf0 <= b && b <= 0xf4:
		return 4
	}
	return 0
}

// validPrefix reports whether s, a valid lead byte followed by fewer
// continuation bytes than it needs, can still be completed into a valid
// character. The second byte's range depends on the lead byte so that
// overlong forms, surrogates and code points above U+10FFFF are refused at
// the second byte (RFC 3629 §4, the UTF8-2 to UTF8-4 rules).
func validPrefix(s []byte) bool {
	lo, hi := byte(0x80), byte(0xbf)
	switch s[0] {
	case 0xe0:
		lo = 0xa0
	case 0xed:
		hi = 0x9f
	case 0xf0:
		lo = 0x90
	case 0xf4:
		hi = 0x8f
	}
	if len(s) > 1 && (s[1] < lo || s[1] > hi) {
		return false
	}
	return len(s) < 3 || 0x80 <= s[2] && s[2] <= 0xbf
}

package websocket

import (
	"testing"
	"unicode/utf8"
)

// interesting bytes: the boundaries of every range in RFC 3629 §4.
var utf8Edges = []byte{0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff}

// continuations are the edges of the continuation byte ranges the second
// byte of a sequence is restricted to (RFC 3629 §4); completing a sequence
// needs nothing else.
var continuations = []byte{0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf}

var prefixMemo = map[string]bool{}

// prefixOfValid is the specification of fail-fast: s can still be
// completed into valid UTF-8 by appending at most three bytes.
func prefixOfValid(s []byte) bool {
	if v, ok := prefixMemo[string(s)]; ok {
		return v
	}
	var buf [16]byte
	n := copy(buf[:], s)
	v := utf8.Valid(s)
	for _, a := range continuations {
		buf[n] = a
		for _, b := range continuations {
			buf[n+1] = b
			for _, c := range continuations {
				buf[n+2] = c
				v = v || utf8.Valid(buf[:n+1]) || utf8.Valid(buf[:n+2]) || utf8.Valid(buf[:n+3])
			}
		}
	}
	prefixMemo[string(s)] = v
	return v
}

// checkPieces feeds s to a fresh checker in the given pieces and returns
// the overall verdict.
func checkPieces(pieces ...[]byte) bool {
	var u utf8Checker
	for _, p := range pieces {
		if !u.write(p) {
			return false
		}
	}
	return u.done()
}

// All 4-byte strings over the edge bytes (and their prefixes), split at
// every point and fed byte by byte, agree with utf8.Valid; byte by byte,
// the checker fails exactly at the first byte no valid text could have.
func TestUTF8CheckerExhaustive(t *testing.T) {
	var inputs [][]byte
	var gen func(prefix []byte)
	gen = func(prefix []byte) {
		inputs = append(inputs, prefix)
		if len(prefix) == 4 {
			return
		}
		for _, b := range utf8Edges {
			gen(append(append([]byte{}, prefix...), b))
		}
	}
	gen(nil)
	for _, s := range inputs {
		want := utf8.Valid(s)
		if got := checkPieces(s); got != want {
			t.Fatalf("% x whole: got %v", s, got)
		}
		for i := 0; i <= len(s); i++ {
			if got := checkPieces(s[:i], s[i:]); got != want {
				t.Fatalf("% x split at %d: got %v", s, i, got)
			}
		}
		var u utf8Checker
		for i := range s {
			ok := u.write(s[i : i+1])
			if ok != prefixOfValid(s[:i+1]) {
				t.Fatalf("% x: byte %d: checker says %v", s, i, ok)
			}
			if !ok {
				break
			}
		}
	}
}

func TestUTF8CheckerLongText(t *testing.T) {
	text := []byte("ascii κόσμε 中文 𝄞𝄞 emoji 😀 and more ascii to pass the fast path")
	for i := 0; i <= len(text); i++ {
		for j := i; j <= len(text); j++ {
			if !checkPieces(text[:i], text[i:j], text[j:]) {
				t.Fatalf("valid text rejected when split at %d, %d", i, j)
			}
		}
	}
	bad := append(append([]byte{}, text...), 0xed, 0xa0, 0x80)
	if checkPieces(bad[:len(bad)-2], bad[len(bad)-2:]) {
		t.Fatal("surrogate accepted")
	}
	var u utf8Checker
	if !u.write([]byte("ab\xe2")) || u.done() {
		t.Fatal("incomplete tail must be pending")
	}
	u.reset()
	if !u.done() {
		t.Fatal("reset")
	}
}

package websocket

import (
	"github.com/fasterapi/fasterapi/protocols/http1"
	"strings"
	"testing"
)

func TestNextElement(t *testing.T) {
	for in, want := range map[string]string{
		"a":              "a|",
		" a , b ,, c ":   "a|b||c|",
		"":               "|",
		",":              "||",
		"keep-alive,\tx": "keep-alive|x|",
	} {
		var got strings.Builder
		for e, rest, ok := nextElement([]byte(in)); ok; e, rest, ok = nextElement(rest) {
			got.WriteString(string(e) + "|")
		}
		if got.String() != want {
			t.Errorf("%q: got %q want %q", in, got.String(), want)
		}
	}
	if _, _, ok := nextElement(nil); ok {
		t.Error("nil list has an element")
	}
}

func TestIndexUnquoted(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"a,b", 1},
		{`"a,b",c`, 5},
		{`"a\",b",c`, 7},
		{`"unterminated,`, 14},
		{"none", 4},
	} {
		if got := indexUnquoted([]byte(tt.in), ','); got != tt.want {
			t.Errorf("%q: %d want %d", tt.in, got, tt.want)
		}
	}
}

func TestTokenHelpers(t *testing.T) {
	if !isToken([]byte("permessage-deflate")) || isToken([]byte("a b")) || isToken(nil) || isToken([]byte("a=")) {
		t.Error("isToken")
	}
	if !isTokenString("x-custom") || isTokenString("") || isTokenString("a:b") {
		t.Error("isTokenString")
	}
	if !http1.EqualFold([]byte("UpGrade"), "upgrade") || http1.EqualFold([]byte("upgrades"), "upgrade") || http1.EqualFold([]byte("upgradf"), "upgrade") {
		t.Error("equalFold")
	}
	if !validFieldValue("a b\tc") || validFieldValue("a\rb") || validFieldValue("a\nb") || validFieldValue("a\x00") {
		t.Error("validFieldValue")
	}
	if string(trimOWS([]byte(" \t x \t"))) != "x" || len(trimOWS([]byte("  "))) != 0 {
		t.Error("trimOWS")
	}
	if !containsToken([]byte("a, Upgrade"), "upgrade") || containsToken([]byte("upgrade2"), "upgrade") {
		t.Error("containsToken")
	}
}

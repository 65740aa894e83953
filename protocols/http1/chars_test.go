package http1

import "testing"

func TestCharClasses(t *testing.T) {
	tests := []struct {
		in    string
		class uint8
		want  bool
	}{
		{"GET", classToken, true},
		{"X-Custom_1.~", classToken, true},
		{"a b", classToken, false},
		{"a:b", classToken, false},
		{"", classToken, true},
		{"text/html; q=0.9\t", classValue, true},
		{"caf\xc3\xa9", classValue, true},
		{"a\rb", classValue, false},
		{"a\x00b", classValue, false},
		{"a\x7fb", classValue, false},
		{"/p?q=1&r=%20#x", classTarget, true},
		{"/a b", classTarget, false},
		{"/a\tb", classTarget, false},
		{"example.com:8080", classHost, true},
		{"[::1]:80", classHost, true},
		{"a/b", classHost, false},
		{"a@b", classHost, false},
		{"0aF9", classHex, true},
		{"0x", classHex, false},
	}
	for _, tt := range tests {
		if got := allIn([]byte(tt.in), tt.class); got != tt.want {
			t.Errorf("allIn(%q, %b) = %v, want %v", tt.in, tt.class, got, tt.want)
		}
	}
}

func TestEqualFold(t *testing.T) {
	if !EqualFold([]byte("Content-LENGTH"), "content-length") {
		t.Error("mixed case should match")
	}
	if EqualFold([]byte("content-lengtH "), "content-length") {
		t.Error("different length should not match")
	}
	// '@'+32 is '`'; only letters may fold.
	if EqualFold([]byte("@"), "`") {
		t.Error("non-letters must not fold")
	}
}

func TestListElements(t *testing.T) {
	buf := []byte(" a ,b,, c\t")
	var got []string
	for i := 0; i <= len(buf); {
		s, e, next := listElement(buf, i, len(buf))
		got = append(got, string(buf[s:e]))
		i = next
	}
	want := []string{"a", "b", "", "c"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestTrimOWS(t *testing.T) {
	buf := []byte(" \t x y \t")
	s, e := trimOWS(buf, 0, len(buf))
	if string(buf[s:e]) != "x y" {
		t.Fatalf("trimOWS = %q", buf[s:e])
	}
	s, e = trimOWS(buf, 0, 2)
	if s != e {
		t.Fatalf("all-whitespace should trim to empty, got [%d,%d)", s, e)
	}
}

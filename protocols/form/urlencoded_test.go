package form

import (
	"reflect"
	"strings"
	"testing"
)

const ueType = "application/x-www-form-urlencoded"

func TestURLEncoded(t *testing.T) {
	// The same body as python-multipart parses for Starlette: '&' only, empty fields
	// skipped, a bare name has an empty value, bad escapes kept, ';' is data.
	body := "a=1&&b&c=%zz&d=x+y%20z;e=3&=v&k=&%C3%A9=%e2%82%ac&raw=\xe9"
	want := []collected{{Name: "a", Data: "1"}, {Name: "b"}, {Name: "c", Data: "%zz"},
		{Name: "d", Data: "x y z;e=3"}, {Name: "", Data: "v"}, {Name: "k"}, {Name: "é", Data: "€"},
		{Name: "raw", Data: "é"}}
	for _, step := range []int{0, 1, 2, 3, 4, 9} {
		got, err := parseChunks(t, ueType, body, Limits{}, step)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d:\n got %+v\nwant %+v", step, got, want)
		}
	}
}

func TestURLEncodedLimits(t *testing.T) {
	lim := Limits{MaxFields: 2, MaxFieldSize: 1024}
	if _, err := parseChunks(t, ueType, "a=1&b=2&c=3", lim, 0); err == nil ||
		formError(t, err).Message != "Too many fields. Maximum number of fields is 2." {
		t.Fatalf("got %v", err)
	}
	if _, err := parseChunks(t, ueType, "a=1&b=2&&", lim, 0); err != nil {
		t.Fatal(err)
	}
	long := "a=" + strings.Repeat("v", 1023)
	if _, err := parseChunks(t, ueType, long, lim, 100); err == nil ||
		formError(t, err).Message != "Field exceeded maximum size of 1KB." {
		t.Fatalf("got %v", err)
	}
}

// A raw byte above 0x7F is a latin-1 character, two bytes once decoded: the raw field fits
// the limit, its value does not.
func TestURLEncodedLimitBoundsTheDecodedValue(t *testing.T) {
	lim := Limits{MaxFieldSize: 1024}
	if _, err := parseChunks(t, ueType, "a="+strings.Repeat("\xe9", 511), lim, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := parseChunks(t, ueType, "a="+strings.Repeat("\xe9", 600), lim, 0); err == nil ||
		formError(t, err).Message != "Field exceeded maximum size of 1KB." {
		t.Fatalf("got %v", err)
	}
}

package server

import (
	"testing"
	"time"
)

func TestFileETagMatchesStarlette(t *testing.T) {
	// Starlette: md5(str(st_mtime) + "-" + str(st_size)); the values were computed with
	// CPython 3.12 (hashlib.md5(b"1795876491.2986257-12").hexdigest(), and likewise).
	cases := []struct {
		mtime time.Time
		size  int64
		want  string
	}{
		{time.Unix(1795876491, 298625707), 12, `"2ae6dfca65cef3d97ec2b1cd710c2fad"`},
		{time.Unix(1700000000, 0), 0, `"e7d53fbff452d442c477af2510b0e0b0"`}, // "1700000000.0-0"
	}
	for _, tc := range cases {
		if got := fileETag(tc.mtime, tc.size); got != tc.want {
			t.Errorf("fileETag(%v, %d) = %s, want %s", tc.mtime, tc.size, got, tc.want)
		}
	}
}

func TestEvaluatePreconditions(t *testing.T) {
	mod := time.Date(2024, 5, 1, 10, 0, 0, 500, time.UTC)
	etag := `"abc"`
	cases := []struct {
		name    string
		headers map[string]string
		method  bool
		want    precondition
	}{
		{"none", nil, true, precondOK},
		{"inm match", map[string]string{"if-none-match": `"abc"`}, true, precondNotModified},
		{"inm weak match", map[string]string{"if-none-match": `W/"abc"`}, true, precondNotModified},
		{"inm list", map[string]string{"if-none-match": `"x", "abc"`}, true, precondNotModified},
		{"inm star", map[string]string{"if-none-match": `*`}, true, precondNotModified},
		{"inm other", map[string]string{"if-none-match": `"x"`}, true, precondOK},
		{"inm wins over ims", map[string]string{"if-none-match": `"x"`,
			"if-modified-since": "Wed, 01 May 2024 10:00:00 GMT"}, true, precondOK},
		{"ims equal", map[string]string{"if-modified-since": "Wed, 01 May 2024 10:00:00 GMT"}, true, precondNotModified},
		{"ims later", map[string]string{"if-modified-since": "Thu, 02 May 2024 10:00:00 GMT"}, true, precondNotModified},
		{"ims earlier", map[string]string{"if-modified-since": "Tue, 30 Apr 2024 10:00:00 GMT"}, true, precondOK},
		{"ims rfc850", map[string]string{"if-modified-since": "Wednesday, 01-May-24 10:00:00 GMT"}, true, precondNotModified},
		{"ims asctime", map[string]string{"if-modified-since": "Wed May  1 10:00:00 2024"}, true, precondNotModified},
		{"ims invalid", map[string]string{"if-modified-since": "yesterday"}, true, precondOK},
		{"if-match ok", map[string]string{"if-match": `"abc"`}, true, precondOK},
		{"if-match weak fails", map[string]string{"if-match": `W/"abc"`}, true, precondFailed},
		{"if-match other", map[string]string{"if-match": `"zzz"`}, true, precondFailed},
		{"ius earlier", map[string]string{"if-unmodified-since": "Tue, 30 Apr 2024 10:00:00 GMT"}, true, precondFailed},
		{"ius later", map[string]string{"if-unmodified-since": "Thu, 02 May 2024 10:00:00 GMT"}, true, precondOK},
		{"post ignores", map[string]string{"if-none-match": `"abc"`}, false, precondOK},
	}
	for _, tc := range cases {
		h := condHeaders{getOrHead: tc.method}
		for k, v := range tc.headers {
			h.set(k, []byte(v))
		}
		if got := h.evaluate(etag, mod); got != tc.want {
			t.Errorf("%s: evaluate = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRangeApplies(t *testing.T) {
	lm := "Wed, 01 May 2024 10:00:00 GMT"
	cases := []struct {
		ifRange string
		want    bool
	}{
		{"", true},
		{`"abc"`, true},
		{`"old"`, false},
		{`W/"abc"`, false},
		{lm, true},
		{"Thu, 02 May 2024 10:00:00 GMT", false},
	}
	for _, tc := range cases {
		h := condHeaders{getOrHead: true}
		h.set("range", []byte("bytes=0-1"))
		if tc.ifRange != "" {
			h.set("if-range", []byte(tc.ifRange))
		}
		if got := h.rangeApplies(`"abc"`, lm); got != tc.want {
			t.Errorf("If-Range %q: rangeApplies = %v, want %v", tc.ifRange, got, tc.want)
		}
	}
	if (&condHeaders{getOrHead: true}).rangeApplies(`"abc"`, lm) {
		t.Error("no Range field: rangeApplies = true")
	}
}

func TestMatchETagQuotedComma(t *testing.T) {
	if !matchETag(`"a,b", "c"`, `"a,b"`, false) {
		t.Error(`"a,b" not found in a list`)
	}
	if matchETag(`"a`, `"a"`, false) {
		t.Error("an unterminated tag matched")
	}
}

func TestIsCondName(t *testing.T) {
	for _, n := range []string{"If-None-Match", "range", "IF-RANGE", "if-modified-since"} {
		if !isCondName([]byte(n)) {
			t.Errorf("isCondName(%q) = false", n)
		}
	}
	for _, n := range []string{"host", "if", "ranges", "accept"} {
		if isCondName([]byte(n)) {
			t.Errorf("isCondName(%q) = true", n)
		}
	}
}

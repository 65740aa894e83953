package server

import "testing"

func TestParseRange(t *testing.T) {
	cases := []struct {
		spec       string
		size       int64
		kind       rangeKind
		start, end int64
	}{
		{"bytes=0-0", 10, rangeSingle, 0, 1},
		{"bytes=2-5", 10, rangeSingle, 2, 6},
		{"bytes=2-", 10, rangeSingle, 2, 10},
		{"bytes=-3", 10, rangeSingle, 7, 10},
		{"bytes=-30", 10, rangeSingle, 0, 10},
		{"bytes=5-100", 10, rangeSingle, 5, 10},
		{"BYTES = 1-2", 10, rangeSingle, 1, 3},
		{"bytes=0-1, 2-3", 10, rangeSingle, 0, 4},   // adjacent ranges merge
		{"bytes=0-4, 2-6", 10, rangeSingle, 0, 7},   // overlapping ranges merge
		{"bytes=0-1, 5-6", 10, rangeIgnore, 0, 0},   // two ranges: whole file
		{"bytes=0-1, 20-30", 10, rangeSingle, 0, 2}, // the unsatisfiable one is dropped
		{"bytes=10-", 10, rangeUnsatisfiable, 0, 0},
		{"bytes=10-20", 10, rangeUnsatisfiable, 0, 0},
		{"bytes=-0", 10, rangeUnsatisfiable, 0, 0},
		{"bytes=5-2", 10, rangeIgnore, 0, 0}, // first > last: invalid
		{"bytes=a-b", 10, rangeIgnore, 0, 0},
		{"bytes=", 10, rangeIgnore, 0, 0},
		{"bytes=,", 10, rangeIgnore, 0, 0},
		{"bytes=1", 10, rangeIgnore, 0, 0},
		{"items=0-1", 10, rangeIgnore, 0, 0},
		{"0-1", 10, rangeIgnore, 0, 0},
		{"bytes=0-1", 0, rangeIgnore, 0, 0}, // empty file: whole (empty) answer
		{"bytes=99999999999999999999-", 10, rangeIgnore, 0, 0},
	}
	for _, tc := range cases {
		kind, start, end := parseRange(tc.spec, tc.size)
		if kind != tc.kind || start != tc.start || end != tc.end {
			t.Errorf("parseRange(%q, %d) = %v %d %d, want %v %d %d", tc.spec, tc.size, kind, start, end,
				tc.kind, tc.start, tc.end)
		}
	}
}

func TestParseRangeBoundsTheNumberOfRanges(t *testing.T) {
	spec := "bytes=0-0"
	for i := 0; i < maxRanges; i++ {
		spec += ",0-0"
	}
	if kind, _, _ := parseRange(spec, 10); kind != rangeIgnore {
		t.Errorf("%d ranges: kind %v, want rangeIgnore", maxRanges+1, kind)
	}
}

// FuzzParseRange checks that any field yields a range inside the representation.
func FuzzParseRange(f *testing.F) {
	f.Add("bytes=0-1", int64(10))
	f.Add("bytes=-5", int64(3))
	f.Add("bytes=1-2,4-", int64(100))
	f.Fuzz(func(t *testing.T, spec string, size int64) {
		if size < 0 {
			return
		}
		kind, start, end := parseRange(spec, size)
		if kind == rangeSingle && (start < 0 || start >= end || end > size) {
			t.Fatalf("parseRange(%q, %d) = [%d, %d)", spec, size, start, end)
		}
	})
}

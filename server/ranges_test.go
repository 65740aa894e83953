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
		{"bytes=5-6, 0-1", 10, rangeMulti, 0, 2},    // two ranges, sorted (the first is shown)
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
		kind, rs := parseRange(tc.spec, tc.size, nil)
		var start, end int64
		if len(rs) > 0 {
			start, end = rs[0].start, rs[0].end
		}
		if kind != tc.kind || start != tc.start || end != tc.end || (kind == rangeSingle) != (len(rs) == 1) {
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
	if kind, _ := parseRange(spec, 10, nil); kind != rangeIgnore {
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
		_, rs := parseRange(spec, size, nil)
		for i, r := range rs {
			if r.start < 0 || r.start >= r.end || r.end > size || (i > 0 && r.start <= rs[i-1].end) {
				t.Fatalf("parseRange(%q, %d) = %v: range %d is empty, outside or not after the last", spec, size, rs, i)
			}
		}
	})
}

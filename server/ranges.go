package server

import (
	"slices"
	"strings"
)

// Byte ranges of file responses (RFC 9110 §14).

// rangeKind is what a Range field asks of a representation of a known length.
type rangeKind int

const (
	// rangeIgnore: send the whole representation with 200. Used for an invalid field, a
	// unit other than bytes and a zero-length representation (RFC 9110 §14.2 lets a server
	// ignore Range).
	rangeIgnore rangeKind = iota
	// rangeSingle: send the one range with 206 and Content-Range (§15.3.7).
	rangeSingle
	// rangeMulti: send the ranges, sorted and merged where they overlap or touch, as a 206
	// multipart/byteranges body (§14.6), as Starlette does.
	rangeMulti
	// rangeUnsatisfiable: no range overlaps the representation: 416 with
	// "Content-Range: bytes */size" (§15.5.17).
	rangeUnsatisfiable
)

// maxRanges bounds the range-specs read from one field, so a field of thousands of tiny
// ranges costs no more than a few (RFC 9110 §17.15).
const maxRanges = 64

type byteRange struct{ start, end int64 } // [start, end)

// parseRange reads a Range field value for a representation of size bytes and says what to
// send: for rangeSingle and rangeMulti, the ranges (appended to dst).
func parseRange(spec string, size int64, dst []byteRange) (rangeKind, []byteRange) {
	unit, set, ok := strings.Cut(spec, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") || size <= 0 {
		return rangeIgnore, dst
	}
	var found [maxRanges]byteRange
	n, specs := 0, 0
	for part := range strings.SplitSeq(set, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue // empty list elements are allowed (RFC 9110 §5.6.1)
		}
		specs++
		if specs > maxRanges {
			return rangeIgnore, dst
		}
		r, satisfiable, valid := parseRangeSpec(part, size)
		if !valid {
			return rangeIgnore, dst // one invalid range-spec makes the field invalid
		}
		if satisfiable {
			found[n] = r
			n++
		}
	}
	if specs == 0 {
		return rangeIgnore, dst
	}
	if n == 0 {
		return rangeUnsatisfiable, dst
	}
	merged := mergeRanges(found[:n])
	if len(merged) == 1 {
		return rangeSingle, append(dst, merged[0])
	}
	return rangeMulti, append(dst, merged...)
}

// parseRangeSpec reads one int-range ("first-last", "first-") or suffix-range ("-n") and
// clips it to the representation (RFC 9110 §14.1.2).
func parseRangeSpec(s string, size int64) (r byteRange, satisfiable, valid bool) {
	first, last, ok := strings.Cut(s, "-")
	if !ok {
		return r, false, false
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" { // suffix-range: the last n bytes
		n, ok := parseDigits(last)
		if !ok {
			return r, false, false
		}
		if n == 0 {
			return r, false, true
		}
		return byteRange{max(size-n, 0), size}, true, true
	}
	a, ok := parseDigits(first)
	if !ok {
		return r, false, false
	}
	b := size - 1
	if last != "" {
		if b, ok = parseDigits(last); !ok || b < a {
			return r, false, false // first-pos > last-pos is invalid
		}
		b = min(b, size-1)
	}
	if a >= size {
		return r, false, true
	}
	return byteRange{a, b + 1}, true, true
}

// parseDigits reads a non-empty run of ASCII digits that fits an int64.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// mergeRanges sorts ranges in place and joins those that overlap or touch.
func mergeRanges(rs []byteRange) []byteRange {
	slices.SortFunc(rs, func(a, b byteRange) int {
		switch {
		case a.start < b.start:
			return -1
		case a.start > b.start:
			return 1
		}
		return 0
	})
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.start <= last.end {
			last.end = max(last.end, r.end)
			continue
		}
		out = append(out, r)
	}
	return out
}

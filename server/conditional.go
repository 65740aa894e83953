package server

import (
	"crypto/md5" //nolint:gosec // a cache validator, not a security use; Starlette's choice
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Validators and preconditions of file responses (RFC 9110 §8.8, §13).

// fileETag is the strong entity tag Starlette gives a file: the MD5 of "<st_mtime>-<st_size>",
// with st_mtime written as Python's repr of the float seconds. Matching it exactly means a
// browser cache filled by a Starlette/FastAPI server stays valid after switching to FasterAPI.
func fileETag(mtime time.Time, size int64) string {
	// An explicit conversion rounds the product on its own, so the sum is computed exactly as
	// CPython's `sec + nsec * 1e-9` even where the compiler would fuse a multiply-add.
	secs := float64(mtime.Unix()) + float64(float64(mtime.Nanosecond())*1e-9)
	repr := strconv.FormatFloat(secs, 'f', -1, 64)
	if !strings.ContainsAny(repr, ".eE") {
		repr += ".0" // Python's repr keeps a decimal point: 1700000000.0
	}
	sum := md5.Sum([]byte(repr + "-" + strconv.FormatInt(size, 10))) //nolint:gosec // see import
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// condHeaders are a request's precondition and range fields, copied out of the request so an
// answer produced later (an async handler) can still evaluate them.
type condHeaders struct {
	// getOrHead: preconditions that yield 304 and Range apply only to GET and HEAD
	// (RFC 9110 §13.2.1, §14.2).
	getOrHead                                bool
	ifMatch, ifNoneMatch                     string
	ifModifiedSince, ifUnmodifiedSince       string
	rangeSpec, ifRange                       string
	hasIfMatch, hasIfNoneMatch, hasRange     bool
	hasIfModifiedSince, hasIfUnmodifiedSince bool
	hasIfRange                               bool
}

// set records one request field if it is one of ours; name must be lower case.
func (h *condHeaders) set(name string, value []byte) {
	switch name {
	case "if-match":
		h.ifMatch, h.hasIfMatch = joinField(h.ifMatch, h.hasIfMatch, value), true
	case "if-none-match":
		h.ifNoneMatch, h.hasIfNoneMatch = joinField(h.ifNoneMatch, h.hasIfNoneMatch, value), true
	case "if-modified-since":
		h.ifModifiedSince, h.hasIfModifiedSince = string(value), true
	case "if-unmodified-since":
		h.ifUnmodifiedSince, h.hasIfUnmodifiedSince = string(value), true
	case "range":
		h.rangeSpec, h.hasRange = string(value), true
	case "if-range":
		h.ifRange, h.hasIfRange = string(value), true
	}
}

// joinField combines repeated list fields into one comma-separated value (RFC 9110 §5.3).
func joinField(prev string, had bool, value []byte) string {
	if had {
		return prev + ", " + string(value)
	}
	return string(value)
}

// isCondName reports whether a lower-cased field name is one condHeaders keeps; it lets the
// caller skip the other fields without building strings.
func isCondName(name []byte) bool {
	if len(name) < 5 || (name[0]|0x20 != 'i' && name[0]|0x20 != 'r') {
		return false
	}
	switch strings.ToLower(string(name)) {
	case "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "range", "if-range":
		return true
	}
	return false
}

// precondition is the outcome of evaluating a request's preconditions.
type precondition int

const (
	precondOK          precondition = iota // send the representation (full or ranged)
	precondNotModified                     // 304 (RFC 9110 §15.4.5)
	precondFailed                          // 412 (RFC 9110 §15.5.13)
)

// evaluate applies RFC 9110 §13.2.2 in its order: If-Match, else If-Unmodified-Since; then
// If-None-Match, else If-Modified-Since. etag is the current strong or weak tag and modified
// the last modification time (whole seconds are compared, as HTTP dates carry no more).
func (h *condHeaders) evaluate(etag string, modified time.Time) precondition {
	if !h.getOrHead {
		return precondOK
	}
	lm := modified.Unix()
	if h.hasIfMatch {
		if !matchETag(h.ifMatch, etag, true) { // strong comparison (§13.1.1)
			return precondFailed
		}
	} else if h.hasIfUnmodifiedSince {
		if t, ok := parseHTTPDate(h.ifUnmodifiedSince); ok && lm > t.Unix() { // §13.1.4
			return precondFailed
		}
	}
	if h.hasIfNoneMatch {
		if matchETag(h.ifNoneMatch, etag, false) { // weak comparison (§13.1.2)
			return precondNotModified
		}
		return precondOK // If-Modified-Since is ignored when If-None-Match is present
	}
	if h.hasIfModifiedSince {
		if t, ok := parseHTTPDate(h.ifModifiedSince); ok && lm <= t.Unix() { // §13.1.3
			return precondNotModified
		}
	}
	return precondOK
}

// rangeApplies tells whether a Range field is to be honoured: If-Range, when present, must
// name the current representation by a strong entity tag or its exact Last-Modified date
// (RFC 9110 §13.1.5); otherwise the whole representation is sent.
func (h *condHeaders) rangeApplies(etag string, lastModified string) bool {
	if !h.getOrHead || !h.hasRange {
		return false
	}
	if !h.hasIfRange {
		return true
	}
	v := strings.TrimSpace(h.ifRange)
	if strings.HasPrefix(v, `"`) {
		return !strings.HasPrefix(etag, "W/") && v == etag
	}
	if strings.HasPrefix(v, "W/") {
		return false // a weak tag never matches in If-Range
	}
	return v == lastModified
}

// matchETag reports whether the list value (an If-Match or If-None-Match field) names etag;
// "*" names any current representation. strong selects strong comparison, in which weak
// tags never match (RFC 9110 §8.8.3.2).
func matchETag(list, etag string, strong bool) bool {
	if strings.TrimSpace(list) == "*" {
		return true
	}
	curWeak := strings.HasPrefix(etag, "W/")
	cur := strings.TrimPrefix(etag, "W/")
	if strong && curWeak {
		return false
	}
	for rest := list; rest != ""; {
		var tag string
		tag, rest = nextETag(rest)
		if tag == "" {
			continue
		}
		weak := strings.HasPrefix(tag, "W/")
		if strong && weak {
			continue
		}
		if strings.TrimPrefix(tag, "W/") == cur {
			return true
		}
	}
	return false
}

// nextETag splits the first entity-tag off a comma-separated list; commas inside the quoted
// opaque-tag are allowed by the grammar (etagc includes ','), so quotes are followed.
func nextETag(s string) (tag, rest string) {
	s = strings.TrimLeft(s, " \t,")
	i := 0
	if strings.HasPrefix(s, "W/") {
		i = 2
	}
	if i < len(s) && s[i] == '"' {
		if j := strings.IndexByte(s[i+1:], '"'); j >= 0 {
			end := i + 1 + j + 1
			return s[:end], s[end:]
		}
		return "", "" // unterminated: nothing more can be read
	}
	if j := strings.IndexByte(s, ','); j >= 0 {
		return strings.TrimSpace(s[:j]), s[j+1:]
	}
	return strings.TrimSpace(s), ""
}

// httpDateLayouts are the three forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate,
// the obsolete RFC 850 form and asctime.
var httpDateLayouts = [...]string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}

// parseHTTPDate parses an HTTP-date; an invalid date is reported so the field is ignored
// (RFC 9110 §13.1.3, §13.1.4).
func parseHTTPDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range httpDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Result is the outcome of one run: ordered key/value pairs printed as one line.
type Result struct {
	keys   []string
	values map[string]string
}

// Set records key=value, keeping the order of first insertion.
func (r *Result) Set(key string, value any) {
	if r.values == nil {
		r.values = map[string]string{}
	}
	if _, ok := r.values[key]; !ok {
		r.keys = append(r.keys, key)
	}
	switch v := value.(type) {
	case float64:
		r.values[key] = fmt.Sprintf("%.3f", v)
	case time.Duration:
		r.values[key] = fmt.Sprintf("%.3f", v.Seconds()*1000) // milliseconds
	default:
		r.values[key] = fmt.Sprint(v)
	}
}

// Line renders the result as "wsload k1=v1 k2=v2 ...", the format bench/ws.sh parses.
func (r Result) Line() string {
	var b strings.Builder
	b.WriteString("wsload")
	for _, k := range r.keys {
		fmt.Fprintf(&b, " %s=%s", k, r.values[k])
	}
	return b.String()
}

// ParseLine is the inverse of Line: it returns the key/value pairs of a "wsload ..." line.
func ParseLine(line string) (map[string]string, error) {
	fields := strings.Fields(line)
	if len(fields) == 0 || fields[0] != "wsload" {
		return nil, fmt.Errorf("not a wsload line: %q", line)
	}
	out := make(map[string]string, len(fields)-1)
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("bad field %q in %q", f, line)
		}
		out[k] = v
	}
	return out, nil
}

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of samples, sorting
// them in place; zero when there are none.
func Percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	if !slices.IsSorted(samples) {
		slices.Sort(samples)
	}
	// The epsilon keeps exact ranks (p50 of 100 samples = the 50th) from rounding up.
	rank := int(math.Ceil(p/100*float64(len(samples)) - 1e-9))
	rank = max(1, min(rank, len(samples)))
	return samples[rank-1]
}

// EventCounter counts Server-Sent Events in a stream fed one line at a time: an event is
// dispatched by a blank line after at least one data field, as the WHATWG parser does;
// comment lines (": ping") and field-only blocks without data are not events.
type EventCounter struct {
	Events  int64
	hasData bool
}

// Line feeds one line, with or without its line terminator.
func (c *EventCounter) Line(line []byte) {
	line = trimEOL(line)
	switch {
	case len(line) == 0:
		if c.hasData {
			c.Events++
		}
		c.hasData = false
	case line[0] == ':':
	case hasField(line, "data"):
		c.hasData = true
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// hasField reports whether line is the field name (bare, or followed by ':').
func hasField(line []byte, name string) bool {
	return len(line) >= len(name) && string(line[:len(name)]) == name &&
		(len(line) == len(name) || line[len(name)] == ':')
}

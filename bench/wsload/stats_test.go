package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 100; i >= 1; i-- {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.1, time.Millisecond}} {
		if got := Percentile(s, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("empty: %v", got)
	}
	if got := Percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("one sample: %v", got)
	}
}

func TestEventCounter(t *testing.T) {
	stream := "data: a\n\n: ping\n\nevent: x\ndata: {\"n\":1}\r\ndata: more\r\n\r\nid: 3\n\ndata\n\n\ndatum: no\n\n"
	var c EventCounter
	start := 0
	for i := range len(stream) {
		if stream[i] == '\n' {
			c.Line([]byte(stream[start : i+1]))
			start = i + 1
		}
	}
	// "data: a", the two-line event, and the bare "data" field; not the comment, the id-only
	// block, the extra blank line or the unknown "datum" field.
	if c.Events != 3 {
		t.Fatalf("events = %d, want 3", c.Events)
	}
}

func TestLineRoundTrip(t *testing.T) {
	var r Result
	r.Set("mode", "echo")
	r.Set("msgs_per_s", 1234.5)
	r.Set("p50_ms", 1500*time.Microsecond)
	r.Set("mode", "echo") // a second Set keeps the first position
	line := r.Line()
	if line != "wsload mode=echo msgs_per_s=1234.500 p50_ms=1.500" {
		t.Fatalf("line = %q", line)
	}
	kv, err := ParseLine(line)
	if err != nil || kv["msgs_per_s"] != "1234.500" || kv["p50_ms"] != "1.500" || len(kv) != 3 {
		t.Fatalf("ParseLine = %v, %v", kv, err)
	}
	for _, bad := range []string{"", "other a=b", "wsload novalue", "wsload =x"} {
		if _, err := ParseLine(bad); err == nil {
			t.Errorf("ParseLine(%q) accepted", bad)
		}
	}
}

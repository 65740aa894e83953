package http1

import (
	"net/http"
	"testing"
	"time"
)

func TestAppendDate(t *testing.T) {
	// The RFC 9110 §5.6.7 example.
	ex := time.Date(1994, time.November, 6, 8, 49, 37, 0, time.UTC)
	if got := string(AppendDate([]byte("x"), ex)); got != "xSun, 06 Nov 1994 08:49:37 GMT" {
		t.Fatalf("AppendDate = %q", got)
	}
	// Cross-check against the standard library over many instants and a
	// non-UTC zone.
	zone := time.FixedZone("X", -7*3600)
	for i := range 2000 {
		tm := time.Unix(int64(i)*7919*3607, 0).In(zone)
		if got, want := string(AppendDate(nil, tm)), tm.UTC().Format(http.TimeFormat); got != want {
			t.Fatalf("AppendDate(%v) = %q, want %q", tm, got, want)
		}
	}
}

func TestAppendDateAllocations(t *testing.T) {
	dst := make([]byte, 0, 64)
	now := time.Now()
	if n := testing.AllocsPerRun(100, func() { dst = AppendDate(dst[:0], now) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

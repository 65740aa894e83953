package http1

import "testing"

func TestDefaultLimits(t *testing.T) {
	want := Limits{MaxRequestLine: 8192, MaxHeaderBytes: 16384, MaxBodyBytes: 16 << 20, MaxHeaders: 100}
	if got := DefaultLimits(); got != want {
		t.Fatalf("DefaultLimits() = %+v, want %+v", got, want)
	}
}

func TestLimitsNormalized(t *testing.T) {
	got := Limits{MaxHeaders: 7, MaxBodyBytes: -1}.normalized()
	want := DefaultLimits()
	want.MaxHeaders = 7
	if got != want {
		t.Fatalf("normalized() = %+v, want %+v", got, want)
	}
	huge := Limits{MaxRequestLine: 1 << 40, MaxHeaderBytes: 1 << 40, MaxBodyBytes: 1 << 60, MaxHeaders: 1}.normalized()
	if int64(huge.MaxRequestLine) != maxBodyCeiling || int64(huge.MaxHeaderBytes) != maxBodyCeiling || huge.MaxBodyBytes != maxBodyCeiling {
		t.Fatalf("normalized() did not clamp: %+v", huge)
	}
}

package http1

import (
	"errors"
	"testing"
)

func TestErrorString(t *testing.T) {
	e := tooLarge(414, "request line", 8192)
	if got, want := e.Error(), "http1: 414 request line exceeds 8192 bytes"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestErrHTTP2PrefaceIsRecognisable(t *testing.T) {
	var err error = ErrHTTP2Preface
	if !errors.Is(err, ErrHTTP2Preface) {
		t.Fatal("errors.Is does not match ErrHTTP2Preface")
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != 400 {
		t.Fatalf("errors.As gave %+v", e)
	}
}

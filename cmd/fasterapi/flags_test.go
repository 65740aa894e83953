package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseServeTakesTheSpecAnywhereAndSeconds(t *testing.T) {
	f, err := parseServe("serve", []string{"--port", "9000", "app:app", "--timeout-keep-alive", "7", "--graceful-timeout=2.5"})
	if err != nil {
		t.Fatal(err)
	}
	if f.spec != "app:app" || f.port != 9000 || f.keepAliveTimeout != 7*time.Second || f.gracefulTimeout != 2500*time.Millisecond {
		t.Fatalf("%+v", f)
	}
}

func TestParseServeErrorsNameTheFix(t *testing.T) {
	cases := map[string][]string{
		"missing the app":     {},
		"must be MODULE:ATTR": {"app"},
		"--workers must be":   {"app:app", "--workers", "0"},
		"--max-upload-size":   {"app:app", "--max-upload-size", "-1"},
		"--mode \"fast\"":     {"app:app", "--mode", "fast"},
		"--log-level":         {"app:app", "--log-level", "loud"},
		"unexpected argument": {"a:b", "c:d"},
		"is not a directory":  {"a:b", "--app-dir", "/nonexistent-dir"},
	}
	for want, args := range cases {
		if _, err := parseServe("serve", args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseServe(%q) = %v, want an error containing %q", args, err, want)
		}
	}
}

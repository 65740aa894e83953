package e2e

import (
	"strings"
	"testing"
)

func TestFallbackToSharedModeForSinglePhaseExtensions(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "shared_app:app")
		out := s.Output()
		if strings.Count(out, "does not support sub-interpreters") != 1 || !strings.Contains(out, "readline") ||
			!strings.Contains(out, "--mode shared") {
			t.Errorf("want one warning naming readline and --mode shared:\n%s", out)
		}
		if !strings.Contains(out, "mode shared") {
			t.Errorf("start line does not say mode shared:\n%s", out)
		}
		for i := 0; i < 4; i++ {
			r, _, _ := roundTrip(t, s, "GET /where HTTP/1.1\r\nHost: x\r\n\r\n")
			if r.StatusCode != 200 || r.body != `{"readline":true}` {
				t.Fatalf("%d %s", r.StatusCode, r.body)
			}
		}
		s.stop(t, true)
	})
}

func TestExplicitSharedMode(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app", "--mode", "shared")
		if out := s.Output(); !strings.Contains(out, "mode shared") || strings.Contains(out, "WARNING") {
			t.Errorf("start output:\n%s", out)
		}
		r, _, _ := roundTrip(t, s, "GET /items/5?q=x HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.body != `{"item_id":5,"q":"x"}` {
			t.Fatalf("%d %s", r.StatusCode, r.body)
		}
		r, _, _ = roundTrip(t, s, "GET /async HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.body != `{"hello":"async"}` {
			t.Fatalf("async in shared mode: %d %s", r.StatusCode, r.body)
		}
		s.stop(t, true)
	})
}

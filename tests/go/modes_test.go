package e2e

import (
	"strings"
	"testing"
	"time"
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

func TestPooledModeBlockingHandlerDoesNotStallOthers(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--mode", "pooled",
			"--interpreters", "2", "--workers", "1")
		if !strings.Contains(s.Output(), "2 interpreters pooled for 1 event loops, mode pooled") {
			t.Errorf("start line:\n%s", s.Output())
		}
		blocked := make(chan response, 1)
		go func() {
			r, _, _ := roundTrip(t, s, "GET /block?seconds=1 HTTP/1.1\r\nHost: x\r\n\r\n")
			blocked <- r
		}()
		time.Sleep(150 * time.Millisecond) // the blocking call has started
		begin := time.Now()
		for i := 0; i < 5; i++ {
			r, _, _ := roundTrip(t, s, "GET /sync HTTP/1.1\r\nHost: x\r\n\r\n")
			if r.body != `{"sync":"ok"}` {
				t.Fatalf("sync: %d %s", r.StatusCode, r.body)
			}
		}
		if d := time.Since(begin); d > 500*time.Millisecond {
			t.Errorf("5 requests beside a blocking one took %v", d)
		}
		r, _, _ := roundTrip(t, s, "GET /sleep?seconds=0.05 HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.body != `{"slept":0.05}` {
			t.Errorf("async handler in pooled mode: %d %s", r.StatusCode, r.body)
		}
		if r := <-blocked; r.body != `{"blocked":1.0}` {
			t.Errorf("blocking handler: %d %s", r.StatusCode, r.body)
		}
		s.stop(t, true)
	})
}

func TestLifespanRunsInEveryInterpreter(t *testing.T) {
	for _, mode := range []string{"pinned", "pooled", "shared"} {
		t.Run(mode, func(t *testing.T) {
			forEachPython(t, func(t *testing.T, venv string) {
				s := start(t, venv, repoDir(t, "tests", "apps"), "lifespan_app:app", "--mode", mode,
					"--workers", "2", "--interpreters", "2")
				for i := 0; i < 4; i++ {
					r, _, _ := roundTrip(t, s, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
					want := `{"events":["startup","lifespan-enter"],"greeting":"hello from lifespan"}`
					if r.body != want {
						t.Fatalf("%s: %s, want %s\n%s", mode, r.body, want, s.Output())
					}
				}
				s.stop(t, true)
				interpreters := 2
				if mode == "shared" {
					interpreters = 1
				}
				out := s.Output()
				if strings.Count(out, "lifespan-exit") != interpreters || strings.Count(out, "shutdown-event") != interpreters {
					t.Errorf("%s: want lifespan exit and shutdown event once per interpreter (%d):\n%s", mode, interpreters, out)
				}
			})
		})
	}
}

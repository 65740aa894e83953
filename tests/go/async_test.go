package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// One interpreter must hold 1,000 awaiting requests at once: the event loop parks each
// connection and keeps accepting, instead of running coroutines one after another.
func TestThousandConcurrentAsyncSleeps(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1000, MaxConnsPerHost: 1000}}
		const n = 1000
		var wg sync.WaitGroup
		errs := make(chan error, n)
		begin := time.Now()
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Get("http://" + s.addr + "/sleep?seconds=0.2")
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(b) != `{"slept":0.2}` {
					errs <- fmt.Errorf("%d %s", resp.StatusCode, b)
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(begin)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if elapsed > 2*time.Second {
			t.Fatalf("1000 concurrent 0.2 s sleeps took %v on one interpreter, want well under 2 s", elapsed)
		}
		t.Logf("1000 concurrent asyncio.sleep(0.2) requests in %v", elapsed)
	})
}

func TestAsyncErrorsAndPipelining(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		r, _, _ := roundTrip(t, s, "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.StatusCode != 500 || r.body != "Internal Server Error" {
			t.Fatalf("raising async handler: %d %q", r.StatusCode, r.body)
		}
		if !s.outputSoon("async handler failed") {
			t.Errorf("traceback not logged:\n%s", s.Output())
		}
		// A sync request pipelined behind a slow async one is answered after it.
		r, br, _ := roundTrip(t, s, "GET /sleep?seconds=0.1 HTTP/1.1\r\nHost: x\r\n\r\nGET /sync HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.body != `{"slept":0.1}` {
			t.Fatalf("first pipelined answer: %s", r.body)
		}
		if r2 := readResponse(t, br, "GET"); r2.body != `{"sync":"ok"}` {
			t.Fatalf("second pipelined answer: %s", r2.body)
		}
	})
}

func TestHandlerTimeoutAnswers504AndInterpreterRecovers(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1", "--timeout-handler", "1")
		for _, path := range []string{"/spin", "/spin-async", "/spin-inline"} {
			begin := time.Now()
			r, _, _ := roundTrip(t, s, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
			if r.StatusCode != 504 || !strings.Contains(r.body, "Gateway Timeout") {
				t.Fatalf("%s: %d %s", path, r.StatusCode, r.body)
			}
			if d := time.Since(begin); d < 900*time.Millisecond || d > 5*time.Second {
				t.Errorf("%s answered after %v, want about 1 s", path, d)
			}
			// The same (only) interpreter serves the next request.
			r, _, _ = roundTrip(t, s, "GET /sync HTTP/1.1\r\nHost: x\r\n\r\n")
			if r.StatusCode != 200 || r.body != `{"sync":"ok"}` {
				t.Fatalf("after %s: %d %s", path, r.StatusCode, r.body)
			}
		}
	})
}

// An async handler's first step runs on the event-loop thread, as a task of the
// interpreter's asyncio loop: a handler that does not wait is answered there, one that waits
// goes on on the asyncio thread, and asyncio works the same in both. (While the asyncio
// thread is busy the whole handler runs there instead, so "inline" is checked over retries.)
func TestAsyncFirstStepRunsInlineAsATask(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		get := func(path string) string {
			r, _, _ := roundTrip(t, s, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
			if r.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, r.StatusCode, r.body)
			}
			return r.body
		}
		const asyncioThread = `"fasterapi-asyncio"`
		inline := map[bool]bool{}
		for i := 0; i < 50 && (!inline[false] || !inline[true]); i++ {
			for _, wait := range []bool{false, true} {
				body := get(fmt.Sprintf("/where?wait=%v", wait))
				if !strings.Contains(body, `"same_task":true,"same_loop":true`) {
					t.Fatalf("wait=%v: asyncio state differs between the steps: %s", wait, body)
				}
				if wait && !strings.Contains(body, `"then":`+asyncioThread) {
					t.Fatalf("a handler that waited did not go on on the asyncio thread: %s", body)
				}
				if !strings.Contains(body, `"first":`+asyncioThread) {
					inline[wait] = true
					if !wait && strings.Contains(body, `"then":`+asyncioThread) {
						t.Fatalf("a handler that did not wait moved threads: %s", body)
					}
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		if !inline[false] || !inline[true] {
			t.Fatalf("no first step ran on the event-loop thread in 50 tries (without / with a wait: %v / %v)",
				inline[false], inline[true])
		}
		// Tasks created by a handler run on the loop afterwards.
		get("/where?label=a")
		get("/where?label=b&wait=true")
		var got string
		for i := 0; i < 100; i++ {
			if got = get("/spawned"); got == `["a","b"]` {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got != `["a","b"]` {
			t.Errorf("tasks spawned by the handlers: %s, want both", got)
		}
	})
}

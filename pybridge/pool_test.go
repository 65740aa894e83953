package pybridge

import (
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The pool is process-wide (fa_pool_start has no stop), so every test and benchmark of this
// file shares one, started on first use.
var (
	poolOnce sync.Once
	poolErr  error
	// poolDone holds the token of the last answer delivered by the pool.
	poolDone atomic.Uint64
)

const poolInterpreters = 1

func startTestPool(tb testing.TB) {
	poolOnce.Do(func() {
		td, err := testdataDir()
		if err != nil {
			poolErr = err
			return
		}
		routes, err := BootMain("bridgeapp:app", td)
		if err != nil {
			poolErr = err
			return
		}
		SetDeliver(func(token uint64, r Result) {
			if r.Status != 200 || string(r.Body) != `{"message":"Hello, World!"}` {
				panic("pool answered " + string(r.Body))
			}
			poolDone.Store(token)
		})
		poolErr = StartPool(poolInterpreters, 64, "bridgeapp:app", td, routes)
	})
	if poolErr != nil {
		tb.Fatal(poolErr)
	}
}

// waitDelivered spins until the answer of token arrived, without parking: the benchmark
// measures the pool's hand-off, not the Go scheduler's wake-up of a parked goroutine.
func waitDelivered(token uint64, deadline time.Time) bool {
	for i := 0; poolDone.Load() != token; i++ {
		if i&0xffff == 0 && time.Now().After(deadline) {
			return false
		}
	}
	return true
}

func TestPoolAnswersEveryCall(t *testing.T) {
	startTestPool(t)
	meta := buildMeta("GET", "/", "", nil, nil)
	for token := uint64(1 << 40); token < 1<<40+200; token++ {
		if !Submit(0, 200, token, meta, nil) {
			t.Fatal("queue full with one call in flight")
		}
		if !waitDelivered(token, time.Now().Add(10*time.Second)) {
			t.Fatalf("call %d was not answered within 10 s", token)
		}
	}
}

// BenchmarkPoolRoundTrip is one call through the pool: the event loop's Submit, a pool
// thread taking it, the Python call, and faDeliver back into Go. Compare it with
// BenchmarkCallOnOwnThread (the same call made inline, as pinned mode does): the difference
// is the cost of the hand-off. It needs a second core for the pool thread, so it is skipped
// with GOMAXPROCS=1 (the spinning caller would hold the only P that faDeliver needs).
func BenchmarkPoolRoundTrip(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	startTestPool(b)
	meta := buildMeta("GET", "/", "", nil, nil)
	token := poolDone.Load() + 1<<50
	deadline := time.Now().Add(time.Minute)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		token++
		if !Submit(0, 200, token, meta, nil) {
			b.Fatal("queue full")
		}
		if !waitDelivered(token, deadline) {
			b.Fatal("no answer within a minute")
		}
	}
}

func BenchmarkCallOnOwnThread(b *testing.B) {
	td, err := testdataDir()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := BootMain("bridgeapp:app", td); err != nil {
		b.Fatal(err)
	}
	meta := buildMeta("GET", "/", "", nil, nil)
	onLockedThread(func() {
		if CurrentThread() == ThreadNotBooted {
			if _, err := BootThread("bridgeapp:app", td); err != nil {
				b.Error(err)
				return
			}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if r := Call(0, 200, 0, meta, nil); r.Status != 200 || !strings.Contains(string(r.Body), "Hello") {
				b.Errorf("call answered %d %q", r.Status, r.Body)
				return
			}
		}
	})
}

func testdataDir() (string, error) { return filepath.Abs("testdata") }

// Command wsecho is the no-Python reference of the WebSocket/SSE benchmark (bench/ws.sh):
// gorilla/websocket echo on /ws and the same SSE fan-out as bench/apps/broadcast.py on /sse,
// on net/http with one P.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// tickInterval matches broadcast.py's TICK_SECONDS: the offered load is far above what the
// server pushes, so events/s measures push throughput.
const tickInterval = time.Millisecond

// broadcaster closes the current tick channel on every tick, waking every client at once;
// a client busy writing when a tick comes skips it, as in broadcast.py.
type broadcaster struct {
	mu    sync.Mutex
	tick  chan struct{}
	event []byte
}

func (b *broadcaster) run() {
	seq := 0
	for range time.Tick(tickInterval) {
		seq++
		ev := fmt.Appendf(nil, "data: {\"seq\":%d,\"t\":%.6f}\n\n", seq, float64(time.Now().UnixMicro())/1e6)
		b.mu.Lock()
		old := b.tick
		b.tick, b.event = make(chan struct{}), ev
		b.mu.Unlock()
		close(old)
	}
}

func (b *broadcaster) next() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tick
}

func (b *broadcaster) current() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.event
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	runtime.GOMAXPROCS(1) // the peers get one core each
	upgrader := websocket.Upgrader{}
	b := &broadcaster{tick: make(chan struct{})}
	go b.run()

	http.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"message":"Hello, World!"}`))
	})
	http.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer func() { _ = c.Close() }()
		for {
			kind, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(kind, msg); err != nil {
				return
			}
		}
	})
	http.HandleFunc("/sse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		flusher := w.(http.Flusher)
		flusher.Flush()
		for {
			tick := b.next()
			select {
			case <-tick:
			case <-r.Context().Done():
				return
			}
			if _, err := w.Write(b.current()); err != nil {
				return
			}
			flusher.Flush()
		}
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// EchoOptions configures an echo run: Conns connections, each keeping InFlight text
// messages of Size bytes outstanding against an endpoint that sends every message back.
type EchoOptions struct {
	URL      string
	Conns    int
	InFlight int
	Size     int
	Warmup   time.Duration
	Duration time.Duration
}

// RunEcho loads an echo endpoint and reports messages echoed per second over the measured
// window, with the p50/p99 round trip (send to matching receive) of the messages it timed.
func RunEcho(o EchoOptions) (Result, error) {
	if o.Conns < 1 || o.InFlight < 1 || o.Size < 1 {
		return Result{}, errors.New("conns, inflight and size must be >= 1")
	}
	payload := bytes.Repeat([]byte("x"), o.Size)
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conns := make([]*websocket.Conn, 0, o.Conns)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for range o.Conns {
		c, resp, err := dialer.Dial(o.URL, nil)
		if err != nil {
			return Result{}, fmt.Errorf("dial %s: %w", o.URL, err)
		}
		_ = resp.Body.Close()
		conns = append(conns, c)
	}

	var measuring, stopping atomic.Bool
	quit := make(chan struct{})
	var count, errs atomic.Int64
	var firstErr atomic.Value
	samples := make([][]time.Duration, o.Conns)
	var wg sync.WaitGroup
	for i, c := range conns {
		// Echo keeps a connection's messages in order, so the send times queue up in a FIFO
		// the reader pops from; the FIFO's capacity is the in-flight limit.
		sent := make(chan time.Time, o.InFlight)
		wg.Add(2)
		go func() { // writer
			defer wg.Done()
			for {
				select {
				case sent <- time.Now():
				case <-quit:
					return
				}
				if err := c.WriteMessage(websocket.TextMessage, payload); err != nil {
					if !stopping.Load() {
						errs.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
					return
				}
			}
		}()
		go func() { // reader
			defer wg.Done()
			var own []time.Duration
			defer func() { samples[i] = own }()
			for {
				_, msg, err := c.ReadMessage()
				if err != nil {
					if !stopping.Load() {
						errs.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
					return
				}
				t0 := <-sent
				if len(msg) != len(payload) {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Errorf("echoed %d bytes, sent %d", len(msg), len(payload)))
				}
				if measuring.Load() {
					count.Add(1)
					own = append(own, time.Since(t0))
				}
			}
		}()
	}

	time.Sleep(o.Warmup)
	measuring.Store(true)
	start := time.Now()
	time.Sleep(o.Duration)
	measuring.Store(false)
	elapsed := time.Since(start)
	n := count.Load()
	stopping.Store(true)
	close(quit) // a writer waiting for a free in-flight slot returns
	for _, c := range conns {
		_ = c.Close() // the reader's read and any write in progress fail and return
	}
	wg.Wait()
	if e := errs.Load(); e > 0 {
		return Result{}, fmt.Errorf("%d errors during the run, first: %v", e, firstErr.Load())
	}
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	var r Result
	r.Set("mode", "echo")
	r.Set("conns", o.Conns)
	r.Set("inflight", o.InFlight)
	r.Set("size", o.Size)
	r.Set("seconds", elapsed.Seconds())
	r.Set("msgs", n)
	r.Set("msgs_per_s", float64(n)/elapsed.Seconds())
	r.Set("p50_ms", Percentile(all, 50))
	r.Set("p99_ms", Percentile(all, 99))
	return r, nil
}

package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// SSEOptions configures an SSE run: Clients concurrent GETs of a text/event-stream URL.
type SSEOptions struct {
	URL            string
	Clients        int
	Warmup         time.Duration
	Duration       time.Duration
	ConnectTimeout time.Duration
}

// RunSSE connects every client, waits until all have their response headers and the
// warm-up has passed, then counts the events all clients receive over the measured window.
func RunSSE(o SSEOptions) (Result, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "http" {
		return Result{}, fmt.Errorf("want an http:// URL, got %q", o.URL)
	}
	if o.Clients < 1 {
		return Result{}, errors.New("clients must be >= 1")
	}
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n",
		u.RequestURI(), u.Host)

	var events, errs atomic.Int64
	var firstErr atomic.Value
	var stopping atomic.Bool
	fail := func(err error) {
		if !stopping.Load() {
			errs.Add(1)
			firstErr.CompareAndSwap(nil, err)
		}
	}
	var ready, done sync.WaitGroup
	ready.Add(o.Clients)
	conns := make([]net.Conn, o.Clients)
	start := time.Now()
	for i := range o.Clients {
		done.Add(1)
		go func() {
			defer done.Done()
			readied := false
			defer func() {
				if !readied {
					ready.Done()
				}
			}()
			c, err := net.DialTimeout("tcp", u.Host, o.ConnectTimeout)
			if err != nil {
				fail(err)
				return
			}
			conns[i] = c
			if _, err := c.Write([]byte(req)); err != nil {
				fail(err)
				return
			}
			br := bufio.NewReaderSize(c, 16<<10)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				fail(err)
				return
			}
			if resp.StatusCode != http.StatusOK {
				fail(fmt.Errorf("status %d", resp.StatusCode))
				return
			}
			readied = true
			ready.Done()
			// resp.Body undoes the chunked framing; the counter sees the event stream itself.
			body := bufio.NewReaderSize(resp.Body, 16<<10)
			var counter EventCounter
			for {
				line, err := body.ReadSlice('\n')
				if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
					fail(fmt.Errorf("stream ended: %w", err))
					return
				}
				before := counter.Events
				counter.Line(line)
				if counter.Events != before {
					events.Add(1)
				}
			}
		}()
	}
	waited := make(chan struct{})
	go func() { ready.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(o.ConnectTimeout):
		return Result{}, fmt.Errorf("not every client connected within %v", o.ConnectTimeout)
	}
	connectTime := time.Since(start)
	if e := errs.Load(); e > 0 {
		return Result{}, fmt.Errorf("%d of %d clients failed to connect, first: %v", e, o.Clients, firstErr.Load())
	}
	time.Sleep(o.Warmup)
	n0 := events.Load()
	t0 := time.Now()
	time.Sleep(o.Duration)
	n := events.Load() - n0
	elapsed := time.Since(t0)
	stopping.Store(true)
	failed := errs.Load()
	for _, c := range conns {
		if c != nil {
			_ = c.Close()
		}
	}
	done.Wait()
	if failed > 0 {
		return Result{}, fmt.Errorf("%d client streams failed, first: %v", failed, firstErr.Load())
	}
	var r Result
	r.Set("mode", "sse")
	r.Set("clients", o.Clients)
	r.Set("connect_s", connectTime.Seconds())
	r.Set("seconds", elapsed.Seconds())
	r.Set("events", n)
	r.Set("events_per_s", float64(n)/elapsed.Seconds())
	return r, nil
}

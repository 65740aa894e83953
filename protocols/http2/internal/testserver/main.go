// Command testserver serves HTTP/2 with prior knowledge (h2c) on a TCP
// port using only the sans-I/O core in protocols/http2, answering every
// request with 200 "ok" once the request has ended. It exists to run
// conformance tools such as h2spec against the core:
//
//	go run ./protocols/http2/internal/testserver -addr 127.0.0.1:8443 &
//	h2spec -h 127.0.0.1 -p 8443
//
// h2spec skips its negative-window test when the body is shorter than 5
// bytes; -body "ok ok" makes it run.
package main

import (
	"errors"
	"flag"
	"log"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "address to listen on")
	body := flag.String("body", "ok", "response body")
	flag.Parse()
	okBody = []byte(*body)
	okHeaders[1].Value = strconv.Itoa(len(okBody))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on %s", ln.Addr())
	if err := serve(ln, http2.Config{}); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

// serve accepts connections until ln is closed.
func serve(ln net.Listener, cfg http2.Config) error {
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go serveConn(nc, cfg)
	}
}

// idleTimeout closes connections that neither send nor accept bytes.
const idleTimeout = 10 * time.Second

var (
	okHeaders = []http2.Header{{Name: "content-type", Value: "text/plain"}, {Name: "content-length", Value: "2"}}
	okBody    = []byte("ok")
)

// serveConn drives one Conn: write what it has, read, feed, answer.
func serveConn(nc net.Conn, cfg http2.Config) {
	defer nc.Close()
	c := http2.NewConn(cfg)
	buf := make([]byte, 64<<10)
	for {
		if err := flush(nc, c); err != nil || c.Closed() {
			return
		}
		_ = nc.SetReadDeadline(time.Now().Add(idleTimeout))
		n, rerr := nc.Read(buf)
		ferr := c.Feed(buf[:n])
		for ev, ok := c.NextEvent(); ok; ev, ok = c.NextEvent() {
			switch ev.Kind {
			case http2.EventRequestHeaders, http2.EventRequestTrailers:
				if ev.EndStream {
					respond(c, ev.Stream)
				}
			case http2.EventRequestData:
				c.ConsumeData(ev.Stream, len(ev.Data))
				if ev.EndStream {
					respond(c, ev.Stream)
				}
			}
		}
		if ferr != nil {
			_ = flush(nc, c)
			return
		}
		if rerr != nil {
			return
		}
	}
}

func respond(c *http2.Conn, stream uint32) {
	if c.WriteHeaders(stream, 200, okHeaders, false) == nil {
		_, _ = c.WriteData(stream, okBody, true)
	}
}

// flush writes everything the Conn has pending.
func flush(nc net.Conn, c *http2.Conn) error {
	for p := c.Pending(); len(p) > 0; p = c.Pending() {
		_ = nc.SetWriteDeadline(time.Now().Add(idleTimeout))
		n, err := nc.Write(p)
		c.Consumed(n)
		if err != nil {
			return err
		}
	}
	return nil
}

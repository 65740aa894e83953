// Command gnetbare is the benchmark's ceiling: one gnet event loop answering every request
// with a fixed JSON body, with no routing, no Python and no per-request work beyond finding
// the end of the request head. FasterAPI's /json is measured against it.
package main

import (
	"bytes"
	"flag"
	"log"
	"strconv"
	"time"

	"github.com/panjf2000/gnet/v2"
)

type responder struct {
	gnet.BuiltinEventEngine
	head []byte
}

var body = []byte(`{"message":"Hello, World!"}`)

func (r *responder) OnTraffic(c gnet.Conn) gnet.Action {
	in, _ := c.Peek(-1)
	var out []byte
	consumed := 0
	for {
		end := bytes.Index(in[consumed:], []byte("\r\n\r\n"))
		if end < 0 {
			break
		}
		consumed += end + 4
		out = append(out, r.head...)
		out = append(out, body...)
	}
	_, _ = c.Discard(consumed)
	if len(out) > 0 {
		_, _ = c.Write(out)
	}
	return gnet.None
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	date := time.Now().UTC().Format(time.RFC1123)
	r := &responder{head: []byte("HTTP/1.1 200 OK\r\nserver: gnetbare\r\ndate: " + date +
		"\r\ncontent-type: application/json\r\ncontent-length: " + strconv.Itoa(len(body)) + "\r\n\r\n")}
	log.Fatal(gnet.Run(r, "tcp://"+*addr, gnet.WithMulticore(false), gnet.WithLockOSThread(true)))
}

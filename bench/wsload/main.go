// Command wsload is the WebSocket and Server-Sent Events load client of the benchmark
// (bench/ws.sh). It prints one line per run, "wsload key=value ...", for scripts to parse.
//
//	wsload echo -url ws://127.0.0.1:8765/ws -conns 100 -inflight 32 -size 64 -duration 5s
//	wsload sse -url http://127.0.0.1:8765/sse -clients 1000 -duration 5s
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	var res Result
	switch os.Args[1] {
	case "echo":
		fs := flag.NewFlagSet("echo", flag.ExitOnError)
		o := EchoOptions{}
		fs.StringVar(&o.URL, "url", "ws://127.0.0.1:8765/ws", "WebSocket URL of an echo endpoint")
		fs.IntVar(&o.Conns, "conns", 1, "connections")
		fs.IntVar(&o.InFlight, "inflight", 32, "messages in flight per connection")
		fs.IntVar(&o.Size, "size", 64, "message size in bytes (text frames)")
		fs.DurationVar(&o.Warmup, "warmup", time.Second, "load before the measured window")
		fs.DurationVar(&o.Duration, "duration", 5*time.Second, "measured window")
		_ = fs.Parse(os.Args[2:])
		res, err = RunEcho(o)
	case "sse":
		fs := flag.NewFlagSet("sse", flag.ExitOnError)
		o := SSEOptions{}
		fs.StringVar(&o.URL, "url", "http://127.0.0.1:8765/sse", "URL of a text/event-stream endpoint")
		fs.IntVar(&o.Clients, "clients", 1000, "concurrent clients")
		fs.DurationVar(&o.Warmup, "warmup", time.Second, "streaming after every client is connected, before the measured window")
		fs.DurationVar(&o.Duration, "duration", 5*time.Second, "measured window")
		fs.DurationVar(&o.ConnectTimeout, "connect-timeout", 30*time.Second, "time allowed for all clients to get their response headers")
		_ = fs.Parse(os.Args[2:])
		res, err = RunSSE(o)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		os.Exit(1)
	}
	fmt.Println(res.Line())
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: wsload echo|sse [flags]; wsload echo -h for the flags")
	os.Exit(2)
}

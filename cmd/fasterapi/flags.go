package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

type serveFlags struct {
	spec             string
	host             string
	port             int
	workers          int
	appDir           string
	logLevel         string
	gracefulTimeout  time.Duration
	keepAliveTimeout time.Duration
	headerTimeout    time.Duration
	bodyTimeout      time.Duration
	maxRequestLine   int
	maxHeaderBytes   int
	maxBodySize      int64
	maxUploadSize    int64
	accessLog        bool
	wsMaxSize        int64
	wsDeflate        bool
	ssePing          time.Duration
	wsPingInterval   time.Duration
	wsPingTimeout    time.Duration
	handlerTimeout   time.Duration
	mode             string
	limitConcurrency int64
	interpreters     int
	queueSize        int
	tls              tlsFlags
}

var logLevels = map[string]int{"trace": 0, "debug": 1, "info": 2, "warning": 3, "error": 4, "critical": 5}

// parseServe parses uvicorn-style options; the app spec may come before or after them.
func parseServe(name string, args []string) (*serveFlags, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&f.host, "host", "127.0.0.1", "bind address")
	fs.IntVar(&f.port, "port", 8000, "bind port")
	fs.IntVar(&f.workers, "workers", runtime.NumCPU(), "number of event loops, each with an interpreter of its own GIL in pinned mode")
	fs.StringVar(&f.appDir, "app-dir", ".", "directory put first on sys.path to import the app from")
	fs.StringVar(&f.logLevel, "log-level", "info", "trace, debug, info, warning, error or critical")
	fs.DurationVar(&f.gracefulTimeout, "graceful-timeout", 10*time.Second, "time in-flight requests get to finish on SIGINT/SIGTERM")
	fs.DurationVar(&f.gracefulTimeout, "timeout-graceful-shutdown", 10*time.Second, "alias of --graceful-timeout (uvicorn's name)")
	fs.DurationVar(&f.keepAliveTimeout, "timeout-keep-alive", 5*time.Second, "close a keep-alive connection idle this long")
	fs.DurationVar(&f.headerTimeout, "timeout-header-read", 10*time.Second, "a request head must arrive within this time of its first byte")
	fs.DurationVar(&f.bodyTimeout, "timeout-body-read", 30*time.Second, "longest pause while a request body arrives")
	fs.IntVar(&f.maxRequestLine, "max-request-line", 8192, "longest request line in bytes (414 beyond)")
	fs.IntVar(&f.maxHeaderBytes, "max-header-bytes", 16384, "largest request header section in bytes (431 beyond)")
	fs.Int64Var(&f.maxBodySize, "max-body-size", 16<<20, "largest request body in bytes (413 beyond); for uploads, the most their form fields and small files hold in memory")
	fs.Int64Var(&f.maxUploadSize, "max-upload-size", 1<<30, "largest multipart body sent to a route with File/Form parameters, streamed to temporary files as it arrives (413 beyond; 0: no limit)")
	fs.DurationVar(&f.handlerTimeout, "timeout-handler", 0, "answer 504 and stop a handler that runs longer than this (0: no limit)")
	fs.StringVar(&f.mode, "mode", "pinned", "pinned (an interpreter with its own GIL per event loop: the main one for the first, sub-interpreters for the others), pooled (--interpreters threads shared by all loops, for blocking handlers) or shared (the main interpreter, one GIL; for extensions that refuse sub-interpreters)")
	fs.IntVar(&f.interpreters, "interpreters", runtime.NumCPU(), "interpreter threads in pooled mode")
	fs.IntVar(&f.queueSize, "queue-size", 1024, "calls that may wait for a free interpreter in pooled mode (503 beyond)")
	fs.Int64Var(&f.limitConcurrency, "limit-concurrency", 0, "answer 503 (Retry-After: 1) when this many handler calls are already running (0: no limit)")
	fs.Int64Var(&f.wsMaxSize, "ws-max-size", 16<<20, "largest WebSocket message in bytes (the connection is closed with 1009 beyond)")
	fs.BoolVar(&f.wsDeflate, "ws-per-message-deflate", true, "accept WebSocket permessage-deflate compression when the client offers it")
	fs.DurationVar(&f.wsPingInterval, "ws-ping-interval", 20*time.Second, "ping an open WebSocket this often (0: never)")
	fs.DurationVar(&f.wsPingTimeout, "ws-ping-timeout", 20*time.Second, "drop a WebSocket peer that does not answer a ping within this time")
	fs.DurationVar(&f.ssePing, "sse-ping-interval", 15*time.Second, "send a keep-alive comment on a Server-Sent Events stream idle this long")
	fs.BoolVar(&f.accessLog, "access-log", false, "log one line per request (off by default: it costs throughput)")
	f.tls.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: fasterapi %s MODULE:ATTR [options]\n\noptions (a number alone for a duration means seconds):\n", name)
		fs.PrintDefaults()
	}
	rest := secondsAsDurations(args)
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		if f.spec != "" {
			return nil, fmt.Errorf("unexpected argument %q: give one MODULE:ATTR", fs.Arg(0))
		}
		f.spec = fs.Arg(0)
		rest = fs.Args()[1:]
	}
	if f.spec == "" {
		fs.Usage()
		return nil, fmt.Errorf("missing the app: give MODULE:ATTR, e.g. fasterapi %s app:app", name)
	}
	if !strings.Contains(f.spec, ":") {
		return nil, fmt.Errorf("app %q must be MODULE:ATTR, e.g. %s:app", f.spec, f.spec)
	}
	if _, ok := logLevels[f.logLevel]; !ok {
		return nil, fmt.Errorf("--log-level %q: use one of trace, debug, info, warning, error, critical", f.logLevel)
	}
	if f.mode != "pinned" && f.mode != "shared" && f.mode != "pooled" {
		return nil, fmt.Errorf("--mode %q: use pinned, pooled or shared", f.mode)
	}
	if f.interpreters < 1 || f.queueSize < 1 {
		return nil, fmt.Errorf("--interpreters and --queue-size must be at least 1")
	}
	if f.workers < 1 {
		return nil, fmt.Errorf("--workers must be at least 1, got %d", f.workers)
	}
	if f.port < 0 || f.port > 65535 {
		return nil, fmt.Errorf("--port %d is out of range 0-65535", f.port)
	}
	if f.maxUploadSize < 0 {
		return nil, fmt.Errorf("--max-upload-size must be 0 (no limit) or a size in bytes, got %d", f.maxUploadSize)
	}
	if err := f.tls.check(f.port); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(f.appDir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--app-dir %q is not a directory", f.appDir)
	}
	f.appDir = dir
	return f, nil
}

// secondsAsDurations lets duration flags take uvicorn's plain seconds ("--timeout-keep-alive 5").
func secondsAsDurations(args []string) []string {
	durations := map[string]bool{"graceful-timeout": true, "timeout-graceful-shutdown": true,
		"timeout-keep-alive": true, "timeout-header-read": true, "timeout-body-read": true, "sse-ping-interval": true, "ws-ping-interval": true, "ws-ping-timeout": true,
		"timeout-handler": true}
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			if durations[name[:eq]] && isNumber(name[eq+1:]) {
				a = a + "s"
			}
			out = append(out, a)
			continue
		}
		out = append(out, a)
		if durations[name] && i+1 < len(args) && isNumber(args[i+1]) {
			out = append(out, args[i+1]+"s")
			i++
		}
	}
	return out
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	dot := false
	for _, c := range s {
		switch {
		case c == '.' && !dot:
			dot = true
		case c < '0' || c > '9':
			return false
		}
	}
	return true
}

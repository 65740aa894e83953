package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/server"
	"github.com/fasterapi/fasterapi/transport"
)

const warmUpTimeout = 120 * time.Second

func startHost(f *serveFlags, warn func(string)) (*pyhost.Host, error) {
	return pyhost.Start(pyhost.Config{
		Spec:           f.spec,
		AppDir:         f.appDir,
		Home:           os.Getenv("FASTERAPI_PYTHON_HOME"),
		Executable:     os.Getenv("FASTERAPI_PYTHON_EXECUTABLE"),
		Workers:        f.workers,
		HandlerTimeout: f.handlerTimeout,
		Mode:           f.mode,
		Interpreters:   f.interpreters,
		QueueSize:      f.queueSize,
		Warn:           warn,
	})
}

// serve runs on the main goroutine, which pyhost keeps on the main thread for CPython's sake.
func serve(args []string) int {
	f, err := parseServe("serve", args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fasterapi:", err)
		return 2
	}
	log := newLogger(f.logLevel)
	// Certificates are read before the interpreters start, so a bad file fails at once.
	var certs *transport.TLSStore
	if f.tls.enabled() {
		if certs, err = transport.NewTLSStore(f.tls.files()); err != nil {
			log.Error("%v", err)
			return 1
		}
	}
	os.Setenv("FASTERAPI_LOG_LEVEL", f.logLevel)
	// Async handlers are timed by their own asyncio loop (fasterapi._concurrency).
	os.Setenv("FASTERAPI_SSE_PING_INTERVAL", strconv.FormatFloat(f.ssePing.Seconds(), 'f', -1, 64))
	os.Setenv("FASTERAPI_TIMEOUT_HANDLER", strconv.FormatFloat(f.handlerTimeout.Seconds(), 'f', -1, 64))
	host, err := startHost(f, func(msg string) { log.Warn("%s", msg) })
	if err != nil {
		log.Error("%v", err)
		return 1
	}
	limits := http1.DefaultLimits()
	limits.MaxRequestLine = f.maxRequestLine
	limits.MaxHeaderBytes = f.maxHeaderBytes
	limits.MaxBodyBytes = f.maxBodySize
	opts := server.Options{
		Limits:           limits,
		MaxUploadBytes:   f.maxUploadSize,
		KeepAliveTimeout: f.keepAliveTimeout,
		HeaderTimeout:    f.headerTimeout,
		BodyTimeout:      f.bodyTimeout,
		LimitConcurrency: f.limitConcurrency,
		WebSocket:        websocket.HandshakeOptions{Deflate: f.wsDeflate},
		WSMaxSize:        f.wsMaxSize,
		WSPingInterval:   f.wsPingInterval,
		WSPingTimeout:    f.wsPingTimeout,
		App:              host.App(),
	}
	if f.accessLog {
		opts.AccessLog = func(line string) { log.Info("%s", line) }
	}
	opts.ErrorLog = func(msg string) { log.Error("%s", msg) }
	var tr *transport.Server
	srv, err := server.New(host.Routes(), host, opts, func() bool { return tr.Draining() })
	if err != nil {
		log.Error("%v", err)
		return 1
	}
	pybridge.SetDeliver(srv.Deliver)
	pybridge.SetStreamSink(srv.StreamSend)
	pybridge.SetStreamAttacher(srv.StreamAttach)
	tcfg := transport.Config{
		Host:         f.host,
		Port:         f.port,
		Loops:        f.workers,
		OnLoopThread: host.EnsureThread,
		NewSession:   srv.NewSession,
		Log: func(level, msg string) {
			if level == "error" {
				log.Error("%s", msg)
			} else {
				log.Warn("%s", msg)
			}
		},
	}
	if certs != nil {
		tcfg.TLS, tcfg.HandshakeTimeout = certs.Config(), f.headerTimeout
		tcfg.TLSPort, tcfg.NoCleartext = f.tls.port, f.tls.port == 0
		if tcfg.NoCleartext {
			tcfg.TLSPort = f.port
		}
	}
	tr = transport.New(tcfg)
	pybridge.SetDoorbell(tr.Doorbell)
	stopClock := make(chan struct{})
	go srv.RunClock(stopClock)
	runErr := make(chan error, 1)
	go func() { runErr <- tr.Run() }()

	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)

	warm := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), warmUpTimeout)
		defer cancel()
		warm <- tr.WarmUp(ctx, host.Ready)
	}()
	select {
	case err := <-runErr:
		log.Error("cannot serve on %s: %v", listening(tcfg), err)
		return 1
	case err := <-warm:
		if err != nil {
			log.Error("starting the interpreters failed: %v", err)
			_ = tr.Shutdown(context.Background())
			return 1
		}
	case sig := <-signals:
		log.Info("received %v while starting: shutting down", sig)
		ctx, cancel := context.WithTimeout(context.Background(), f.gracefulTimeout)
		defer cancel()
		_ = tr.Shutdown(ctx)
		host.Close()
		return 0
	}
	interpreters := strconv.Itoa(host.Ready()) + " interpreters"
	if host.Ready() == 1 {
		interpreters = "1 interpreter"
	}
	switch host.Mode() {
	case pyhost.ModeShared:
		interpreters = "1 interpreter shared by " + strconv.Itoa(f.workers) + " event loops"
	case pyhost.ModePooled:
		interpreters = strconv.Itoa(f.interpreters) + " interpreters pooled for " + strconv.Itoa(f.workers) + " event loops"
	}
	log.Info("FasterAPI running on %s (Python %s, %s, mode %s). Press CTRL+C to quit",
		listening(tcfg), pybridge.CompiledVersion, interpreters, host.Mode())

	// SIGHUP re-reads the certificates; new handshakes use them, open connections go on.
	hup := make(chan os.Signal, 1)
	if certs != nil {
		signal.Notify(hup, syscall.SIGHUP)
	}
	for done := false; !done; {
		select {
		case sig := <-signals:
			log.Info("received %v: shutting down (graceful timeout %v)", sig, f.gracefulTimeout)
			done = true
		case <-hup:
			if err := certs.Reload(); err != nil {
				log.Error("SIGHUP: keeping the certificates in use: %v", err)
			} else {
				log.Info("SIGHUP: certificates reloaded")
			}
		case err := <-runErr:
			log.Error("server stopped: %v", err)
			host.Close()
			return 1
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.gracefulTimeout)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		log.Warn("shutdown: %v", err)
	}
	close(stopClock)
	host.Close()
	log.Info("finished server process")
	return 0
}

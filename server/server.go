// Package server is the glue between protocol events and the Python host: it turns a parsed
// HTTP/1.1 request into a route lookup and a handler call, and the result into response bytes.
package server

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/protocols/websocket"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/router"
	"github.com/fasterapi/fasterapi/transport"
)

// Options are the HTTP-level settings.
type Options struct {
	Limits http1.Limits
	// MaxUploadBytes bounds a multipart body sent to a form route, which is streamed to
	// disk instead of received whole (upload.go); 0: no limit. Limits.MaxBodyBytes bounds
	// every other body, and what such a form keeps in memory.
	MaxUploadBytes   int64
	KeepAliveTimeout time.Duration // idle time between requests before the connection is cut
	HeaderTimeout    time.Duration // time to receive a whole request head (slowloris guard)
	BodyTimeout      time.Duration // longest pause between body bytes
	AccessLog        func(line string)
	// LimitConcurrency answers 503 once this many handler calls are running or awaiting
	// (0: no limit), so overload sheds requests instead of queueing them without bound.
	LimitConcurrency int64
	// WebSocket is what the opening handshake agrees to (permessage-deflate).
	WebSocket websocket.HandshakeOptions
	// WSMaxSize bounds a received WebSocket message (0: the protocol package's default).
	WSMaxSize int64
	// WSPingInterval is how often an open WebSocket is pinged (0: never); a peer that does
	// not answer within WSPingTimeout is cut.
	WSPingInterval time.Duration
	WSPingTimeout  time.Duration
	// ErrorLog receives errors met while answering in Go (a FileResponse whose file is
	// missing, a file read failing); nil drops them.
	ErrorLog func(msg string)
	// App is what the app declared beside its routes: the built-in middleware, and the
	// route through which the server's own answers reach its Python HTTP middleware.
	App pyhost.AppConfig
}

// Caller runs a route's handler; pyhost.Host is the real one. A Deferred result is answered
// later by a call of Server.Deliver with the same token.
type Caller interface {
	Call(route int, token uint64, meta, body []byte) pybridge.Result
}

// Server answers HTTP requests with the app's handlers.
type Server struct {
	opts   Options
	caller Caller
	router *router.Router
	// wsRouter holds the WebSocket routes, which share paths with HTTP routes.
	wsRouter     *router.Router
	hasWebSocket bool
	draining     func() bool
	date         atomic.Pointer[[]byte]
	// sessions maps a session's token to it, so a deferred answer finds its connection.
	sessions  sync.Map
	nextToken atomic.Uint64
	channels  channelHub
	// inflight counts handler calls that have not answered yet (async ones included).
	inflight atomic.Int64
	// mounts holds, by route handle, the StaticFiles mounts served in Go (nil: none).
	mounts []*staticMount
	// formRoutes marks, by route handle, the routes whose form bodies Go parses (nil: none).
	formRoutes []bool
	// mw is the app's built-in middleware (nil: none, and no cost).
	mw *mwChain
	// answerRoute is the route the server's own 404/405/307 answers are passed to when the
	// app has Python HTTP middleware (answerroute.go); -1 otherwise.
	answerRoute int
}

var serverHeader = []byte("fasterapi")

// websocketMethod marks a WebSocket route in the app's route table; answerMethod the route
// of the server's own answers (answerroute.go), which no request matches.
const (
	websocketMethod = "WEBSOCKET"
	answerMethod    = "FASTERAPI-ANSWER"
)

// New builds the router from the route table. draining reports a shutdown in progress.
func New(routes []pyhost.Route, caller Caller, opts Options, draining func() bool) (*Server, error) {
	r, ws := router.New(), router.New()
	hasWS := false
	mounts, err := staticMounts(routes)
	if err != nil {
		return nil, err
	}
	mw, err := newMWChain(opts.App.Middleware)
	if err != nil {
		return nil, err
	}
	answerRoute := -1
	for i, rt := range routes {
		if slices.Contains(rt.Methods, answerMethod) {
			if i != opts.App.AnswerRoute {
				return nil, fmt.Errorf("route %d is an answer route, but the app's answer route is %d", i, opts.App.AnswerRoute)
			}
			answerRoute = i
			continue
		}
		target, methods, pattern := r, rt.Methods, rt.Path
		if slices.Contains(methods, websocketMethod) {
			target, methods = ws, []string{"GET"}
			hasWS = true
		}
		if mounts != nil && mounts[i] != nil {
			// Every method reaches the mount, which answers 405 itself, as StaticFiles does.
			methods, pattern = nil, mounts[i].pattern
		}
		if err := target.Add(methods, pattern, i); err != nil {
			return nil, fmt.Errorf("route %q: %w", rt.Path, err)
		}
	}
	s := &Server{opts: opts, caller: caller, router: r, wsRouter: ws, hasWebSocket: hasWS, draining: draining,
		mounts: mounts, formRoutes: formRouteTable(routes), mw: mw, answerRoute: answerRoute}
	s.tickDate(time.Now())
	pybridge.SetFormParser(parseFormInMemory)
	return s, nil
}

// tickDate refreshes the cached Date header value; RunClock calls it every second so requests
// never format a date.
func (s *Server) tickDate(now time.Time) {
	b := http1.AppendDate(nil, now)
	s.date.Store(&b)
}

// RunClock keeps the Date header current until stop is closed.
func (s *Server) RunClock(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			s.tickDate(now)
		case <-stop:
			return
		}
	}
}

// overLimit reports that --limit-concurrency calls are already running or awaiting.
func (s *Server) overLimit() bool {
	limit := s.opts.LimitConcurrency
	return limit > 0 && s.inflight.Load() >= limit
}

// maxPipelined bounds the bytes a connection may send ahead while its answer is pending.
func (s *Server) maxPipelined() int {
	return s.opts.Limits.MaxRequestLine + s.opts.Limits.MaxHeaderBytes + int(s.opts.Limits.MaxBodyBytes)
}

// NewSession is the transport.Factory for HTTP/1.1 connections.
func (s *Server) NewSession(info transport.ConnInfo) transport.Session {
	sess := &session{srv: s, info: info, parser: http1.NewParser(s.opts.Limits), token: s.nextToken.Add(1), first: true}
	if s.formRoutes != nil {
		sess.parser.PauseAfterHead() // so that uploads stream (upload.go)
	}
	s.sessions.Store(sess.token, sess)
	sess.armIdle()
	return sess
}

// Deliver hands the answer of a deferred (async) request to its connection, which writes it
// on its own event loop. Answers for connections that closed meanwhile are dropped. It may be
// called from any thread (pybridge calls it from an interpreter's asyncio thread).
func (s *Server) Deliver(token uint64, r pybridge.Result) {
	sess := s.sessionOf(token)
	if sess == nil {
		return
	}
	if stream := uint32(token); stream != 0 {
		if h2 := sess.h2.Load(); h2 != nil {
			h2.deliver(stream, r)
		}
	} else {
		sess.completion.Store(&r)
	}
	sess.info.Wake()
}

package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// Server runs the gnet engine.
type Server struct {
	cfg      Config
	eng      gnet.Engine
	booted   chan struct{}
	conns    sync.Map // gnet.Conn -> Session
	open     atomic.Int64
	draining atomic.Bool
	outPool  sync.Pool
	loopErr  atomic.Pointer[error]
	gnet.BuiltinEventEngine
}

// New makes a server; Run starts it.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, booted: make(chan struct{})}
	s.outPool.New = func() any { b := make([]byte, 0, 16<<10); return &b }
	return s
}

func (s *Server) logf(level, msg string) {
	if s.cfg.Log != nil {
		s.cfg.Log(level, msg)
	}
}

// Run serves until Shutdown; it blocks. gnet keeps each loop on one locked OS thread, which the
// pinned interpreters require (notes/gnet-inline-python.md: without it the loop goroutine
// migrates between threads after an empty epoll wait).
func (s *Server) Run() error {
	addr := "tcp://" + net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	return gnet.Run(s, addr,
		gnet.WithMulticore(true),
		gnet.WithNumEventLoop(s.cfg.Loops),
		gnet.WithLockOSThread(true),
		gnet.WithLoadBalancing(gnet.RoundRobin),
		gnet.WithReuseAddr(true),
		gnet.WithTCPNoDelay(gnet.TCPNoDelay),
		gnet.WithLogger(gnetLogger{logf: s.logf}),
	)
}

// OnBoot records the engine.
func (s *Server) OnBoot(eng gnet.Engine) gnet.Action {
	s.eng = eng
	close(s.booted)
	go s.sweep()
	return gnet.None
}

// WarmUp connects to the server until every loop has run OnLoopThread (round-robin balancing
// hands consecutive connections to consecutive loops), so interpreters are created before the
// first real request instead of on it. ready reports how many loops are done.
func (s *Server) WarmUp(ctx context.Context, ready func() int) error {
	select {
	case <-s.booted:
	case <-ctx.Done():
		return ctx.Err()
	}
	addr := dialAddr(s.cfg.Host, s.cfg.Port)
	for ready() < s.cfg.Loops {
		if p := s.loopErr.Load(); p != nil {
			return *p
		}
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("warm-up connection to %s: %w", addr, err)
		}
		// The loop runs OnLoopThread in OnOpen. Round-robin sends the next dial to the next loop,
		// so waiting a little for this one is enough; a slow boot finishes on its own.
		before := ready()
		for i := 0; i < 20 && ready() == before && s.loopErr.Load() == nil; i++ {
			time.Sleep(5 * time.Millisecond)
		}
		_ = c.Close()
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if p := s.loopErr.Load(); p != nil {
		return *p
	}
	return nil
}

// OnOpen prepares the loop thread and creates the connection's session.
func (s *Server) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	if err := s.cfg.OnLoopThread(); err != nil {
		s.loopErr.CompareAndSwap(nil, &err)
		return nil, gnet.Close
	}
	if s.draining.Load() {
		return nil, gnet.Close
	}
	rh, rp := splitAddr(c.RemoteAddr())
	lh, lp := splitAddr(c.LocalAddr())
	sess := s.cfg.NewSession(ConnInfo{RemoteHost: rh, RemotePort: rp, LocalHost: lh, LocalPort: lp,
		Wake: func() { _ = c.Wake(nil) }, Buffered: c.OutboundBuffered, Fd: c.Fd})
	c.SetContext(sess)
	s.conns.Store(c, sess)
	s.open.Add(1)
	return nil, gnet.None
}

// OnTraffic feeds received bytes to the session and writes its answer.
func (s *Server) OnTraffic(c gnet.Conn) gnet.Action {
	sess, ok := c.Context().(Session)
	if !ok {
		return gnet.Close
	}
	in, _ := c.Next(-1)
	bp := s.outPool.Get().(*[]byte)
	out, action := sess.OnData(in, (*bp)[:0])
	if len(out) > 0 {
		_, _ = c.Write(out)
	}
	if cap(out) <= 1<<20 { // do not keep a huge response's buffer around
		*bp = out[:0]
		s.outPool.Put(bp)
	}
	if action == CloseAfterWrite {
		return gnet.Close
	}
	return gnet.None
}

// OnClose drops the session.
func (s *Server) OnClose(c gnet.Conn, _ error) gnet.Action {
	if sess, ok := c.Context().(Session); ok {
		sess.OnClose()
		s.conns.Delete(c)
		s.open.Add(-1)
	}
	return gnet.None
}

// sweep cuts connections whose session deadline passed (idle keep-alive, slow headers).
func (s *Server) sweep() {
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for range t.C {
		if s.eng.Validate() != nil {
			return
		}
		now := time.Now().UnixNano()
		s.conns.Range(func(k, v any) bool {
			if d := v.(Session).Deadline(); d != 0 && now > d {
				_ = k.(gnet.Conn).Close()
			}
			return true
		})
	}
}

// Draining reports whether Shutdown has begun; sessions answer with "connection: close" then.
func (s *Server) Draining() bool { return s.draining.Load() }

// Shutdown stops taking new work: idle connections are closed at once, connections with a
// request in progress when it finishes, and after ctx expires everything is closed. It
// returns once the engine stopped.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	select {
	case <-s.booted:
	default:
		return errors.New("server not started")
	}
	s.conns.Range(func(_, v any) bool {
		if d, ok := v.(Drainer); ok {
			d.Drain()
		}
		return true
	})
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for s.open.Load() > 0 {
		s.conns.Range(func(k, v any) bool {
			if v.(Session).Idle() {
				_ = k.(gnet.Conn).Close()
			}
			return true
		})
		select {
		case <-ctx.Done():
			return s.stop()
		case <-tick.C:
		}
	}
	return s.stop()
}

func (s *Server) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.eng.Stop(ctx)
}

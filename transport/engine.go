package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
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
	// network and addr are where the loops listen: the cleartext port, or a private unix
	// socket when only TLS is served (gnet needs a listener, and warm-up dials it).
	network, addr string
	// loops are the engine's event loops, learnt from the connections they open; TLS
	// connections are enrolled into them (tlsloop.go).
	loopsMu    sync.Mutex
	loops      []gnet.EventLoop
	loopsKnown chan struct{}
	nextLoop   atomic.Uint64
	tlsLn      net.Listener
	closing    chan struct{}
	closeOnce  sync.Once
	gnet.BuiltinEventEngine
}

// New makes a server; Run starts it.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, booted: make(chan struct{}), loopsKnown: make(chan struct{}), closing: make(chan struct{})}
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
	s.network, s.addr = "tcp", net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	if s.cfg.NoCleartext {
		dir, err := os.MkdirTemp("", "fasterapi-loops-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		s.network, s.addr = "unix", filepath.Join(dir, "loops.sock")
	}
	if s.cfg.TLS != nil {
		ln, err := net.Listen("tcp", net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.TLSPort)))
		if err != nil {
			return err
		}
		defer ln.Close()
		s.tlsLn = ln
		go s.serveTLS(ln)
	}
	spareProc(s.cfg.Loops)
	return gnet.Run(s, s.network+"://"+s.addr,
		gnet.WithMulticore(true),
		gnet.WithNumEventLoop(s.cfg.Loops),
		gnet.WithLockOSThread(true),
		gnet.WithLoadBalancing(gnet.RoundRobin),
		gnet.WithReuseAddr(true),
		gnet.WithTCPNoDelay(gnet.TCPNoDelay),
		gnet.WithLogger(gnetLogger{logf: s.logf}),
	)
}

// spareProc keeps one more P than there are event loops, unless GOMAXPROCS is set. A loop
// holds its P while it runs Python (a cgo call) or waits in read, write or epoll_wait; when no
// P is idle, Go's sysmon takes the P of a thread that stays in such a call longer than its
// 20 us tick, and the loop then waits for a thread hand-off to get one back. Pinned to one
// core (GOMAXPROCS 1) with one loop, that cost 2x the context switches and 6x the sysmon
// wake-ups per /json request; a spare P, which runs Go code only when there is some, avoids it.
func spareProc(loops int) {
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < loops+1 {
		runtime.GOMAXPROCS(loops + 1)
	}
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
// first real request instead of on it, and until every loop is known, for enrolling TLS
// connections. ready reports how many loops are done.
func (s *Server) WarmUp(ctx context.Context, ready func() int) error {
	select {
	case <-s.booted:
	case <-ctx.Done():
		return ctx.Err()
	}
	addr := s.addr
	if s.network == "tcp" {
		addr = dialAddr(s.cfg.Host, s.cfg.Port)
	}
	progress := func() int { return ready() + s.knownLoops() }
	for ready() < s.cfg.Loops || s.knownLoops() < s.cfg.Loops {
		if p := s.loopErr.Load(); p != nil {
			return *p
		}
		var d net.Dialer
		c, err := d.DialContext(ctx, s.network, addr)
		if err != nil {
			return fmt.Errorf("warm-up connection to %s: %w", addr, err)
		}
		// The loop runs OnLoopThread in OnOpen. Round-robin sends the next dial to the next loop,
		// so waiting a little for this one is enough; a slow boot finishes on its own.
		before := progress()
		for i := 0; i < 20 && progress() == before && s.loopErr.Load() == nil; i++ {
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
	if _, ok := c.Context().(*doorbell); ok {
		return nil, gnet.None // not a client: open while the engine runs, even when draining
	}
	if err := s.cfg.OnLoopThread(); err != nil {
		s.loopErr.CompareAndSwap(nil, &err)
		return nil, gnet.Close
	}
	if s.draining.Load() {
		return nil, gnet.Close
	}
	s.learnLoop(c.EventLoop())
	handoff, isTLS := c.Context().(*tlsHandoff)
	var info ConnInfo
	if isTLS {
		info = handoff.info // enrolled after its TLS handshake (tlsloop.go)
	} else {
		info.RemoteHost, info.RemotePort = splitAddr(c.RemoteAddr())
		info.LocalHost, info.LocalPort = splitAddr(c.LocalAddr())
		info.Fd = c.Fd
	}
	info.Wake = func() { _ = c.Wake(nil) }
	info.Outbound = c.OutboundBuffered
	sess := s.cfg.NewSession(info)
	s.conns.Store(c, sess)
	s.open.Add(1)
	if !isTLS {
		c.SetContext(sess)
		return nil, gnet.None
	}
	t := &tlsConn{sess: sess, tls: handoff.tls, io: handoff.io}
	c.SetContext(t)
	// Application data may have come with the end of the handshake and sit in crypto/tls:
	// no read event will announce it, so serve it now.
	bp := s.outPool.Get().(*[]byte)
	cipher, out, action := t.traffic(nil, (*bp)[:0])
	cipher = append([]byte(nil), cipher...) // gnet writes it after OnOpen returns
	t.sent()
	s.putOut(bp, out)
	if action == CloseAfterWrite {
		return cipher, gnet.Close
	}
	return cipher, gnet.None
}

// OnTraffic feeds received bytes to the session and writes its answer.
func (s *Server) OnTraffic(c gnet.Conn) gnet.Action {
	in, _ := c.Next(-1)
	if d, ok := c.Context().(*doorbell); ok {
		// The bytes only say "look": the ring takes everything queued since the last one.
		d.ring()
		return gnet.None
	}
	bp := s.outPool.Get().(*[]byte)
	var out []byte
	var action Action
	switch ctx := c.Context().(type) {
	case *tlsConn:
		var cipher []byte
		cipher, out, action = ctx.traffic(in, (*bp)[:0])
		if len(cipher) > 0 {
			_, _ = c.Write(cipher)
		}
		ctx.sent()
		s.putOut(bp, out)
	case Session:
		out, action = ctx.OnData(in, (*bp)[:0])
		if len(out) > 0 {
			_, _ = c.Write(out)
		}
		s.putOut(bp, out)
	default:
		return gnet.Close
	}
	if action == CloseAfterWrite {
		return gnet.Close
	}
	return gnet.None
}

// putOut returns a response buffer to the pool, unless it grew huge.
func (s *Server) putOut(bp *[]byte, out []byte) {
	if cap(out) <= 1<<20 {
		*bp = out[:0]
		s.outPool.Put(bp)
	}
}

// OnClose drops the session.
func (s *Server) OnClose(c gnet.Conn, _ error) gnet.Action {
	ctx := c.Context()
	if t, ok := ctx.(*tlsConn); ok {
		ctx = t.sess
	}
	if sess, ok := ctx.(Session); ok {
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
	s.closeOnce.Do(func() {
		close(s.closing)
		if s.tlsLn != nil {
			_ = s.tlsLn.Close()
		}
	})
	s.conns.Range(func(k, v any) bool {
		if d, ok := v.(Drainer); ok {
			d.Drain()
		}
		// Let every session see the shutdown on its own loop thread: an HTTP/2 session
		// announces it with GOAWAY (RFC 9113 §6.8) before its connection counts as idle.
		_ = k.(gnet.Conn).Wake(nil)
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

// learnLoop records an event loop the first time one of its connections opens.
func (s *Server) learnLoop(el gnet.EventLoop) {
	select {
	case <-s.loopsKnown:
		return
	default:
	}
	s.loopsMu.Lock()
	defer s.loopsMu.Unlock()
	for _, known := range s.loops {
		if known == el {
			return
		}
	}
	s.loops = append(s.loops, el)
	if len(s.loops) == s.cfg.Loops {
		close(s.loopsKnown)
	}
}

// knownLoops is how many event loops learnLoop has seen.
func (s *Server) knownLoops() int {
	s.loopsMu.Lock()
	defer s.loopsMu.Unlock()
	return len(s.loops)
}

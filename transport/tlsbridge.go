package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// TLS runs beside the event loops rather than inside them: gnet has no TLS, and crypto/tls
// needs a blocking net.Conn. Each TLS connection gets a goroutine that does the handshake
// (RFC 8446 / RFC 5246, ALPN per RFC 7301), then a unix socket pair: one end is enrolled
// into an event loop like an accepted connection, the goroutine copies between the TLS
// connection and the other end. So every protocol path (HTTP/1.1 pipelining, async parking,
// HTTP/2 found by its preface, interpreters pinned to loop threads, timeouts, draining) is the
// cleartext one, unchanged; the cost is two extra socket copies per direction.

// writeStall is how long a TLS client may take no bytes at all before the connection is cut.
// The event loop's timeouts cannot reach a goroutine blocked writing to the client.
const writeStall = 60 * time.Second

// handshakeTimeoutDefault bounds a handshake when the configuration gives no timeout.
const handshakeTimeoutDefault = 10 * time.Second

// copyBufs holds the buffers of the copies; 32 KiB holds two full TLS records (RFC 8446 §5.1).
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// serveTLS accepts TLS connections until the listener is closed.
func (s *Server) serveTLS(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off instead of spinning.
			s.logf("warning", "TLS accept: "+err.Error())
			time.Sleep(50 * time.Millisecond)
			continue
		}
		go s.bridgeTLS(c)
	}
}

// bridgeTLS serves one TLS connection through an event loop until either side closes.
func (s *Server) bridgeTLS(raw net.Conn) {
	defer raw.Close()
	timeout := s.cfg.HandshakeTimeout
	if timeout <= 0 {
		timeout = handshakeTimeoutDefault
	}
	tc := tls.Server(raw, s.cfg.TLS)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		return // a failed handshake is the client's problem; crypto/tls sent it the alert
	}
	select {
	case <-s.loopsKnown:
	case <-s.closing:
		return
	}
	state := tc.ConnectionState()
	info := &ConnInfo{TLS: &state}
	info.RemoteHost, info.RemotePort = splitAddr(raw.RemoteAddr())
	info.LocalHost, info.LocalPort = splitAddr(raw.LocalAddr())
	loopEnd, ourEnd, err := socketPair()
	if err != nil {
		s.logf("error", "TLS connection: "+err.Error())
		return
	}
	defer ourEnd.Close()
	if err := s.enroll(loopEnd, info); err != nil {
		s.logf("warning", "TLS connection: "+err.Error())
		return
	}
	done := make(chan struct{})
	go func() {
		// Client to loop. When the client is done sending, the loop sees end of file, as it
		// would on a cleartext connection.
		copyConn(ourEnd, tc)
		_ = ourEnd.CloseWrite()
		close(done)
	}()
	// Loop to client. The loop closing its end ends the TLS connection with close_notify
	// (RFC 8446 §6.1), which also ends the other copy.
	copyConn(stallWriter{tc}, ourEnd)
	_ = tc.Close()
	<-done
}

// enroll hands the loop's end of a socket pair to the next event loop, round-robin. gnet's
// own Engine.Register is not used: with round-robin balancing its counter is shared with the
// accepting goroutine without synchronisation (see gnet.go).
func (s *Server) enroll(c *net.UnixConn, info *ConnInfo) error {
	s.loopsMu.Lock()
	el := s.loops[s.nextLoop.Add(1)%uint64(len(s.loops))]
	s.loopsMu.Unlock()
	// gnet duplicates the descriptor and closes c once it registered the copy.
	res, err := el.Enroll(gnet.NewContext(context.Background(), info), c)
	if err != nil {
		_ = c.Close()
		return err
	}
	if r := <-res; r.Err != nil {
		return r.Err
	}
	return nil
}

// socketPair returns both ends of a connected unix stream socket pair.
func socketPair() (*net.UnixConn, *net.UnixConn, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	a, errA := fileConn(fds[0])
	b, errB := fileConn(fds[1])
	if err := errors.Join(errA, errB); err != nil {
		if a != nil {
			_ = a.Close()
		}
		if b != nil {
			_ = b.Close()
		}
		return nil, nil, err
	}
	return a, b, nil
}

// fileConn wraps a socket descriptor in a *net.UnixConn, which takes a copy of it.
func fileConn(fd int) (*net.UnixConn, error) {
	f := os.NewFile(uintptr(fd), "socketpair")
	defer f.Close()
	c, err := net.FileConn(f)
	if err != nil {
		return nil, err
	}
	return c.(*net.UnixConn), nil
}

// copyConn copies until either side fails or src ends.
func copyConn(dst io.Writer, src io.Reader) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// stallWriter cuts a write that makes no progress for writeStall.
type stallWriter struct{ c net.Conn }

func (w stallWriter) Write(b []byte) (int, error) {
	_ = w.c.SetWriteDeadline(time.Now().Add(writeStall))
	return w.c.Write(b)
}

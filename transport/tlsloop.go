package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// TLS connections are served by the event loops like cleartext ones, with crypto/tls run on
// the loop thread over the loop's buffers. gnet has no TLS and crypto/tls wants a net.Conn,
// so each connection goes through two phases:
//
//  1. The handshake (RFC 8446 / RFC 5246, ALPN per RFC 7301) runs on a goroutine of its own
//     over the TCP connection: crypto/tls cannot pause a handshake and resume it later, and a
//     slow or hostile client must not hold a loop.
//  2. The TCP descriptor is then enrolled into an event loop, and the same tls.Conn continues
//     over loopIO: its reads take the bytes the loop received and report "would block" when
//     they run out (crypto/tls keeps a partial record and retries on a temporary net.Error),
//     its writes collect ciphertext that the loop writes. Decrypted bytes go to the session
//     exactly as cleartext bytes do, so every protocol path (HTTP/1.1 pipelining, async
//     parking, HTTP/2 found by its preface, interpreters pinned to loop threads, timeouts,
//     draining) is shared, with no extra copy through a socket or goroutine per request.
//
// crypto/tls honouring temporary errors is what phase 2 rests on; the tests in tlsloop_test.go
// fail if a Go release stops doing so.

// handshakeTimeoutDefault bounds a handshake when the configuration gives no timeout.
const handshakeTimeoutDefault = 10 * time.Second

// errWouldBlock is what loopIO reads when the loop has no more received bytes. crypto/tls
// treats a temporary net.Error as "try again later" and keeps what it has read so far.
var errWouldBlock error = wouldBlock{}

type wouldBlock struct{}

func (wouldBlock) Error() string   { return "tls: no more bytes from the event loop" }
func (wouldBlock) Timeout() bool   { return true }
func (wouldBlock) Temporary() bool { return true }

// loopIO is the transport under a tls.Conn: the TCP connection during the handshake, the
// event loop's buffers afterwards. onLoop is set before the connection is handed to the loop
// (the hand-over orders the two) and only the loop thread touches it after that.
type loopIO struct {
	net.Conn
	onLoop bool
	in     []byte // received ciphertext not yet read by crypto/tls
	out    []byte // ciphertext crypto/tls wrote, for the loop to send
}

func (l *loopIO) Read(b []byte) (int, error) {
	if !l.onLoop {
		return l.Conn.Read(b)
	}
	if len(l.in) == 0 {
		return 0, errWouldBlock
	}
	n := copy(b, l.in)
	l.in = l.in[n:]
	return n, nil
}

func (l *loopIO) Write(b []byte) (int, error) {
	if !l.onLoop {
		return l.Conn.Write(b)
	}
	l.out = append(l.out, b...)
	return len(b), nil
}

// Close is a no-op on the loop: the loop closes the descriptor it owns.
func (l *loopIO) Close() error {
	if !l.onLoop {
		return l.Conn.Close()
	}
	return nil
}

func (l *loopIO) SetDeadline(t time.Time) error {
	if !l.onLoop {
		return l.Conn.SetDeadline(t)
	}
	return nil
}

func (l *loopIO) SetReadDeadline(t time.Time) error {
	if !l.onLoop {
		return l.Conn.SetReadDeadline(t)
	}
	return nil
}

func (l *loopIO) SetWriteDeadline(t time.Time) error {
	if !l.onLoop {
		return l.Conn.SetWriteDeadline(t)
	}
	return nil
}

// tlsConn is the context of a TLS connection on its loop: the session and the TLS state.
type tlsConn struct {
	sess      Session
	tls       *tls.Conn
	io        *loopIO
	cipherBuf *[]byte // the pooled buffer behind io.out during traffic
}

// plainBufs hold decrypted bytes while the session reads them (sessions copy what they keep)
// and cipherBufs the ciphertext until the loop wrote it, so idle connections hold neither.
var (
	plainBufs  = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}
	cipherBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}
)

// tlsHandoff travels with an enrolled connection to OnOpen.
type tlsHandoff struct {
	info ConnInfo
	tls  *tls.Conn
	io   *loopIO
}

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
		go s.handshakeTLS(c.(*net.TCPConn))
	}
}

// handshakeTLS runs the handshake, then hands the connection to an event loop.
func (s *Server) handshakeTLS(raw *net.TCPConn) {
	timeout := s.cfg.HandshakeTimeout
	if timeout <= 0 {
		timeout = handshakeTimeoutDefault
	}
	lio := &loopIO{Conn: raw}
	tc := tls.Server(lio, s.cfg.TLS)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		_ = raw.Close() // the client's problem; crypto/tls sent it the alert
		return
	}
	select {
	case <-s.loopsKnown:
	case <-s.closing:
		_ = raw.Close()
		return
	}
	state := tc.ConnectionState()
	h := &tlsHandoff{info: ConnInfo{TLS: &state}, tls: tc, io: lio}
	h.info.RemoteHost, h.info.RemotePort = splitAddr(raw.RemoteAddr())
	h.info.LocalHost, h.info.LocalPort = splitAddr(raw.LocalAddr())
	lio.onLoop = true
	if err := s.enroll(raw, h); err != nil && !s.draining.Load() {
		s.logf("warning", "TLS connection: "+err.Error())
	}
}

// enroll hands a connection to the next event loop, round-robin. gnet's own Engine.Register
// is not used: with round-robin balancing its counter is shared with the accepting goroutine
// without synchronisation (see gnet.go). gnet duplicates the descriptor and closes c.
func (s *Server) enroll(c *net.TCPConn, h *tlsHandoff) error {
	s.loopsMu.Lock()
	el := s.loops[s.nextLoop.Add(1)%uint64(len(s.loops))]
	s.loopsMu.Unlock()
	res, err := el.Enroll(gnet.NewContext(context.Background(), h), c)
	if err != nil {
		_ = c.Close()
		return err
	}
	if r := <-res; r.Err != nil {
		return r.Err
	}
	return nil
}

// traffic decrypts what arrived, lets the session answer into out and encrypts the answer.
// It returns the ciphertext to send (valid until sent is called), the session's output
// buffer (for reuse) and whether to close. in may be empty: a wake-up, or the first call,
// when crypto/tls may hold application data that came with the end of the handshake.
func (t *tlsConn) traffic(in, out []byte) (cipher, plainOut []byte, action Action) {
	t.cipherBuf = cipherBufs.Get().(*[]byte)
	t.io.out = (*t.cipherBuf)[:0]
	t.io.in = in
	pp := plainBufs.Get().(*[]byte)
	plain, rerr := t.readPlain((*pp)[:0])
	t.io.in = nil
	action = Continue
	if len(plain) > 0 || len(in) == 0 {
		out, action = t.sess.OnData(plain, out)
	}
	if cap(plain) <= 64<<10 { // do not keep a large body's buffer around
		*pp = plain[:0]
		plainBufs.Put(pp)
	}
	if len(out) > 0 {
		_, _ = t.tls.Write(out) // into t.io.out; an error is sticky and shows up as a closed peer
	}
	if action == CloseAfterWrite || !errors.Is(rerr, errWouldBlock) {
		// close_notify (RFC 8446 §6.1) on our close; on the client's, or on a broken record,
		// crypto/tls has queued its own alert and Close adds nothing.
		_ = t.tls.Close()
		action = CloseAfterWrite
	}
	return t.io.out, out, action
}

// sent releases the ciphertext buffer once the loop wrote it (gnet copies what the socket
// did not take).
func (t *tlsConn) sent() {
	if cap(t.io.out) <= 64<<10 {
		*t.cipherBuf = t.io.out[:0]
		cipherBufs.Put(t.cipherBuf)
	}
	t.io.out, t.cipherBuf = nil, nil
}

// readPlain reads every complete record's plaintext; the error is errWouldBlock when the
// received bytes ran out, io.EOF after the client's close_notify, or what broke the record
// layer. It never returns nil: the loop ends on errWouldBlock at the latest.
func (t *tlsConn) readPlain(buf []byte) ([]byte, error) {
	for {
		if cap(buf)-len(buf) < 4<<10 {
			grown := make([]byte, len(buf), 2*cap(buf)+16<<10)
			copy(grown, buf)
			buf = grown
		}
		n, err := t.tls.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			return buf, err
		}
	}
}

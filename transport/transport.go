// Package transport accepts TCP connections on gnet event loops and moves bytes between them
// and protocol sessions. It knows protocols only through the Session interface.
package transport

import (
	"crypto/tls"
	"net"
	"strconv"
	"time"
)

// Action tells the transport what to do after a session consumed bytes.
type Action int

const (
	// Continue keeps the connection open.
	Continue Action = iota
	// CloseAfterWrite closes the connection once the returned bytes are written.
	CloseAfterWrite
)

// Session is the protocol side of one connection. All methods except Deadline and Idle are
// called on the connection's event-loop thread, one at a time.
type Session interface {
	// OnData consumes bytes received from the peer; in is valid only during the call, so the
	// session copies what it keeps. Response bytes are appended to out and returned.
	OnData(in, out []byte) ([]byte, Action)
	// OnClose releases the session's resources; the connection is gone.
	OnClose()
	// Deadline is the unix-nanosecond time after which the connection is cut (0: none). It is
	// read from another goroutine.
	Deadline() int64
	// Idle reports that no request is partly received or in progress, so a shutdown may close
	// the connection now. It is read from another goroutine.
	Idle() bool
}

// Drainer is a Session with long-lived exchanges (WebSockets, event streams) that must be
// told when shutdown begins, since they would otherwise never become Idle. Drain is called
// once, from the goroutine running Shutdown.
type Drainer interface {
	Drain()
}

// ConnInfo describes a new connection.
type ConnInfo struct {
	RemoteHost string
	RemotePort int
	LocalHost  string
	LocalPort  int
	// TLS is the state of the TLS connection the bytes arrived through, nil for cleartext.
	TLS *tls.ConnectionState
	// Wake makes the transport call the session's OnData again soon, on its loop thread, with
	// no new bytes: how an answer produced elsewhere (an async handler) gets written. It may
	// be called from any goroutine or thread.
	Wake func()
	// Outbound returns how many bytes the transport has accepted from OnData but not yet
	// handed to the kernel because the peer is not reading fast enough. A session that
	// generates output by itself (HTTP/2 ACKs, queued responses) holds back while it is high,
	// so a peer that sends but never reads cannot make the process buffer without bound. Call
	// it only on the loop thread; nil means the transport cannot tell (treat it as 0).
	Outbound func() int
	// Fd is the socket's descriptor, for writing straight to it with sendfile(2) while
	// Outbound is zero (then nothing written earlier is still waiting). Loop thread only; nil
	// where bytes must not go to the socket as they are (TLS).
	Fd func() int
}

// Scheme is the URL scheme the connection serves: "https" under TLS, else "http".
func (i *ConnInfo) Scheme() string {
	if i.TLS != nil {
		return "https"
	}
	return "http"
}

// Factory makes the session of a new connection, on the loop thread that will serve it.
type Factory func(ConnInfo) Session

// Config is the listener's configuration.
type Config struct {
	Host string
	// Port is the cleartext listener's port, unless NoCleartext.
	Port  int
	Loops int
	// TLS, when set, serves TLS on TLSPort; the decrypted bytes reach the same event loops and
	// sessions as cleartext ones (see tlsbridge.go).
	TLS     *tls.Config
	TLSPort int
	// NoCleartext leaves Port unserved (TLS only).
	NoCleartext bool
	// HandshakeTimeout bounds a TLS handshake.
	HandshakeTimeout time.Duration
	// OnLoopThread runs on a loop's thread before it serves its first connection, and again for
	// each new connection (it must be cheap once done). An error refuses the connection.
	OnLoopThread func() error
	NewSession   Factory
	// Log receives the transport's warnings and errors ("warning" or "error", message).
	Log func(level, msg string)
}

func splitAddr(a net.Addr) (string, int) {
	if a == nil {
		return "", 0
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String(), 0
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

// dialAddr is where the server can reach itself: a wildcard listen address is dialled on
// loopback.
func dialAddr(host string, port int) string {
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

const sweepInterval = 200 * time.Millisecond

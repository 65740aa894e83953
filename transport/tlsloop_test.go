package transport

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/internal/testcert"
)

// lineSession answers each line with what the connection says about itself, and closes on
// "bye": enough to see that bytes, facts and closes cross the bridge.
type lineSession struct {
	info ConnInfo
	buf  []byte
}

func (l *lineSession) OnData(in, out []byte) ([]byte, Action) {
	l.buf = append(l.buf, in...)
	for {
		i := strings.IndexByte(string(l.buf), '\n')
		if i < 0 {
			return out, Continue
		}
		line := string(l.buf[:i])
		l.buf = l.buf[i+1:]
		alpn := ""
		if l.info.TLS != nil {
			alpn = l.info.TLS.NegotiatedProtocol
		}
		out = fmt.Appendf(out, "%s %s %s %s\n", l.info.Scheme(), l.info.RemoteHost, alpn, line)
		if line == "bye" {
			return out, CloseAfterWrite
		}
	}
}
func (l *lineSession) OnClose()        {}
func (l *lineSession) Deadline() int64 { return 0 }
func (l *lineSession) Idle() bool      { return true }

func freeTestPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startTLSServer runs a real gnet engine with a TLS listener and a line session.
func startTLSServer(t *testing.T, noCleartext bool) (*Server, int, int) {
	t.Helper()
	dir := t.TempDir()
	ca := testcert.New(t)
	c, k := ca.Issue(t, 10, false, "127.0.0.1")
	store, err := NewTLSStore(TLSFiles{Certs: []CertKey{{writeFile(t, dir, "c.pem", c), writeFile(t, dir, "k.pem", k)}}})
	if err != nil {
		t.Fatal(err)
	}
	port, tlsPort := freeTestPort(t), freeTestPort(t)
	srv := New(Config{Host: "127.0.0.1", Port: port, TLSPort: tlsPort, TLS: store.Config(), NoCleartext: noCleartext,
		Loops: 2, OnLoopThread: func() error { return nil }, HandshakeTimeout: time.Second,
		NewSession: func(info ConnInfo) Session { return &lineSession{info: info} }})
	runTestServer(t, srv, 2)
	return srv, port, tlsPort
}

// runTestServer runs srv until the test ends, once its loops have started.
func runTestServer(t *testing.T, srv *Server, loops int) {
	t.Helper()
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.WarmUp(ctx, func() int { return loops }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		if err := <-runErr; err != nil {
			t.Error(err)
		}
	})
}

func TestTLSOnLoopCarriesBytesFactsAndCloses(t *testing.T) {
	_, port, tlsPort := startTLSServer(t, false)
	for i, proto := range []string{"h2", "http/1.1", "h2", "http/1.1"} { // both loops, both protocols
		c, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tlsPort), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{proto}})
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		r := bufio.NewReader(c)
		big := strings.Repeat("x", 100<<10) // many TLS records, more than one loop read
		fmt.Fprintf(c, "hello %d\n%s\nbye\n", i, big)
		for _, want := range []string{
			fmt.Sprintf("https 127.0.0.1 %s hello %d\n", proto, i),
			"https 127.0.0.1 " + proto + " " + big + "\n",
			"https 127.0.0.1 " + proto + " bye\n"} {
			got, err := r.ReadString('\n')
			if err != nil || got != want {
				t.Fatalf("got %.60q (%v), want %.60q", got, err, want)
			}
		}
		if _, err := r.ReadByte(); err != io.EOF {
			t.Fatalf("after bye: %v, want EOF (the session closed: close_notify, then the TCP close)", err)
		}
		c.Close()
	}
	// The cleartext port still serves cleartext, side by side.
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "plain\n")
	if got, _ := bufio.NewReader(c).ReadString('\n'); got != "http 127.0.0.1  plain\n" {
		t.Fatalf("cleartext: %q", got)
	}
}

func TestTLSOnLoopOnlyTLS(t *testing.T) {
	_, port, tlsPort := startTLSServer(t, true)
	if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
		c.Close()
		t.Fatal("the cleartext port is open although NoCleartext is set")
	}
	c, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tlsPort), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "hi\n")
	if got, _ := bufio.NewReader(c).ReadString('\n'); got != "https 127.0.0.1  hi\n" {
		t.Fatalf("got %q", got)
	}
}

func TestTLSOnLoopClientCloseReachesTheLoop(t *testing.T) {
	srv, _, tlsPort := startTLSServer(t, false)
	c, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tlsPort), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "hi\n")
	_, _ = bufio.NewReader(c).ReadString('\n')
	if n := srv.open.Load(); n != 1 {
		t.Fatalf("%d connections open, want 1", n)
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for srv.open.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the loop's end stayed open after the client closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// heldConn holds back encrypted records (type 23) until flush, so the client's Finished and
// its first request reach the server in one write: the request then sits in crypto/tls when
// the handshake ends, and the loop must serve it without a read event.
type heldConn struct {
	net.Conn
	held []byte
}

func (h *heldConn) Write(b []byte) (int, error) {
	if len(b) > 0 && b[0] == 23 {
		h.held = append(h.held, b...)
		return len(b), nil
	}
	return h.Conn.Write(b)
}

func (h *heldConn) flush() error { _, err := h.Conn.Write(h.held); h.held = nil; return err }

func TestTLSOnLoopServesDataThatCameWithTheHandshake(t *testing.T) {
	_, _, tlsPort := startTLSServer(t, true)
	for i := 0; i < 5; i++ {
		raw, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tlsPort))
		if err != nil {
			t.Fatal(err)
		}
		held := &heldConn{Conn: raw}
		c := tls.Client(held, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if err := c.Handshake(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "early %d\n", i)
		if err := held.flush(); err != nil {
			t.Fatal(err)
		}
		if got, err := bufio.NewReader(c).ReadString('\n'); got != fmt.Sprintf("https 127.0.0.1  early %d\n", i) {
			t.Fatalf("got %q (%v)", got, err)
		}
		c.Close()
	}
}

func TestTLSOnLoopCutsASilentHandshake(t *testing.T) {
	_, _, tlsPort := startTLSServer(t, true)
	c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tlsPort))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("a client that never says hello: %v, want EOF after the handshake timeout", err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("cut after %v, before the 1s handshake timeout", d)
	}
}

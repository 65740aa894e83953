package transport

import (
	"context"
	"errors"
	"net"
	"os"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// A doorbell lets a thread outside Go wake an event loop without calling into Go: it writes a
// byte to one end of a socket pair whose other end the loop polls like a connection, and the
// loop calls ring on its own thread. An interpreter's asyncio thread queues its handlers'
// stream operations in C and rings; a Go call from that thread would first have to obtain a P
// from the runtime, which with the server pinned to one core (GOMAXPROCS=1) means waiting for
// the scheduler to take it from the event loop.

// doorbell is the loop's end of a socket pair.
type doorbell struct{ ring func() }

// Doorbell makes a doorbell on the next event loop, round-robin, and returns the descriptor
// to write to. The descriptor stays open for the process's life (a writer may still hold it
// when the server stops); writes should not block (MSG_DONTWAIT) nor raise SIGPIPE
// (MSG_NOSIGNAL). It may be called on any thread, a loop's included: the loop takes the
// doorbell on later, and a byte written before then waits in the socket. If the loop cannot
// take it on, the error is logged and failed is called (from another goroutine): nobody will
// ring, so the writer must hand its work over by other means from then on.
func (s *Server) Doorbell(ring func(), failed func()) (int, error) {
	select {
	case <-s.booted:
	default:
		return -1, errors.New("doorbell: the server is not running")
	}
	s.loopsMu.Lock()
	if len(s.loops) == 0 {
		s.loopsMu.Unlock()
		return -1, errors.New("doorbell: no event loop has started yet")
	}
	el := s.loops[s.nextLoop.Add(1)%uint64(len(s.loops))]
	s.loopsMu.Unlock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	f := os.NewFile(uintptr(fds[0]), "doorbell")
	c, err := net.FileConn(f) // a duplicate of fds[0]; gnet duplicates it again and closes c
	_ = f.Close()
	if err != nil {
		_ = unix.Close(fds[1])
		return -1, err
	}
	res, err := el.Enroll(gnet.NewContext(context.Background(), &doorbell{ring: ring}), c)
	if err != nil {
		_ = c.Close()
		_ = unix.Close(fds[1])
		return -1, err
	}
	go func() {
		if r := <-res; r.Err != nil {
			s.logf("error", "doorbell: an event loop could not poll it: "+r.Err.Error())
			failed()
		}
	}()
	return fds[1], nil
}

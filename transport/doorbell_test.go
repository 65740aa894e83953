package transport

import (
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestDoorbellRingsOnALoopAndSurvivesShutdown(t *testing.T) {
	srv := New(Config{Host: "127.0.0.1", Port: freeTestPort(t), Loops: 2, OnLoopThread: func() error { return nil },
		NewSession: func(info ConnInfo) Session { return &lineSession{info: info} }})
	if _, err := srv.Doorbell(func() {}, func() {}); err == nil {
		t.Fatal("a doorbell was made before the server runs")
	}
	fd := -1
	t.Cleanup(func() { // after the shutdown (cleanups run last first)
		if fd >= 0 {
			// The writer's end stays usable after the loops stopped: no SIGPIPE, no block.
			_, _ = unix.SendmsgN(fd, []byte{1}, nil, nil, unix.MSG_NOSIGNAL|unix.MSG_DONTWAIT)
			_ = unix.Close(fd)
		}
	})
	runTestServer(t, srv, 2)
	var rings atomic.Int32
	var err error
	failed := make(chan struct{}, 1)
	if fd, err = srv.Doorbell(func() { rings.Add(1) }, func() { failed <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for want := int32(1); want <= 2; want++ {
		// The first byte may come before the loop has taken the doorbell on: it waits.
		if _, err := unix.Write(fd, []byte{1}); err != nil {
			t.Fatal(err)
		}
		for rings.Load() < want && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
	}
	select {
	case <-failed:
		t.Fatal("the loop could not poll the doorbell")
	default:
	}
	if n := rings.Load(); n != 2 {
		t.Fatalf("the loop rang %d times for 2 writes spaced apart", n)
	}
	if srv.open.Load() != 0 {
		t.Fatal("the doorbell counts as an open connection, which would hold a shutdown")
	}
}

package transport

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestDoorbellRingsOnALoopAndSurvivesShutdown(t *testing.T) {
	port := freeTestPort(t)
	srv := New(Config{Host: "127.0.0.1", Port: port, Loops: 2, OnLoopThread: func() error { return nil },
		NewSession: func(info ConnInfo) Session { return &lineSession{info: info} }})
	if _, err := srv.Doorbell(func() {}); err == nil {
		t.Fatal("a doorbell was made before the server runs")
	}
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.WarmUp(ctx, func() int { return 2 }); err != nil {
		t.Fatal(err)
	}
	var rings atomic.Int32
	fd, err := srv.Doorbell(func() { rings.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	ring := func() {
		if _, err := unix.Write(fd, []byte{1}); err != nil {
			t.Fatal(err)
		}
	}
	ring() // possibly before the loop has taken the doorbell on: the byte waits
	deadline := time.Now().Add(5 * time.Second)
	for rings.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	ring()
	for rings.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := rings.Load(); n < 2 {
		t.Fatalf("the loop rang %d times for 2 writes spaced apart", n)
	}
	if srv.open.Load() != 0 {
		t.Fatal("the doorbell counts as an open connection, which would hold a shutdown")
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if err := srv.Shutdown(ctx2); err != nil {
		t.Fatal(err)
	}
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
	// The writer's end stays usable after the loops stopped: no SIGPIPE, no error that matters.
	_, _ = unix.SendmsgN(fd, []byte{1}, nil, nil, unix.MSG_NOSIGNAL|unix.MSG_DONTWAIT)
}

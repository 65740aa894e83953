package testfd

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestEventfdCountSumsSignalsAndResets(t *testing.T) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unix.Close(fd) }()
	if n := EventfdCount(t, fd); n != 0 {
		t.Fatalf("an eventfd nobody signalled counts %d", n)
	}
	one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	for range 3 {
		if _, err := unix.Write(fd, one); err != nil {
			t.Fatal(err)
		}
	}
	if n := EventfdCount(t, fd); n != 3 {
		t.Fatalf("three signals counted %d", n)
	}
	if n := EventfdCount(t, fd); n != 0 {
		t.Fatalf("the count was not reset: %d", n)
	}
}

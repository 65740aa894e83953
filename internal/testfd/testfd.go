// Package testfd reads the file descriptors the server signals with, for tests.
package testfd

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// EventfdCount reads (and so resets) a non-blocking eventfd's counter: how often it was
// signalled since the last read, 0 when it was not.
func EventfdCount(t testing.TB, fd int) uint64 {
	t.Helper()
	var b [8]byte
	if _, err := unix.Read(fd, b[:]); err == unix.EAGAIN {
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	return binary.NativeEndian.Uint64(b[:])
}

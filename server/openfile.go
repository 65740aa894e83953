package server

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

// Files are opened with plain system calls rather than os.File: os.Open also tries to register
// the descriptor with the network poller and switches its blocking mode (an epoll_ctl and
// several fcntl calls per file, measured with strace), which regular files do not need.

// openFile is an open file: its descriptor (owned), its name for messages, and its fstat.
type openFile struct {
	fd      int
	name    string
	size    int64
	mod     time.Time
	dir     bool
	regular bool
}

// openPath opens path read-only, following symlinks, and stats it.
func openPath(path string) (*openFile, error) {
	var fd int
	var err error
	for {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return statFD(fd, path)
}

// statFD describes an open descriptor; it closes fd when that fails.
func statFD(fd int, name string) (*openFile, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		_ = unix.Close(fd)
		return nil, err
	}
	kind := st.Mode & unix.S_IFMT
	return &openFile{fd: fd, name: name, size: st.Size, mod: time.Unix(st.Mtim.Sec, st.Mtim.Nsec),
		dir: kind == unix.S_IFDIR, regular: kind == unix.S_IFREG}, nil
}

// close releases the descriptor; calling it twice is harmless.
func (f *openFile) close() {
	if f != nil && f.fd >= 0 {
		_ = unix.Close(f.fd)
		f.fd = -1
	}
}

// readAt fills b from offset off; a file that ends early is errFileShrank.
func (f *openFile) readAt(b []byte, off int64) error {
	for len(b) > 0 {
		n, err := unix.Pread(f.fd, b, off)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			return err
		case n == 0:
			return errFileShrank
		}
		b = b[n:]
		off += int64(n)
	}
	return nil
}

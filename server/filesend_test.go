package server

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/transport"
)

// fileCaller answers every call with a FileResponse of path.
type fileCaller struct{ path string }

func (f *fileCaller) Call(int, uint64, []byte, []byte) pybridge.Result {
	return pybridge.Result{Status: 200, File: f.path, Head: []byte("content-type: application/octet-stream\r\n")}
}

func newFileSession(t *testing.T, path string, info transport.ConnInfo) *session {
	t.Helper()
	routes := []pyhost.Route{{Path: "/f", Methods: []string{"GET", "HEAD"}, Status: 200, Name: "f"}}
	opts := Options{Limits: http1.DefaultLimits(), KeepAliveTimeout: time.Second, HeaderTimeout: time.Second,
		BodyTimeout: time.Second, ErrorLog: func(msg string) { t.Log(msg) }}
	srv, err := New(routes, &fileCaller{path}, opts, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	return srv.NewSession(info).(*session)
}

func bigFile(t *testing.T, n int) (string, []byte) {
	t.Helper()
	data := bytes.Repeat([]byte("0123456789abcdef"), n/16)
	p := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, data
}

// TestFileBodyInChunksWithPipelining sends a file larger than one turn's budget through a
// connection without a socket (no sendfile): the body comes over several turns, a pipelined
// request waits for it, and the transport's unsent bytes stop the copying.
func TestFileBodyInChunksWithPipelining(t *testing.T) {
	path, data := bigFile(t, 3*writeWater)
	var wakes atomic.Int32 // retryLater wakes from a timer goroutine
	buffered := 0
	sess := newFileSession(t, path, transport.ConnInfo{Wake: func() { wakes.Add(1) }, Outbound: func() int { return buffered }})
	req := "GET /f HTTP/1.1\r\nHost: x\r\n\r\n"
	out, action := sess.OnData([]byte(req+req), nil)
	if action != transport.Continue || sess.file == nil || wakes.Load() == 0 {
		t.Fatalf("after the head: action %v, file %v, wakes %d", action, sess.file, wakes.Load())
	}
	buffered = writeWater // the socket is full: nothing more may be copied
	if more, _ := sess.OnData(nil, nil); len(more) != 0 {
		t.Fatalf("copied %d bytes while the transport held writeWater", len(more))
	}
	buffered = 0
	for i := 0; i < 20 && sess.file != nil; i++ {
		var more []byte
		more, action = sess.OnData(nil, nil)
		out = append(out, more...)
	}
	if sess.file != nil || action != transport.Continue {
		t.Fatalf("file still sending after 20 turns (action %v)", action)
	}
	// The pipelined request was answered after the first body, with the whole file again.
	for sess.file != nil || len(out) < 2*len(data) {
		more, _ := sess.OnData(nil, nil)
		if len(more) == 0 {
			break
		}
		out = append(out, more...)
	}
	rs := parseResponses(t, out, 2)
	for i, r := range rs {
		if r.StatusCode != 200 || body(r) != string(data) {
			t.Errorf("response %d: status %d, body of %d bytes", i, r.StatusCode, r.ContentLength)
		}
	}
}

// TestFileBodyWithSendfile sends the body with sendfile(2) into a socket pair.
func TestFileBodyWithSendfile(t *testing.T) {
	path, data := bigFile(t, 1<<20)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	sess := newFileSession(t, path, transport.ConnInfo{Wake: func() {}, Outbound: func() int { return 0 },
		Fd: func() int { return fds[0] }})
	head, _ := sess.OnData([]byte("GET /f HTTP/1.1\r\nHost: x\r\nRange: bytes=10-\r\n\r\n"), nil)
	if !bytes.Contains(head, []byte("206 Partial Content")) {
		t.Fatalf("head %q", head)
	}
	var got []byte
	buf := make([]byte, 256<<10)
	for i := 0; i < 1000 && len(got) < len(data)-10; i++ {
		if out, _ := sess.OnData(nil, nil); len(out) != 0 {
			t.Fatalf("sendfile path put %d bytes in out", len(out))
		}
		for {
			n, err := unix.Read(fds[1], buf)
			if n <= 0 || err != nil {
				break
			}
			got = append(got, buf[:n]...)
		}
	}
	if !bytes.Equal(got, data[10:]) {
		t.Fatalf("received %d bytes, want %d equal to the file from offset 10", len(got), len(data)-10)
	}
	if sess.file != nil {
		t.Error("the file body is still pending")
	}
}

func TestMissingFileIs500(t *testing.T) {
	var logged []string
	routes := []pyhost.Route{{Path: "/f", Methods: []string{"GET"}, Status: 200, Name: "f"}}
	opts := Options{Limits: http1.DefaultLimits(), KeepAliveTimeout: time.Second, HeaderTimeout: time.Second,
		BodyTimeout: time.Second, ErrorLog: func(msg string) { logged = append(logged, msg) }}
	srv, err := New(routes, &fileCaller{"/no/such/file"}, opts, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	sess := srv.NewSession(transport.ConnInfo{Wake: func() {}}).(*session)
	out, _ := sess.OnData([]byte("GET /f HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	r := parseResponses(t, out, 1)[0]
	if r.StatusCode != 500 || body(r) != "Internal Server Error" {
		t.Errorf("status %d body %q", r.StatusCode, body(r))
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "File at path /no/such/file does not exist.") {
		t.Errorf("logged %q", logged)
	}
}

// TestFileBodyStallDeadline checks that a download has a deadline that moves with progress:
// a client that stops reading is cut once fileStall passes, one that reads is not.
func TestFileBodyStallDeadline(t *testing.T) {
	path, _ := bigFile(t, 1<<20)
	buffered := 0
	sess := newFileSession(t, path, transport.ConnInfo{Wake: func() {}, Outbound: func() int { return buffered }})
	start := time.Now()
	sess.OnData([]byte("GET /f HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	first := sess.Deadline()
	if sess.file == nil || first < start.Add(fileStall).UnixNano() {
		t.Fatalf("deadline %d, want about %v from now", first, fileStall)
	}
	buffered = writeWater // stalled: the deadline stays
	sess.OnData(nil, nil)
	if sess.Deadline() != first {
		t.Error("the deadline moved without progress")
	}
	buffered = 0
	time.Sleep(time.Millisecond)
	sess.OnData(nil, nil)
	if sess.Deadline() <= first {
		t.Error("the deadline did not move with progress")
	}
}

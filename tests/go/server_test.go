// Package e2e runs the installed fasterapi command, as a user would, and talks raw HTTP/1.1
// to it. make test sets FASTERAPI_TEST_VENVS to the venvs (one per Python version) to test.
package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func venvs(t *testing.T) []string {
	v := strings.Fields(os.Getenv("FASTERAPI_TEST_VENVS"))
	if len(v) == 0 {
		t.Skip("FASTERAPI_TEST_VENVS is not set: run through make test, which builds the venvs")
	}
	return v
}

// forEachPython runs f once per test venv (Python 3.12 and 3.13 under make test).
func forEachPython(t *testing.T, f func(t *testing.T, venv string)) {
	for _, v := range venvs(t) {
		t.Run(filepath.Base(v), func(t *testing.T) { f(t, v) })
	}
}

func repoDir(t *testing.T, parts ...string) string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(append([]string{wd, "..", ".."}, parts...)...)
}

type server struct {
	addr   string
	cmd    *exec.Cmd
	mu     sync.Mutex
	output bytes.Buffer
	done   chan struct{}
	err    error
}

func (s *server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.output.Write(p)
}

func (s *server) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.output.String()
}

// outputSoon reports whether the server's output shows want within a few seconds: what a
// handler logs reaches the test through a pipe, which may lag behind the HTTP answer.
func (s *server) outputSoon(want string) bool {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if strings.Contains(s.Output(), want) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs `fasterapi serve` from venv and waits until it answers.
func start(t *testing.T, venv, appDir, spec string, args ...string) *server {
	t.Helper()
	port := freePort(t)
	s := &server{addr: "127.0.0.1:" + strconv.Itoa(port), done: make(chan struct{})}
	argv := append([]string{"serve", spec, "--host", "127.0.0.1", "--port", strconv.Itoa(port),
		"--app-dir", appDir, "--workers", "2"}, args...)
	s.cmd = exec.Command(filepath.Join(venv, "bin", "fasterapi"), argv...)
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.stop(t, false) })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			t.Fatalf("server exited during start-up: %v\n%s", s.err, s.Output())
		default:
		}
		if strings.Contains(s.Output(), "FasterAPI running on") {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not start within 30s:\n%s", s.Output())
	return nil
}

// stop sends SIGTERM and waits; with check it requires exit code 0.
func (s *server) stop(t *testing.T, check bool) {
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
			if check {
				t.Fatalf("server did not exit within 20s of SIGTERM:\n%s", s.Output())
			}
		}
	}
	if check && s.err != nil {
		t.Fatalf("server exit: %v\n%s", s.err, s.Output())
	}
}

func dial(t *testing.T, s *server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

type response struct {
	*http.Response
	body string
}

func readResponse(t *testing.T, r *bufio.Reader, method string) response {
	t.Helper()
	resp, err := http.ReadResponse(r, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return response{resp, string(b)}
}

// roundTrip writes raw bytes on a new connection and reads one response.
func roundTrip(t *testing.T, s *server, raw string) (response, *bufio.Reader, net.Conn) {
	t.Helper()
	c := dial(t, s)
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	method := strings.SplitN(raw, " ", 2)[0]
	return readResponse(t, br, method), br, c
}

// expectClosed checks the server closed the connection.
func expectClosed(t *testing.T, br *bufio.Reader) {
	t.Helper()
	if _, err := br.ReadByte(); err == nil {
		t.Fatal("connection still open, expected the server to close it")
	}
}

func hello(t *testing.T) string { return repoDir(t, "examples", "hello") }

func TestItemsAndHeaders(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		r, _, _ := roundTrip(t, s, "GET /items/5?q=x HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.StatusCode != 200 || r.body != `{"item_id":5,"q":"x"}` {
			t.Fatalf("got %d %s", r.StatusCode, r.body)
		}
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Server") != "fasterapi" {
			t.Errorf("headers: %v", r.Header)
		}
		if _, err := http.ParseTime(r.Header.Get("Date")); err != nil {
			t.Errorf("Date header %q: %v", r.Header.Get("Date"), err)
		}
	})
}

func TestPipelinedResponsesInOrder(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		c := dial(t, s)
		var req strings.Builder
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&req, "GET /items/%d HTTP/1.1\r\nHost: x\r\n\r\n", i)
		}
		if _, err := io.WriteString(c, req.String()); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		for i := 0; i < 20; i++ {
			r := readResponse(t, br, "GET")
			if want := fmt.Sprintf(`{"item_id":%d,"q":null}`, i); r.body != want {
				t.Fatalf("response %d: %s, want %s", i, r.body, want)
			}
		}
	})
}

func TestRequestBodies(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		item := `{"name":"x","price":1.5,"tags":["a"]}`
		r, _, _ := roundTrip(t, s, fmt.Sprintf("POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(item), item))
		if r.StatusCode != 201 || r.body != item {
			t.Fatalf("content-length body: %d %s", r.StatusCode, r.body)
		}
		chunked := "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"5;ext=1\r\n{\"nam\r\n" + fmt.Sprintf("%x\r\n%s\r\n", len(item)-5, item[5:]) + "0\r\nX-Trailer: ignored\r\n\r\n"
		r, _, _ = roundTrip(t, s, chunked)
		if r.StatusCode != 201 || r.body != item {
			t.Fatalf("chunked body: %d %s", r.StatusCode, r.body)
		}
	})
}

func TestExpectContinue(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		item := `{"name":"x","price":2,"tags":[]}`
		c := dial(t, s)
		fmt.Fprintf(c, "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", len(item))
		br := bufio.NewReader(c)
		line, err := br.ReadString('\n')
		if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
			t.Fatalf("interim response %q %v", line, err)
		}
		if blank, _ := br.ReadString('\n'); blank != "\r\n" {
			t.Fatalf("100 Continue not terminated: %q", blank)
		}
		_, _ = io.WriteString(c, item)
		r := readResponse(t, br, "POST")
		if r.StatusCode != 201 || r.body != `{"name":"x","price":2.0,"tags":[]}` {
			t.Fatalf("got %d %s", r.StatusCode, r.body)
		}
	})
}

func TestHeadAndConnectionClose(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		get, _, _ := roundTrip(t, s, "GET /items/7 HTTP/1.1\r\nHost: x\r\n\r\n")
		head, br, _ := roundTrip(t, s, "HEAD /items/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if head.StatusCode != 200 || head.body != "" || head.ContentLength != int64(len(get.body)) {
			t.Fatalf("HEAD: %d len=%d body=%q (GET body %q)", head.StatusCode, head.ContentLength, head.body, get.body)
		}
		if !head.Close {
			t.Error("response to Connection: close lacks connection: close")
		}
		expectClosed(t, br)
	})
}

func TestRoutingAnswersFromGo(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		r, _, _ := roundTrip(t, s, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.StatusCode != 404 || r.body != `{"detail":"Not Found"}` {
			t.Errorf("404: %d %s", r.StatusCode, r.body)
		}
		r, _, _ = roundTrip(t, s, "DELETE /items/1 HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.StatusCode != 405 || r.body != `{"detail":"Method Not Allowed"}` || r.Header.Get("Allow") == "" {
			t.Errorf("405: %d %s allow=%q", r.StatusCode, r.body, r.Header.Get("Allow"))
		}
		r, _, _ = roundTrip(t, s, "GET /items/3/?q=1 HTTP/1.1\r\nHost: example.com:8000\r\n\r\n")
		if r.StatusCode != 307 || r.Header.Get("Location") != "http://example.com:8000/items/3?q=1" {
			t.Errorf("redirect: %d location=%q", r.StatusCode, r.Header.Get("Location"))
		}
	})
}

func TestProtocolErrorsCloseCleanly(t *testing.T) {
	cases := []struct {
		name, raw string
		status    int
	}{
		{"malformed", "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400},
		{"long request line", "GET /" + strings.Repeat("a", 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
		{"large headers", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 17000) + "\r\n\r\n", 431},
		{"large body", "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 17000000\r\n\r\n", 413},
		{"unknown transfer-encoding", "POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
		{"CL and TE", "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
		{"differing CLs", "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
	}
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r, br, _ := roundTrip(t, s, tc.raw)
				if r.StatusCode != tc.status || !strings.HasPrefix(r.body, `{"detail":`) {
					t.Fatalf("got %d %q, want %d with a JSON detail", r.StatusCode, r.body, tc.status)
				}
				expectClosed(t, br)
			})
		}
		// The server is still fine afterwards.
		r, _, _ := roundTrip(t, s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.StatusCode != 200 {
			t.Fatalf("after errors: %d", r.StatusCode)
		}
	})
}

func TestTimeoutsCutSlowAndIdleClients(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app", "--timeout-header-read", "1", "--timeout-keep-alive", "1")
		// slowloris: a byte every 100 ms keeps the connection busy but the head never ends
		c := dial(t, s)
		begin := time.Now()
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\n")
		cut := false
		for time.Since(begin) < 5*time.Second {
			if _, err := io.WriteString(c, "X"); err != nil {
				cut = true
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !cut || time.Since(begin) > 3*time.Second {
			t.Fatalf("slowloris connection not cut within 3s (cut=%v after %v)", cut, time.Since(begin))
		}
		// idle keep-alive connection
		_, br, _ := roundTrip(t, s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		begin = time.Now()
		expectClosed(t, br)
		if d := time.Since(begin); d > 3*time.Second {
			t.Fatalf("idle connection closed after %v, want ~1s", d)
		}
	})
}

func TestStdlibModulesAndCleanShutdown(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "stdlib_app:app")
		// Several connections so both interpreters (round-robin loops) import every module.
		for i := 0; i < 6; i++ {
			for _, path := range []string{"/datetime", "/decimal", "/hashlib", "/asyncio", "/print"} {
				r, _, _ := roundTrip(t, s, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
				if r.StatusCode != 200 {
					t.Fatalf("%s: %d %s\n%s", path, r.StatusCode, r.body, s.Output())
				}
			}
		}
		r, _, _ := roundTrip(t, s, "GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
		out, err := exec.Command(filepath.Join(venv, "bin", "python"), "-c",
			"import sys; print('%d.%d' % sys.version_info[:2])").Output()
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"python":"` + strings.TrimSpace(string(out)) + `"}`; r.body != want {
			t.Errorf("server embeds %s, venv runs %s", r.body, want)
		}
		s.stop(t, true)
		if !s.outputSoon("printed-by-handler") {
			t.Errorf("handler output lost at exit:\n%s", s.Output())
		}
	})
}

func TestGracefulShutdownFinishesInFlightRequest(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, hello(t), "app:app")
		item := `{"name":"x","price":3,"tags":[]}`
		c := dial(t, s)
		fmt.Fprintf(c, "POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(item), item[:10])
		time.Sleep(200 * time.Millisecond)
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(c, item[10:])
		r := readResponse(t, bufio.NewReader(c), "POST")
		if r.StatusCode != 201 || !r.Close {
			t.Fatalf("in-flight request during shutdown: %d close=%v %s", r.StatusCode, r.Close, r.body)
		}
		s.stop(t, true)
	})
}

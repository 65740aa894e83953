package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// On SIGTERM an HTTP/2 connection gets GOAWAY(NO_ERROR) naming the last stream served
// (RFC 9113 §6.8), its in-flight request still completes, and then the server exits.
func TestH2GracefulShutdown(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		c := dialH2(t, s.addr)
		var hb bytes.Buffer
		enc := hpack.NewEncoder(&hb)
		for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/sleep?seconds=1"}} {
			_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		fw := http2.NewFramer(c, c)
		_ = fw.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true, EndStream: true})
		time.Sleep(300 * time.Millisecond)
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		var events []string
		var body []byte
		for {
			f, err := fw.ReadFrame()
			if err != nil {
				break
			}
			switch f := f.(type) {
			case *http2.GoAwayFrame:
				events = append(events, fmt.Sprintf("GOAWAY %v last=%d", f.ErrCode, f.LastStreamID))
			case *http2.HeadersFrame:
				events = append(events, "HEADERS")
			case *http2.DataFrame:
				body = append(body, f.Data()...)
				if f.StreamEnded() {
					events = append(events, "END")
				}
			case *http2.SettingsFrame:
				if !f.IsAck() {
					_ = fw.WriteSettingsAck()
				}
			}
		}
		want := []string{"GOAWAY NO_ERROR last=1", "HEADERS", "END"}
		if strings.Join(events, ", ") != strings.Join(want, ", ") || string(body) != `{"slept":1.0}` {
			t.Fatalf("frames %v body %q, want %v and the slept answer", events, body, want)
		}
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Fatal("server did not exit after its last HTTP/2 stream")
		}
	})
}

// Request bodies larger than every flow-control window arrive whole (the server reopens the
// windows as it reads), one over --max-body-size is refused with 413, and a response larger
// than the client's windows is sent as the client opens them.
func TestH2LargeBodiesBothWays(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "api_app:app", "--workers", "1",
			"--max-body-size", strconv.Itoa(4<<20))
		client := h2cClient()
		big := strings.Repeat("a", 3<<20)
		resp, err := client.Post("http://"+s.addr+"/request/x", "text/plain", strings.NewReader(big))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"body":"`+big+`"`)) {
			t.Fatalf("3 MB upload: HTTP/%d %d, %d bytes back", resp.ProtoMajor, resp.StatusCode, len(b))
		}
		resp, err = client.Post("http://"+s.addr+"/request/x", "text/plain", strings.NewReader(big+big))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("6 MB upload: %d, want 413", resp.StatusCode)
		}
	})
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "encoding_app:app", "--workers", "1")
		resp, err := h2cClient().Get("http://" + s.addr + "/big/2000000")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 200 || len(b) < 4_000_000 || strconv.Itoa(len(b)) != resp.Header.Get("content-length") {
			t.Fatalf("large response: HTTP/%d %d, %d bytes (content-length %s)", resp.ProtoMajor, resp.StatusCode, len(b), resp.Header.Get("content-length"))
		}
	})
}

// h2load (nghttp2) multiplexes 10 streams on each of 4 connections; every request must succeed.
func TestH2LoadAllSucceed(t *testing.T) {
	h2load, err := exec.LookPath("h2load")
	if err != nil {
		t.Fatal("h2load is required (make test installs nghttp2-client)")
	}
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		before := rssMB(t, s)
		out, err := exec.Command(h2load, "-n", "2000", "-c", "4", "-m", "10", "http://"+s.addr+"/sync").CombinedOutput()
		if err != nil {
			t.Fatalf("h2load: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored`).FindSubmatch(out)
		if m == nil || string(m[1]) != "2000" || string(m[2]) != "2000" || string(m[3]) != "0" || string(m[4]) != "0" {
			t.Fatalf("h2load did not succeed on every request:\n%s", out)
		}
		if !bytes.Contains(out, []byte("status codes: 2000 2xx")) {
			t.Fatalf("h2load saw non-2xx answers:\n%s", out)
		}
		checkBounded(t, s, before)
	})
}

// curl with --http2-prior-knowledge starts with the HTTP/2 preface (RFC 9113 §3.3).
func TestH2CPriorKnowledgeWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is required (make test installs it)")
	}
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		// One URL per run: curl 7.88 fails to reuse a prior-knowledge connection for a second
		// URL (exit 16 before sending anything, against Go's h2c server too).
		for path, want := range map[string]string{"/sync": `{"sync":"ok"} 2`, "/sleep?seconds=0.01": `{"slept":0.01} 2`} {
			out, err := exec.Command(curl, "-s", "--http2-prior-knowledge", "-w", " %{http_version}",
				"http://"+s.addr+path).CombinedOutput()
			if err != nil || string(out) != want {
				t.Fatalf("curl --http2-prior-knowledge %s: %v, printed %q, want %q", path, err, out, want)
			}
		}
	})
}

// A request with a trailer section (RFC 9113 §8.1) ends with the trailers and is served.
func TestH2RequestTrailers(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "api_app:app", "--workers", "1")
		req, _ := http.NewRequest("POST", "http://"+s.addr+"/request/x", io.NopCloser(strings.NewReader("with trailers")))
		req.ContentLength = -1
		req.Trailer = http.Header{"X-Checksum": {"abc"}}
		resp, err := h2cClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 || resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"body":"with trailers"`)) {
			t.Fatalf("HTTP/%d %d %s", resp.ProtoMajor, resp.StatusCode, b)
		}
	})
}

// An HTTP/2 connection left idle for --timeout-keep-alive gets GOAWAY(NO_ERROR) naming the last
// stream it served before it is closed (RFC 9113 §9.1).
func TestH2IdleConnectionGetsGoAway(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1",
			"--timeout-keep-alive", "1s")
		c := dialH2(t, s.addr)
		var hb bytes.Buffer
		enc := hpack.NewEncoder(&hb)
		for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/sync"}} {
			_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		fw := http2.NewFramer(c, c)
		_ = fw.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true, EndStream: true})
		began := time.Now()
		ga, statuses := h2Frames(t, c)
		if len(statuses) != 1 || statuses[0] != "200" || ga == nil || ga.ErrCode != http2.ErrCodeNo || ga.LastStreamID != 1 {
			t.Fatalf("statuses %v, GOAWAY %v", statuses, ga)
		}
		t.Logf("GOAWAY after %v", time.Since(began).Round(10*time.Millisecond))
		if _, err := fw.ReadFrame(); err == nil {
			t.Fatal("a frame after the GOAWAY of an idle connection")
		}
	})
}

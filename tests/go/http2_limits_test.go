package e2e

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rssMB reads the server's resident set size from /proc.
func rssMB(t *testing.T, s *server) float64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// checkBounded fails when the server grew by more than 50 MB during an attack.
func checkBounded(t *testing.T, s *server, before float64) {
	t.Helper()
	if after := rssMB(t, s); after-before > 50 {
		t.Fatalf("RSS grew from %.1f MB to %.1f MB", before, after)
	} else {
		t.Logf("RSS %.1f MB before, %.1f MB after", before, after)
	}
}

// h2Frames reads server frames, decoding header blocks, until GOAWAY or the end of the
// connection. It returns the GOAWAY (nil if none) and the :status of every HEADERS frame.
func h2Frames(t *testing.T, c net.Conn) (*http2.GoAwayFrame, []string) {
	t.Helper()
	// Buffered: a flood's answers can be megabytes of 9-byte frames, and reading them one
	// system call at a time is slow enough (under -race, on a loaded machine) for the server
	// to see no progress and give up on delivering its GOAWAY.
	fr := http2.NewFramer(io.Discard, bufio.NewReaderSize(c, 1<<20))
	fr.SetMaxReadFrameSize(1 << 20)
	var statuses []string
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) {
		if f.Name == ":status" {
			statuses = append(statuses, f.Value)
		}
	})
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return nil, statuses
		}
		switch f := f.(type) {
		case *http2.GoAwayFrame:
			return f, statuses
		case *http2.HeadersFrame:
			if _, err := dec.Write(f.HeaderBlockFragment()); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func dialH2(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(15 * time.Second))
	_, _ = c.Write([]byte(http2.ClientPreface))
	_ = http2.NewFramer(c, nil).WriteSettings()
	return c
}

// HPACK bomb (RFC 9113 §10.5.1, RFC 7541 §7.3): one 4000-byte field in the dynamic table, then
// 1000 one-byte references to it per request, 4 MB decoded for 1 KB sent. Each request gets
// 431 without its fields ever being materialized; repeating it ends the connection.
func TestH2HPACKBombIsRefusedThenCutOff(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		before := rssMB(t, s)
		c := dialH2(t, s.addr)
		head := []byte{0x82, 0x86, 0x84, 0x01, 0x01, 'x'} // GET http / with :authority x, not indexed
		bomb := append([]byte{0x40, 0x06}, "x-bomb"...)   // literal with incremental indexing
		bomb = append(append(bomb, 0x7f, 0xa1, 0x1e), bytes.Repeat([]byte{'b'}, 4000)...)
		refs := bytes.Repeat([]byte{0x80 | 62}, 1000)
		go func() {
			var out bytes.Buffer
			fr := http2.NewFramer(&out, nil)
			first := append(append(append([]byte(nil), head...), bomb...), refs...)
			_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: first, EndHeaders: true, EndStream: true})
			rest := append(append([]byte(nil), head...), refs...)
			for id := uint32(3); id < 1000; id += 2 {
				_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: rest, EndHeaders: true, EndStream: true})
			}
			_, _ = c.Write(out.Bytes())
		}()
		ga, statuses := h2Frames(t, c)
		if ga == nil || ga.ErrCode != http2.ErrCodeEnhanceYourCalm {
			t.Fatalf("GOAWAY %v, want ENHANCE_YOUR_CALM", ga)
		}
		if len(statuses) == 0 || statuses[0] != "431" {
			t.Fatalf("statuses %v, want 431s", statuses)
		}
		checkBounded(t, s, before)
	})
}

// A SETTINGS or PING flood from a client that never reads the ACKs: the server stops queueing
// answers and sends GOAWAY ENHANCE_YOUR_CALM, which arrives once the client reads.
func TestH2ControlFloodWhileNotReadingIsCutOff(t *testing.T) {
	for name, write := range map[string]func(fr *http2.Framer){
		"settings": func(fr *http2.Framer) { _ = fr.WriteSettings() },
		"ping":     func(fr *http2.Framer) { _ = fr.WritePing(false, [8]byte{1}) },
	} {
		t.Run(name, func(t *testing.T) {
			forEachPython(t, func(t *testing.T, venv string) {
				// A long keep-alive: on a loaded machine the flood may take longer than the
				// idle timeout to trip the limit, and an idle GOAWAY is not what this tests.
				s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1",
					"--timeout-keep-alive", "60")
				before := rssMB(t, s)
				c := dialH2(t, s.addr)
				var stop atomic.Bool
				go func() {
					var out bytes.Buffer
					fr := http2.NewFramer(&out, nil)
					for range 10000 {
						write(fr)
					}
					for i := 0; i < 200 && !stop.Load(); i++ { // up to 2 million frames
						if _, err := c.Write(out.Bytes()); err != nil {
							return
						}
					}
				}()
				time.Sleep(time.Second) // not reading: ACKs pile up on the server's side
				ga, _ := h2Frames(t, c)
				stop.Store(true)
				if ga == nil || ga.ErrCode != http2.ErrCodeEnhanceYourCalm {
					t.Fatalf("GOAWAY %v, want ENHANCE_YOUR_CALM", ga)
				}
				checkBounded(t, s, before)
			})
		})
	}
}

// Zero-window slowloris: a client that opens no flow-control window holds every response. The
// server queues at most a bounded backlog and ends the connection once nothing moved for the
// body timeout.
func TestH2ZeroWindowSlowlorisIsCutOff(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "encoding_app:app", "--workers", "1",
			"--timeout-body-read", "1s")
		before := rssMB(t, s)
		began := time.Now()
		code := h2Attack(t, s.addr, func(fr *http2.Framer, _ []byte) {
			_ = fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 0})
			var hb bytes.Buffer
			enc := hpack.NewEncoder(&hb)
			for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/big/100000"}} {
				_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
			}
			for id := uint32(1); id < 200; id += 2 { // 100 streams, ~200 KB of response each
				_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true, EndStream: true})
			}
		})
		if code != http2.ErrCodeEnhanceYourCalm {
			t.Fatalf("GOAWAY %v, want ENHANCE_YOUR_CALM", code)
		}
		t.Logf("GOAWAY after %v", time.Since(began).Round(10*time.Millisecond))
		checkBounded(t, s, before)
	})
}

// Many uploads at once on one connection, each under --max-body-size and none finishing: the
// server stops opening flow-control windows once one maximal body is buffered (the oldest
// upload excepted), so the connection's memory does not scale with its streams.
func TestH2ConcurrentUploadsStayBounded(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "api_app:app", "--workers", "1",
			"--max-body-size", strconv.Itoa(4<<20))
		before := rssMB(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		client := h2cClient()
		var wg sync.WaitGroup
		chunk := bytes.Repeat([]byte{'u'}, 1<<20)
		for range 60 { // 60 MB offered, 3 MB each below the limit
			wg.Add(1)
			go func() {
				defer wg.Done()
				pr, pw := io.Pipe()
				go func() {
					for range 3 {
						if _, err := pw.Write(chunk); err != nil {
							return
						}
					}
					<-ctx.Done() // never ends the body
					pw.CloseWithError(ctx.Err())
				}()
				req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+s.addr+"/request/x", pr)
				if resp, err := client.Do(req); err == nil {
					resp.Body.Close()
				}
			}()
		}
		time.Sleep(3 * time.Second)
		checkBounded(t, s, before)
		cancel()
		wg.Wait()
		// The server still answers.
		resp, err := h2cClient().Get("http://" + s.addr + "/request/y")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("after the uploads: %d", resp.StatusCode)
		}
	})
}

// An upload that stops sending is answered 408 after --timeout-body-read, as over HTTP/1.1,
// and the connection keeps serving.
func TestH2StalledUploadGets408(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "api_app:app", "--workers", "1",
			"--timeout-body-read", "1s")
		c := dialH2(t, s.addr)
		var hb bytes.Buffer
		enc := hpack.NewEncoder(&hb)
		for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/request/x"}} {
			_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		fw := http2.NewFramer(c, c)
		_ = fw.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true})
		_ = fw.WriteData(1, false, []byte("part of a body"))
		began := time.Now()
		var status string
		dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) {
			if f.Name == ":status" {
				status = f.Value
			}
		})
		for status == "" {
			f, err := fw.ReadFrame()
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			if h, ok := f.(*http2.HeadersFrame); ok && h.StreamID == 1 {
				_, _ = dec.Write(h.HeaderBlockFragment())
			}
		}
		if status != "408" {
			t.Fatalf("status %s, want 408", status)
		}
		t.Logf("408 after %v", time.Since(began).Round(10*time.Millisecond))
	})
}

package e2e

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Rapid reset (CVE-2023-44487): a client that opens streams and cancels them at once must be
// cut off with GOAWAY ENHANCE_YOUR_CALM, and the server must keep serving others.
func TestH2RapidResetIsCutOff(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		code := h2Attack(t, s.addr, func(fr *http2.Framer, block []byte) {
			for id := uint32(1); id < 20000; id += 2 {
				_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndHeaders: true, EndStream: true})
				_ = fr.WriteRSTStream(id, http2.ErrCodeCancel)
			}
		})
		if code != http2.ErrCodeEnhanceYourCalm {
			t.Fatalf("GOAWAY %v, want ENHANCE_YOUR_CALM", code)
		}
		// Other clients are still served.
		r, _, _ := roundTrip(t, s, "GET /sync HTTP/1.1\r\nHost: x\r\n\r\n")
		if r.body != `{"sync":"ok"}` {
			t.Fatalf("after the attack: %d %s", r.StatusCode, r.body)
		}
	})
}

// h2Attack writes frames built by build after the preface and returns the first GOAWAY's code,
// or fails if the connection ends without one.
func h2Attack(t *testing.T, addr string, build func(fr *http2.Framer, block []byte)) http2.ErrCode {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	var block bytes.Buffer
	enc := hpack.NewEncoder(&block)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/sync"}} {
		_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	var out bytes.Buffer
	out.WriteString(http2.ClientPreface)
	fr := http2.NewFramer(&out, nil)
	_ = fr.WriteSettings()
	build(fr, block.Bytes())
	go func() { _, _ = c.Write(out.Bytes()) }()
	reader := http2.NewFramer(io.Discard, c)
	reader.SetMaxReadFrameSize(1 << 20)
	for {
		f, err := reader.ReadFrame()
		if err != nil {
			t.Fatalf("no GOAWAY before the connection ended: %v", err)
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok {
			return ga.ErrCode
		}
	}
}

func TestH2ContinuationFloodIsCutOff(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		code := h2Attack(t, s.addr, func(fr *http2.Framer, block []byte) {
			_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block, EndStream: true})
			junk := bytes.Repeat([]byte{0x40, 0x01, 'x', 0x01, 'y'}, 200) // literal fields, never ending
			for i := 0; i < 2000; i++ {
				_ = fr.WriteContinuation(1, false, junk)
			}
		})
		if code != http2.ErrCodeEnhanceYourCalm {
			t.Fatalf("GOAWAY %v, want ENHANCE_YOUR_CALM", code)
		}
	})
}

func TestH2TooManyRefusedStreamsIsCutOff(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		code := h2Attack(t, s.addr, func(fr *http2.Framer, block []byte) {
			// Streams that never end their request stay open until the limit refuses more.
			for id := uint32(1); id < 4000; id += 2 {
				_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndHeaders: true})
			}
		})
		if code != http2.ErrCodeEnhanceYourCalm {
			t.Fatalf("GOAWAY %v, want ENHANCE_YOUR_CALM", code)
		}
	})
}

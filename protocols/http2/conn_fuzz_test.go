package http2

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	xhttp2 "golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// fuzzConfigs pairs the defaults with tiny limits so short inputs reach
// every limit path.
var fuzzConfigs = []Config{
	{},
	{MaxConcurrentStreams: 2, InitialWindowSize: 10, MaxHeaderListSize: 200, MaxBodyBytes: 20,
		MaxEarlyResets: 3, MaxQueuedControlFrames: 4, EnableConnectProtocol: true},
}

var fuzzCodes = map[ErrCode]bool{
	ErrCodeProtocol: true, ErrCodeFlowControl: true, ErrCodeStreamClosed: true, ErrCodeFrameSize: true,
	ErrCodeCompression: true, ErrCodeEnhanceYourCalm: true,
}

// FuzzConn feeds arbitrary bytes after the client preface. The Conn must
// not panic, must fail only with a *ConnError, must keep its memory
// bounded by its limits and by what it was fed, must write only
// well-formed frames, and must not depend on how the input is split.
func FuzzConn(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, cfg := range fuzzConfigs {
			checkServe(t, cfg, data)
			checkSplit(t, cfg, data)
		}
	})
}

// checkServe drives a Conn the way a transport and a trivial application
// would, and checks the invariants after every Feed.
func checkServe(t *testing.T, cfg Config, data []byte) {
	norm := cfg.normalized()
	c := NewConn(cfg)
	var out bytes.Buffer
	in := append([]byte(ClientPreface), data...)
	var ferr error
	for len(in) > 0 && ferr == nil {
		n := min(len(in), 4096)
		ferr = c.Feed(in[:n])
		in = in[n:]
		for ev, ok := c.NextEvent(); ok; ev, ok = c.NextEvent() {
			switch ev.Kind {
			case EventRequestHeaders:
				if ev.Method == "" || len(ev.Headers) > int(norm.MaxHeaderListSize)/32 {
					t.Fatalf("implausible request %+v", ev)
				}
				_ = c.WriteHeaders(ev.Stream, 200, []Header{{"content-type", "text/plain"}}, false)
				_, _ = c.WriteData(ev.Stream, []byte("ok"), ev.Stream%4 == 1)
			case EventRequestData:
				c.ConsumeData(ev.Stream, len(ev.Data))
				if ev.EndStream {
					_ = c.WriteTrailers(ev.Stream, []Header{{"x-done", "1"}})
				}
			}
		}
		if len(c.carry) > frameHeaderLen+int(norm.MaxFrameSize) {
			t.Fatalf("reassembly buffer %d bytes", len(c.carry))
		}
		if uint32(len(c.streams)) > norm.MaxConcurrentStreams {
			t.Fatalf("%d streams open", len(c.streams))
		}
		if c.BufferedTotal() > 2*int(norm.MaxConcurrentStreams) {
			t.Fatalf("%d bytes queued", c.BufferedTotal())
		}
		// Every answer is smaller than a few times its cause.
		if p := len(c.Pending()); p > 1024+64*len(data) {
			t.Fatalf("%d bytes pending for %d fed", p, len(data))
		}
		out.Write(c.Pending())
		c.Consumed(len(c.Pending()))
	}
	if ferr != nil {
		var ce *ConnError
		if !errors.As(ferr, &ce) || !fuzzCodes[ce.Code] || ce.Reason == "" {
			t.Fatalf("error %#v", ferr)
		}
		if c.Feed([]byte{0}) != ferr || !c.Closed() {
			t.Fatal("connection error not sticky")
		}
	}
	checkOutput(t, out.Bytes(), ferr != nil)
}

// checkOutput parses the server's output with x/net's client-side Framer:
// frames, header blocks and HPACK state must all be valid, and a failed
// connection must end with GOAWAY.
func checkOutput(t *testing.T, out []byte, failed bool) {
	fr := xhttp2.NewFramer(nil, bytes.NewReader(out))
	fr.SetMaxReadFrameSize(maxMaxFrameSize)
	fr.ReadMetaHeaders = hpack.NewDecoder(headerTableSize, nil)
	fr.MaxHeaderListSize = 1 << 24
	var last xhttp2.Frame
	for {
		f, err := fr.ReadFrame()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("server wrote an invalid frame after %v: %v", last, err)
		}
		last = f
	}
	if _, ok := last.(*xhttp2.GoAwayFrame); failed && !ok {
		t.Fatalf("failed connection ended with %v", last)
	}
}

// checkSplit compares feeding data at once with feeding it in small
// pieces, with no application in the loop.
func checkSplit(t *testing.T, cfg Config, data []byte) {
	run := func(chunk int) (string, string, string) {
		c := NewConn(cfg)
		in := append([]byte(ClientPreface), data...)
		var evs []Event
		var err error
		for len(in) > 0 && err == nil {
			n := min(len(in), chunk)
			err = c.Feed(in[:n])
			in = in[n:]
			for ev, ok := c.NextEvent(); ok; ev, ok = c.NextEvent() {
				ev.Data = bytes.Clone(ev.Data)
				ev.Headers = append([]Header(nil), ev.Headers...)
				evs = append(evs, ev)
			}
		}
		return string(c.Pending()), describeEvents(evs), fmt.Sprint(err)
	}
	out1, ev1, err1 := run(len(data) + len(ClientPreface))
	for _, chunk := range []int{1, 13} {
		// Byte-at-a-time costs a Feed call per byte; keep it to short
		// inputs so the fuzzer's minimizer stays fast.
		if chunk == 1 && len(data) > 256 {
			continue
		}
		out, ev, err := run(chunk)
		if out != out1 || ev != ev1 || err != err1 {
			t.Fatalf("chunk %d differs:\n%s\n%s\nwant\n%s\n%s", chunk, ev, err, ev1, err1)
		}
	}
}

// fuzzSeeds builds the seed inputs (everything after the preface).
func fuzzSeeds(tb testing.TB) map[string][]byte {
	seeds := map[string][]byte{}
	add := func(name string, build func(fw *xhttp2.Framer, enc func(kv ...string) []byte)) {
		var in, eb bytes.Buffer
		fw := xhttp2.NewFramer(&in, nil)
		fw.AllowIllegalWrites = true
		enc := hpack.NewEncoder(&eb)
		encode := func(kv ...string) []byte {
			eb.Reset()
			for i := 0; i+1 < len(kv); i += 2 {
				_ = enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
			}
			return bytes.Clone(eb.Bytes())
		}
		_ = fw.WriteSettings()
		build(fw, encode)
		seeds[name] = bytes.Clone(in.Bytes())
	}
	hdrs := func(fw *xhttp2.Framer, id uint32, end bool, blk []byte) {
		_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: id, BlockFragment: blk, EndStream: end, EndHeaders: true})
	}
	add("get", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		_ = fw.WriteSettingsAck()
		hdrs(fw, 1, true, enc(get("/", "user-agent", "seed")...))
		hdrs(fw, 3, true, enc(get("/", "user-agent", "seed")...))
	})
	add("post_body_trailers", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		hdrs(fw, 1, false, enc(post("/up", "content-length", "11", "te", "trailers")...))
		_ = fw.WriteData(1, false, []byte("hello"))
		_ = fw.WriteDataPadded(1, false, []byte(" world"), make([]byte, 4))
		hdrs(fw, 1, true, enc("x-sum", "1"))
	})
	add("continuation_padded_priority", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		blk := enc(get("/c", "x-a", strings.Repeat("a", 40))...)
		_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: blk[:5], EndStream: true,
			PadLength: 2, Priority: xhttp2.PriorityParam{StreamDep: 0, Weight: 7}})
		_ = fw.WriteContinuation(1, false, blk[5:20])
		_ = fw.WriteContinuation(1, true, blk[20:])
	})
	add("settings_window", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		_ = fw.WriteSettings(xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 1},
			xhttp2.Setting{ID: xhttp2.SettingHeaderTableSize, Val: 0},
			xhttp2.Setting{ID: xhttp2.SettingMaxFrameSize, Val: 20000})
		hdrs(fw, 1, true, enc(get("/")...))
		_ = fw.WriteWindowUpdate(1, 1)
		_ = fw.WriteWindowUpdate(0, 100)
		_ = fw.WriteSettings(xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: 100})
	})
	add("ping_goaway", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		_ = fw.WritePing(false, [8]byte{1})
		_ = fw.WritePing(true, [8]byte{2})
		_ = fw.WriteGoAway(0, xhttp2.ErrCodeNo, []byte("bye"))
	})
	add("rapid_reset", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		for i := range 8 {
			hdrs(fw, uint32(2*i+1), true, enc(get("/")...))
			_ = fw.WriteRSTStream(uint32(2*i+1), xhttp2.ErrCodeCancel)
		}
	})
	add("priority_unknown", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		_ = fw.WritePriority(3, xhttp2.PriorityParam{StreamDep: 1, Weight: 3})
		_ = fw.WriteRawFrame(0x42, 0, 0, []byte("unknown"))
		_ = fw.WritePriority(5, xhttp2.PriorityParam{StreamDep: 5})
		hdrs(fw, 7, true, enc(get("/")...))
	})
	add("malformed", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		hdrs(fw, 1, true, enc(":method", "GET", ":path", "/", "Upper", "x"))
		hdrs(fw, 3, true, enc(get("/", "connection", "close")...))
		hdrs(fw, 5, false, enc(post("/", "content-length", "2")...))
		_ = fw.WriteData(5, true, []byte("abc"))
	})
	add("extended_connect", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		hdrs(fw, 1, false, enc(":method", "CONNECT", ":protocol", "websocket", ":scheme", "https", ":path", "/ws", ":authority", "a"))
		_ = fw.WriteData(1, false, []byte{0x81, 0x80, 0, 0, 0, 0})
	})
	add("big_headers", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		hdrs(fw, 1, true, enc(get("/", "cookie", strings.Repeat("c", 300))...))
		hdrs(fw, 3, true, enc(get("/", "cookie", strings.Repeat("c", 300))...))
	})
	add("window_overflow", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		hdrs(fw, 1, false, enc(post("/")...))
		_ = fw.WriteWindowUpdate(1, 1<<31-1)
		_ = fw.WriteWindowUpdate(0, 1<<31-1)
	})
	add("push_promise", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		_ = fw.WritePushPromise(xhttp2.PushPromiseParam{StreamID: 1, PromiseID: 2, BlockFragment: enc(get("/")...), EndHeaders: true})
	})
	add("data_flood_closed", func(fw *xhttp2.Framer, enc func(...string) []byte) {
		hdrs(fw, 1, true, enc(get("/")...))
		for range 10 {
			_ = fw.WriteData(1, false, nil)
		}
	})
	return seeds
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzConn when
// FASTERAPI_WRITE_SEEDS is set; otherwise it checks they are present.
func TestWriteFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzConn")
	seeds := fuzzSeeds(t)
	if os.Getenv("FASTERAPI_WRITE_SEEDS") == "" {
		for name := range seeds {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("seed %s missing (run with FASTERAPI_WRITE_SEEDS=1): %v", name, err)
			}
		}
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

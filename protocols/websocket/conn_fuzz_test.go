package websocket

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// fuzzConfigs pairs the defaults with tiny limits and both compression
// modes so short inputs reach every limit and the inflate paths.
var fuzzConfigs = []Config{
	{},
	{MaxMessageSize: 64, Deflate: DeflateParams{Enabled: true, ClientNoContextTakeover: true}},
	{MaxMessageSize: 1024, Deflate: DeflateParams{Enabled: true}},
}

var zeroKey [4]byte

// fuzzSeeds are the named inputs checked in under testdata/fuzz/FuzzReader.
// Most use the all-zero masking key (legal, RFC 6455 §5.3) so mutations of
// the payload bytes act on the plain text, compressed data included.
func fuzzSeeds() []struct {
	name string
	data []byte
} {
	var buf bytes.Buffer
	w := newTestWriter(&buf)
	z := func(s string, reset bool) string { return string(deflateMessage(w, &buf, []byte(s), reset)) }
	zk := func(b0 byte, s string) []byte { return maskedFrame(b0, zeroKey, []byte(s)) }
	ctx1, ctx2 := z("takeover takeover", true), z("takeover takeover!", false)
	frag := z("fragmented compressed message", true)
	return []struct {
		name string
		data []byte
	}{
		{"text_rfc_key", textFrame("Hello")},
		{"binary_zero_key", zk(fin|byte(OpBinary), "\x00\x01\x02binary")},
		{"fragmented_with_ping", cat(zk(byte(OpText), "Hel"), zk(fin|byte(OpPing), "p"), zk(fin|byte(OpContinuation), "lo"))},
		{"utf8_across_fragments", cat(zk(byte(OpText), "\xf0\x9d"), zk(fin|byte(OpContinuation), "\x84\x9e κόσμε"))},
		{"close_with_reason", cat(zk(fin|byte(OpText), "bye"), maskedFrame(fin|byte(OpClose), zeroKey, []byte("\x03\xe8going")))},
		{"close_empty", zk(fin|byte(OpClose), "")},
		{"ping_pong", cat(zk(fin|byte(OpPing), "1"), zk(fin|byte(OpPong), "2"), zk(fin|byte(OpPing), "3"))},
		{"len16", zk(fin|byte(OpBinary), repeat("x", 200))},
		{"len64_nonminimal", cat([]byte{fin | byte(OpText), maskBit | 127, 0, 0, 0, 0, 0, 0, 0, 3}, zeroKey[:], []byte("abc"))},
		{"deflate_message", zk(fin|rsv1Bit|byte(OpText), z("Hello Hello Hello", true))},
		{"deflate_takeover", cat(zk(fin|rsv1Bit|byte(OpText), ctx1), zk(fin|rsv1Bit|byte(OpText), ctx2))},
		{"deflate_fragmented", cat(zk(rsv1Bit|byte(OpBinary), frag[:7]), zk(fin|byte(OpPong), ""), zk(fin|byte(OpContinuation), frag[7:]))},
		{"deflate_bomb", zk(fin|rsv1Bit|byte(OpBinary), z(string(make([]byte, 3000)), true))},
		{"invalid_utf8", zk(fin|byte(OpText), "ok\xed\xa0\x80")},
		{"reserved_opcode", zk(fin|0x3, "")},
		{"unmasked", []byte{fin | byte(OpText), 2, 'h', 'i'}},
		{"len64_msb", []byte{fin | byte(OpBinary), maskBit | 127, 0x80, 0, 0, 0, 0, 0, 0, 0}},
		{"rsv1_continuation", cat(zk(byte(OpText), "a"), zk(fin|rsv1Bit|byte(OpContinuation), "b"))},
		{"bad_close_code", maskedFrame(fin|byte(OpClose), zeroKey, []byte("\x03\xed"))},
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, cfg := range fuzzConfigs {
			once := checkedRun(t, cfg, data)
			if got := run(t, cfg, bytewise(data)...); !got.equal(once) {
				t.Fatalf("config %+v\none shot     %v\nbyte by byte %v", cfg, once, got)
			}
			if h := len(data) / 2; h > 0 {
				if got := run(t, cfg, split(data, h)...); !got.equal(once) {
					t.Fatalf("config %+v\none shot %v\nhalves   %v", cfg, once, got)
				}
			}
		}
	})
}

// checkedRun feeds data at once and checks what every outcome must satisfy.
func checkedRun(t *testing.T, cfg Config, data []byte) outcome {
	o := run(t, cfg, data)
	limit := cfg.MaxMessageSize
	if limit == 0 {
		limit = DefaultMaxMessageSize
	}
	switch o.Err {
	case 0, CloseProtocolError, CloseInvalidPayload, CloseMessageTooBig:
	default:
		t.Fatalf("failed with code %d", o.Err)
	}
	for i, ev := range o.Events {
		switch ev.Kind {
		case EventMessage:
			if int64(len(ev.Data)) > limit {
				t.Fatalf("message of %d bytes passed the %d limit", len(ev.Data), limit)
			}
			if ev.Text && !utf8.ValidString(ev.Data) {
				t.Fatalf("invalid UTF-8 text delivered: %q", ev.Data)
			}
		case EventPing, EventPong:
			if len(ev.Data) > MaxControlPayload {
				t.Fatalf("control payload of %d bytes", len(ev.Data))
			}
		case EventClose:
			if i != len(o.Events)-1 || o.Err != 0 {
				t.Fatal("events after the Close")
			}
			if !ValidCloseCode(ev.Code) && ev.Code != CloseNoStatus || !utf8.ValidString(ev.Reason) {
				t.Fatalf("close %d %q", ev.Code, ev.Reason)
			}
		default:
			t.Fatalf("event kind %v", ev.Kind)
		}
	}
	closed := o.Err != 0 || len(o.Events) > 0 && o.Events[len(o.Events)-1].Kind == EventClose
	if closed != (o.State == StateClosed) {
		t.Fatalf("state %v after %v", o.State, o)
	}
	fs := parseServerFrames(t, []byte(o.Out))
	for i, f := range fs {
		last := i == len(fs)-1
		if pong, closing := f.Op == OpPong && i == 0, f.Op == OpClose && last; !pong && !closing {
			t.Fatalf("unexpected output %+v", fs)
		}
	}
	if closed != (len(fs) > 0 && fs[len(fs)-1].Op == OpClose) {
		t.Fatalf("closed=%v but output %+v", closed, fs)
	}
	return o
}

// The named seeds are checked in (go test runs them without -fuzz);
// FASTERAPI_UPDATE_FUZZ_SEEDS=1 rewrites them. Other files in the
// directory, such as minimized crashers, are left alone.
func TestFuzzSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzReader")
	update := os.Getenv("FASTERAPI_UPDATE_FUZZ_SEEDS") == "1"
	for _, s := range fuzzSeeds() {
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s.data)
		path := filepath.Join(dir, s.name)
		if update {
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("%s is missing or stale (err %v); regenerate with FASTERAPI_UPDATE_FUZZ_SEEDS=1", path, err)
		}
	}
}

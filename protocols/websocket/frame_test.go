package websocket

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestAppendFrame(t *testing.T) {
	tests := []struct {
		name    string
		op      Opcode
		payload string
		fin     bool
		want    string // header only; the payload follows unchanged
	}{
		// RFC 6455 §5.7 examples
		{"single-frame text", OpText, "Hello", true, "\x81\x05"},
		{"first fragment", OpText, "Hel", false, "\x01\x03"},
		{"last fragment", OpContinuation, "lo", true, "\x80\x02"},
		{"ping", OpPing, "Hello", true, "\x89\x05"},
		{"256 bytes binary", OpBinary, repeat("x", 256), true, "\x82\x7e\x01\x00"},
		{"64 KiB binary", OpBinary, repeat("x", 65536), true, "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"},
		{"125 bytes", OpBinary, repeat("x", 125), true, "\x82\x7d"},
		{"126 bytes", OpBinary, repeat("x", 126), true, "\x82\x7e\x00\x7e"},
		{"65535 bytes", OpBinary, repeat("x", 65535), true, "\x82\x7e\xff\xff"},
		{"empty", OpBinary, "", true, "\x82\x00"},
		// control frames are never fragmented
		{"control fin forced", OpPong, "a", false, "\x8a\x01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendFrame([]byte("pre"), tt.op, []byte(tt.payload), tt.fin)
			if want := "pre" + tt.want + tt.payload; string(got) != want {
				t.Fatalf("got % x", got[:min(len(got), 16)])
			}
		})
	}
}

func TestControlPayloadTruncated(t *testing.T) {
	for _, f := range []func([]byte, []byte) []byte{AppendPing, AppendPong} {
		fs := parseServerFrames(t, f(nil, []byte(repeat("p", 200))))
		if len(fs) != 1 || len(fs[0].Payload) != MaxControlPayload {
			t.Fatalf("%+v", fs)
		}
	}
	fs := parseServerFrames(t, AppendPing(nil, []byte("hb")))
	if fs[0].Op != OpPing || string(fs[0].Payload) != "hb" {
		t.Fatalf("%+v", fs)
	}
	if fs := parseServerFrames(t, AppendPong(nil, nil)); fs[0].Op != OpPong || len(fs[0].Payload) != 0 {
		t.Fatalf("%+v", fs)
	}
}

// maskBytes must equal the byte-at-a-time definition for every length
// around the 8-byte stride, every starting key position, and when a
// payload is masked in consecutive pieces.
func TestMaskBytes(t *testing.T) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 40 {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		want := bytes.Clone(data)
		naiveMask(key, want)
		for cut := 0; cut <= n; cut++ {
			got := bytes.Clone(data)
			pos := maskBytes(key, 0, got[:cut])
			if pos != cut&3 {
				t.Fatalf("n=%d cut=%d: pos %d", n, cut, pos)
			}
			if pos = maskBytes(key, pos, got[cut:]); pos != n&3 {
				t.Fatalf("n=%d: end pos %d", n, pos)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("n=%d cut=%d:\n got  % x\n want % x", n, cut, got, want)
			}
		}
	}
}

func TestOpcodeClasses(t *testing.T) {
	for op := range Opcode(16) {
		defined := op <= 2 || 8 <= op && op <= 10
		if op.defined() != defined || op.isControl() != (op >= 8) {
			t.Errorf("opcode %d", op)
		}
	}
}

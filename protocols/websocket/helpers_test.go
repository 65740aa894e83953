package websocket

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testKey is the masking key of the examples in RFC 6455 §5.7.
var testKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

const fin = finBit

// maskedFrame builds a client frame: b0 holds FIN, the RSV bits and the
// opcode exactly as given (so tests can break every rule), the payload is
// masked with key (RFC 6455 §5.3), and the length uses the minimal
// encoding.
func maskedFrame(b0 byte, key [4]byte, payload []byte) []byte {
	b := appendHeader(nil, b0, len(payload))
	b[1] |= maskBit
	b = append(b, key[:]...)
	start := len(b)
	b = append(b, payload...)
	naiveMask(key, b[start:])
	return b
}

// naiveMask is the byte-at-a-time definition of masking (§5.3), kept
// separate from maskBytes so tests do not check the code with itself.
func naiveMask(key [4]byte, b []byte) {
	for i := range b {
		b[i] ^= key[i%4]
	}
}

// cf is a masked client frame with the RFC example key.
func cf(b0 byte, payload string) []byte { return maskedFrame(b0, testKey, []byte(payload)) }

func textFrame(s string) []byte   { return cf(fin|byte(OpText), s) }
func binaryFrame(s string) []byte { return cf(fin|byte(OpBinary), s) }
func pingFrame(s string) []byte   { return cf(fin|byte(OpPing), s) }

func closeFrame(code int, reason string) []byte {
	p := binary.BigEndian.AppendUint16(nil, uint16(code))
	return maskedFrame(fin|byte(OpClose), testKey, append(p, reason...))
}

// rawHeader builds a masked header with a chosen length encoding, for
// lengths the minimal encoding cannot express (non-minimal, MSB set).
func rawHeader(b0 byte, len7 byte, ext []byte) []byte {
	b := append([]byte{b0, maskBit | len7}, ext...)
	return append(b, testKey[:]...)
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// newTestWriter is the client's compressor in tests.
func newTestWriter(buf *bytes.Buffer) *flate.Writer {
	w, err := flate.NewWriter(buf, flate.BestSpeed)
	if err != nil {
		panic(err)
	}
	return w
}

// deflateMessage compresses payload the way a client does (RFC 7692
// §7.2.1) with its own flate.Writer w, which it resets first when reset is
// set (no context takeover). Writing to a bytes.Buffer cannot fail, so
// neither can this.
func deflateMessage(w *flate.Writer, buf *bytes.Buffer, payload []byte, reset bool) []byte {
	buf.Reset()
	if reset {
		w.Reset(buf)
	}
	_, _ = w.Write(payload)
	_ = w.Flush()
	out := buf.Bytes()
	if !bytes.HasSuffix(out, flushMarker) {
		panic("flush did not end with 00 00 ff ff")
	}
	return bytes.Clone(out[:len(out)-4])
}

// rec is an Event copied into plain values so events from different runs
// (and from reused buffers) can be compared.
type rec struct {
	Kind   EventKind
	Text   bool
	Data   string
	Code   int
	Reason string
}

func (r rec) String() string {
	d := r.Data
	if len(d) > 40 {
		d = fmt.Sprintf("%.40q...(%d bytes)", d, len(d))
	} else {
		d = fmt.Sprintf("%q", d)
	}
	switch r.Kind {
	case EventMessage:
		return fmt.Sprintf("msg(text=%v %s)", r.Text, d)
	case EventClose:
		return fmt.Sprintf("close(%d %q)", r.Code, r.Reason)
	}
	return fmt.Sprintf("%v(%s)", r.Kind, d)
}

func recOf(ev Event) rec {
	return rec{Kind: ev.Kind, Text: ev.Text, Data: string(ev.Data), Code: ev.Code, Reason: ev.Reason}
}

// outcome is everything observable after feeding a stream.
type outcome struct {
	Events []rec
	Err    int // status code of the CloseError, 0 when none
	State  State
	Out    string // what AppendOutput gave at the end
}

func (o outcome) String() string {
	return fmt.Sprintf("events=%v err=%d state=%v out=%x", o.Events, o.Err, o.State, o.Out)
}

func (o outcome) equal(p outcome) bool { return o.String() == p.String() }

// drain calls Next until it reports EventNone or an error, checking the
// error contract.
func drain(t testing.TB, c *Conn, o *outcome) {
	for {
		ev, err := c.Next()
		if err != nil {
			var ce *CloseError
			if !errors.As(err, &ce) || ev.Kind != EventNone {
				t.Helper()
				t.Fatalf("Next returned %v, %T %v", ev.Kind, err, err)
			}
			o.Err = ce.Code
			return
		}
		if ev.Kind == EventNone {
			return
		}
		o.Events = append(o.Events, recOf(ev))
	}
}

// run feeds the chunks one by one, draining events after each, and
// collects the output at the end.
func run(t testing.TB, cfg Config, chunks ...[]byte) outcome {
	c := NewConn(cfg)
	var o outcome
	for _, ch := range chunks {
		c.Feed(ch)
		drain(t, c, &o)
	}
	o.State = c.State()
	o.Out = string(c.AppendOutput(nil))
	return o
}

// split cuts data at the given ascending offsets.
func split(data []byte, at ...int) [][]byte {
	var out [][]byte
	prev := 0
	for _, i := range at {
		out = append(out, data[prev:i])
		prev = i
	}
	return append(out, data[prev:])
}

// bytewise feeds data one byte at a time.
func bytewise(data []byte) [][]byte {
	out := make([][]byte, len(data))
	for i := range data {
		out[i] = data[i : i+1]
	}
	return out
}

// sframe is a server frame as the client would see it.
type sframe struct {
	Fin, RSV1 bool
	Op        Opcode
	Payload   []byte
}

// parseServerFrames decodes unmasked server frames, failing on anything
// RFC 6455 does not allow a server to send.
func parseServerFrames(t testing.TB, b []byte) []sframe {
	t.Helper()
	var out []sframe
	for len(b) > 0 {
		if len(b) < 2 {
			t.Fatalf("truncated header % x", b)
		}
		f := sframe{Fin: b[0]&finBit != 0, RSV1: b[0]&rsv1Bit != 0, Op: Opcode(b[0] & opcodeBits)}
		if b[0]&(rsv2Bit|rsv3Bit) != 0 || b[1]&maskBit != 0 || !f.Op.defined() {
			t.Fatalf("bad server header % x", b[:2])
		}
		n, h := uint64(b[1]&len7Bits), 2
		switch n {
		case 126:
			n, h = uint64(binary.BigEndian.Uint16(b[2:])), 4
			if n < 126 {
				t.Fatalf("non-minimal 16-bit length %d", n)
			}
		case 127:
			n, h = binary.BigEndian.Uint64(b[2:]), 10
			if n <= 0xffff {
				t.Fatalf("non-minimal 64-bit length %d", n)
			}
		}
		if uint64(len(b)-h) < n {
			t.Fatalf("truncated payload: %d of %d", len(b)-h, n)
		}
		f.Payload = b[h : h+int(n)]
		if f.Op.isControl() && (!f.Fin || n > 125 || f.RSV1) {
			t.Fatalf("bad control frame %+v", f)
		}
		out = append(out, f)
		b = b[h+int(n):]
	}
	return out
}

// serverClose parses output that must be exactly one Close frame and
// returns its status code (1005 when empty).
func serverClose(t testing.TB, out string) int {
	t.Helper()
	fs := parseServerFrames(t, []byte(out))
	if len(fs) != 1 || fs[0].Op != OpClose {
		t.Fatalf("want one close frame, got %+v", fs)
	}
	if len(fs[0].Payload) == 0 {
		return CloseNoStatus
	}
	return int(binary.BigEndian.Uint16(fs[0].Payload))
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

package websocket

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func msg(text bool, data string) rec { return rec{Kind: EventMessage, Text: text, Data: data} }

func TestMessages(t *testing.T) {
	long := func(n int) string { return repeat("a", n) }
	tests := []struct {
		name string
		in   []byte
		want []rec
	}{
		{"text", textFrame("Hello"), []rec{msg(true, "Hello")}},
		{"binary", binaryFrame("\x00\xff"), []rec{msg(false, "\x00\xff")}},
		{"empty text", textFrame(""), []rec{msg(true, "")}},
		{"125 bytes", textFrame(long(125)), []rec{msg(true, long(125))}},
		{"126 bytes, 16-bit length", textFrame(long(126)), []rec{msg(true, long(126))}},
		{"65535 bytes", binaryFrame(long(65535)), []rec{msg(false, long(65535))}},
		{"65536 bytes, 64-bit length", binaryFrame(long(65536)), []rec{msg(false, long(65536))}},
		{"zero masking key", maskedFrame(fin|byte(OpText), [4]byte{}, []byte("plain")), []rec{msg(true, "plain")}},
		{"non-minimal 16-bit length accepted", cat(rawHeader(fin|byte(OpText), 126, []byte{0, 2}), maskPayload("hi")), []rec{msg(true, "hi")}},
		{"non-minimal 64-bit length accepted", cat(rawHeader(fin|byte(OpBinary), 127, []byte{0, 0, 0, 0, 0, 0, 0, 2}), maskPayload("hi")), []rec{msg(false, "hi")}},
		{"UTF-8 text", textFrame("κόσμε €𝄞"), []rec{msg(true, "κόσμε €𝄞")}},
		{"two messages", cat(textFrame("a"), binaryFrame("b")), []rec{msg(true, "a"), msg(false, "b")}},
		{
			"fragmented text with interleaved ping and pong",
			cat(cf(byte(OpText), "Hel"), pingFrame("p"), cf(byte(OpContinuation), "lo "), cf(fin|byte(OpPong), "q"), cf(fin|byte(OpContinuation), "world")),
			[]rec{{Kind: EventPing, Data: "p"}, {Kind: EventPong, Data: "q"}, msg(true, "Hello world")},
		},
		{
			"fragmented binary with empty fragments",
			cat(cf(byte(OpBinary), ""), cf(byte(OpContinuation), "ab"), cf(byte(OpContinuation), ""), cf(fin|byte(OpContinuation), "")),
			[]rec{msg(false, "ab")},
		},
		{
			"UTF-8 sequence split across fragments",
			cat(cf(byte(OpText), "\xf0\x9d"), cf(byte(OpContinuation), "\x84"), cf(fin|byte(OpContinuation), "\x9e!")),
			[]rec{msg(true, "𝄞!")},
		},
		{"ping with payload", pingFrame(long(125)), []rec{{Kind: EventPing, Data: long(125)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := run(t, Config{}, tt.in)
			if o.Err != 0 || o.State != StateOpen || len(o.Events) != len(tt.want) {
				t.Fatalf("got %v", o)
			}
			for i := range tt.want {
				if o.Events[i] != tt.want[i] {
					t.Fatalf("event %d: got %v want %v", i, o.Events[i], tt.want[i])
				}
			}
		})
	}
}

// maskPayload masks s with testKey, for frames built with rawHeader.
func maskPayload(s string) []byte {
	b := []byte(s)
	naiveMask(testKey, b)
	return b
}

// Every rule of RFC 6455 §5 and RFC 7692 §6 that fails the connection,
// with the status code it must fail with.
func TestProtocolErrors(t *testing.T) {
	deflate := Config{Deflate: DeflateParams{Enabled: true}}
	small := Config{MaxMessageSize: 10}
	tests := []struct {
		name string
		cfg  Config
		in   []byte
		code int
	}{
		// §5.1
		{"unmasked frame", Config{}, []byte{fin | byte(OpText), 2, 'h', 'i'}, 1002},
		// §5.2 RSV bits
		{"RSV1 without extension", Config{}, cf(fin|rsv1Bit|byte(OpText), "x"), 1002},
		{"RSV2", deflate, cf(fin|rsv2Bit|byte(OpText), "x"), 1002},
		{"RSV3", deflate, cf(fin|rsv3Bit|byte(OpBinary), "x"), 1002},
		{"RSV1 on continuation", deflate, cat(cf(byte(OpBinary), "x"), cf(fin|rsv1Bit|byte(OpContinuation), "y")), 1002},
		{"RSV1 on control frame", deflate, cf(fin|rsv1Bit|byte(OpPing), ""), 1002},
		// §5.2 opcodes
		{"opcode 3", Config{}, cf(fin|3, ""), 1002},
		{"opcode 7", Config{}, cf(fin|7, ""), 1002},
		{"opcode 0xB", Config{}, cf(fin|0xb, ""), 1002},
		{"opcode 0xF", Config{}, cf(fin|0xf, ""), 1002},
		// §5.5 control frames
		{"ping of 126 bytes", Config{}, cf(fin|byte(OpPing), repeat("p", 126)), 1002},
		{"close of 126 bytes", Config{}, closeFrame(1000, repeat("r", 124)), 1002},
		{"fragmented ping", Config{}, cf(byte(OpPing), ""), 1002},
		{"fragmented close", Config{}, cf(byte(OpClose), ""), 1002},
		// §5.4 fragmentation
		{"continuation without start", Config{}, cf(fin|byte(OpContinuation), "x"), 1002},
		{"continuation after complete message", Config{}, cat(textFrame("a"), cf(fin|byte(OpContinuation), "x")), 1002},
		{"text inside fragmented message", Config{}, cat(cf(byte(OpText), "a"), textFrame("b")), 1002},
		{"binary inside fragmented message", Config{}, cat(cf(byte(OpBinary), "a"), cf(byte(OpBinary), "b")), 1002},
		// §5.2 payload length
		{"64-bit length with MSB set", Config{}, rawHeader(fin|byte(OpBinary), 127, []byte{0x80, 0, 0, 0, 0, 0, 0, 1}), 1002},
		// §8.1 UTF-8
		{"invalid UTF-8", Config{}, textFrame("a\xffb"), 1007},
		{"overlong encoding", Config{}, textFrame("\xc0\xaf"), 1007},
		{"surrogate", Config{}, textFrame("\xed\xa0\x80"), 1007},
		{"above U+10FFFF", Config{}, textFrame("\xf4\x90\x80\x80"), 1007},
		{"truncated sequence at end", Config{}, textFrame("a\xe2\x82"), 1007},
		{"invalid across fragments", Config{}, cat(cf(byte(OpText), "\xe2\x82"), cf(fin|byte(OpContinuation), "a")), 1007},
		{"fragmented message ends mid-sequence", Config{}, cat(cf(byte(OpText), "ok"), cf(fin|byte(OpContinuation), "\xf0\x9d")), 1007},
		// §5.5.1, §7.4 close payload
		{"close body of 1 byte", Config{}, cf(fin|byte(OpClose), "\x03"), 1002},
		{"close code 0", Config{}, closeFrame(0, ""), 1002},
		{"close code 999", Config{}, closeFrame(999, ""), 1002},
		{"close code 1004", Config{}, closeFrame(1004, ""), 1002},
		{"close code 1005", Config{}, closeFrame(1005, ""), 1002},
		{"close code 1006", Config{}, closeFrame(1006, ""), 1002},
		{"close code 1015", Config{}, closeFrame(1015, ""), 1002},
		{"close code 1016", Config{}, closeFrame(1016, ""), 1002},
		{"close code 2999", Config{}, closeFrame(2999, ""), 1002},
		{"close code 5000", Config{}, closeFrame(5000, ""), 1002},
		{"close code 65535", Config{}, closeFrame(65535, ""), 1002},
		{"close reason not UTF-8", Config{}, closeFrame(1000, "bye\xff"), 1002},
		// message size
		{"message over limit", small, textFrame(repeat("a", 11)), 1009},
		{"fragments over limit", small, cat(cf(byte(OpText), "12345"), cf(fin|byte(OpContinuation), "123456")), 1009},
		{"default limit is 16 MiB", Config{}, rawHeader(fin|byte(OpBinary), 127, binary.BigEndian.AppendUint64(nil, 16<<20+1)), 1009},
		// RFC 7692 §7.2.2
		{"invalid compressed data", deflate, cf(fin|rsv1Bit|byte(OpBinary), "\xff\xff\xff"), 1007},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := run(t, tt.cfg, tt.in)
			if o.Err != tt.code || o.State != StateClosed {
				t.Fatalf("got %v, want error %d", o, tt.code)
			}
			if got := serverClose(t, o.Out); got != tt.code {
				t.Fatalf("close frame carries %d, want %d", got, tt.code)
			}
		})
	}
}

func TestValidCloseCodesAccepted(t *testing.T) {
	for _, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		o := run(t, Config{}, closeFrame(code, "why"))
		want := rec{Kind: EventClose, Code: code, Reason: "why"}
		if o.Err != 0 || len(o.Events) != 1 || o.Events[0] != want {
			t.Errorf("code %d: %v", code, o)
		}
	}
}

// The errors are sticky, later input is ignored and the error repeats.
func TestErrorIsSticky(t *testing.T) {
	c := NewConn(Config{})
	c.Feed(cf(fin|3, ""))
	_, err1 := c.Next()
	c.Feed(textFrame("after"))
	ev, err2 := c.Next()
	if err1 == nil || err2 != err1 || ev.Kind != EventNone || c.State() != StateClosed {
		t.Fatalf("err1=%v err2=%v ev=%v", err1, err2, ev.Kind)
	}
	if err1.Error() != "websocket: 1002 reserved opcode 3" {
		t.Fatalf("message %q", err1.Error())
	}
}

// A violation is reported as soon as the bytes proving it arrive: the size
// limit on the announced length, before any payload; invalid UTF-8 at the
// first impossible byte, with most of the frame still to come.
func TestFailFast(t *testing.T) {
	t.Run("size limit on the header alone", func(t *testing.T) {
		hdr := rawHeader(fin|byte(OpBinary), 127, binary.BigEndian.AppendUint64(nil, 1<<40))
		if o := run(t, Config{}, hdr); o.Err != 1009 {
			t.Fatalf("got %v", o)
		}
	})
	t.Run("MSB of the 64-bit length on its first byte", func(t *testing.T) {
		if o := run(t, Config{}, []byte{fin | byte(OpBinary), maskBit | 127, 0x80}); o.Err != 1002 {
			t.Fatalf("got %v", o)
		}
	})
	t.Run("invalid UTF-8 inside a frame", func(t *testing.T) {
		frame := textFrame("ok \xed\xa0" + repeat("x", 1000))
		hdrLen := 8
		if o := run(t, Config{}, frame[:hdrLen+5]); o.Err != 1007 {
			t.Fatalf("got %v", o)
		}
	})
	t.Run("invalid UTF-8 in a middle fragment", func(t *testing.T) {
		in := cat(cf(byte(OpText), "fine"), cf(byte(OpContinuation), "\xc3\x28"))
		if o := run(t, Config{}, in); o.Err != 1007 {
			t.Fatalf("got %v", o)
		}
	})
}

// Feeding a single-frame message in one piece hands out a slice of the
// input buffer with clipped capacity; pieces are reassembled.
func TestEventDataCapacityClipped(t *testing.T) {
	c := NewConn(Config{})
	c.Feed(cat(textFrame("first"), textFrame("second")))
	ev, _ := c.Next()
	if cap(ev.Data) != len(ev.Data) {
		t.Fatalf("cap %d len %d", cap(ev.Data), len(ev.Data))
	}
	_ = append(ev.Data, "XXXXXXXXXXXX"...)
	if ev, _ := c.Next(); string(ev.Data) != "second" {
		t.Fatalf("append to Data overwrote the next frame: %q", ev.Data)
	}
}

func TestCloseHandshake(t *testing.T) {
	t.Run("peer closes with code", func(t *testing.T) {
		o := run(t, Config{}, cat(closeFrame(1001, "bye"), textFrame("ignored")))
		want := rec{Kind: EventClose, Code: 1001, Reason: "bye"}
		if o.Err != 0 || len(o.Events) != 1 || o.Events[0] != want || o.State != StateClosed {
			t.Fatalf("got %v", o)
		}
		// §5.5.1: echo the status code.
		if code := serverClose(t, o.Out); code != 1001 {
			t.Fatalf("reply code %d", code)
		}
	})
	t.Run("peer closes without code", func(t *testing.T) {
		o := run(t, Config{}, cf(fin|byte(OpClose), ""))
		if len(o.Events) != 1 || o.Events[0].Code != CloseNoStatus {
			t.Fatalf("got %v", o)
		}
		// 1005 must not be sent; the reply is an empty Close.
		if o.Out != "\x88\x00" {
			t.Fatalf("reply % x", o.Out)
		}
	})
	t.Run("server closes first", func(t *testing.T) {
		c := NewConn(Config{})
		out := c.AppendClose(nil, 1000, "done")
		if c.State() != StateClosing {
			t.Fatalf("state %v", c.State())
		}
		if code := serverClose(t, string(out)); code != 1000 {
			t.Fatalf("code %d", code)
		}
		if again := c.AppendClose(nil, 1000, ""); again != nil {
			t.Fatal("second Close sent")
		}
		if m := c.AppendMessage(nil, true, []byte("late")); m != nil {
			t.Fatal("data frame sent after Close")
		}
		// Messages still arrive while closing; pings get no pong.
		c.Feed(cat(textFrame("in flight"), pingFrame("p"), closeFrame(1000, "")))
		var o outcome
		drain(t, c, &o)
		want := []rec{msg(true, "in flight"), {Kind: EventPing, Data: "p"}, {Kind: EventClose, Code: 1000}}
		if len(o.Events) != 3 || o.Events[0] != want[0] || o.Events[1] != want[1] || o.Events[2] != want[2] {
			t.Fatalf("events %v", o.Events)
		}
		if c.State() != StateClosed || c.HasOutput() {
			t.Fatalf("state %v, output pending %v", c.State(), c.HasOutput())
		}
	})
	t.Run("close codes and reasons sent", func(t *testing.T) {
		for _, tt := range []struct {
			code   int
			reason string
			want   string
		}{
			{1000, "", "\x88\x02\x03\xe8"},
			{4000, "x", "\x88\x03\x0f\xa0x"},
			{CloseNoStatus, "dropped", "\x88\x00"},
			{1006, "", "\x88\x00"},
			{0, "", "\x88\x00"},
			{1000, "\xff", "\x88\x02\x03\xe8"},
		} {
			c := NewConn(Config{})
			if got := string(c.AppendClose(nil, tt.code, tt.reason)); got != tt.want {
				t.Errorf("AppendClose(%d, %q) = % x, want % x", tt.code, tt.reason, got, tt.want)
			}
		}
	})
	t.Run("long reason truncated at a character boundary", func(t *testing.T) {
		reason := repeat("a", 122) + "€"
		out := NewConn(Config{}).AppendClose(nil, 1000, reason)
		fs := parseServerFrames(t, out)
		if got := string(fs[0].Payload[2:]); got != repeat("a", 122) {
			t.Fatalf("reason %q", got)
		}
	})
}

func TestPingPong(t *testing.T) {
	t.Run("pong echoes the payload", func(t *testing.T) {
		o := run(t, Config{}, pingFrame("hello"))
		fs := parseServerFrames(t, []byte(o.Out))
		if len(fs) != 1 || fs[0].Op != OpPong || string(fs[0].Payload) != "hello" {
			t.Fatalf("output %+v", fs)
		}
	})
	t.Run("only the latest ping is answered", func(t *testing.T) {
		o := run(t, Config{}, cat(pingFrame("1"), pingFrame("2"), pingFrame("3")))
		fs := parseServerFrames(t, []byte(o.Out))
		if len(o.Events) != 3 || len(fs) != 1 || string(fs[0].Payload) != "3" {
			t.Fatalf("events %v output %+v", o.Events, fs)
		}
	})
	t.Run("pong then close reply", func(t *testing.T) {
		o := run(t, Config{}, cat(pingFrame("1"), closeFrame(1000, "")))
		fs := parseServerFrames(t, []byte(o.Out))
		if len(fs) != 2 || fs[0].Op != OpPong || fs[1].Op != OpClose {
			t.Fatalf("output %+v", fs)
		}
	})
	t.Run("pong then failure close", func(t *testing.T) {
		o := run(t, Config{}, cat(pingFrame("1"), cf(fin|3, "")))
		fs := parseServerFrames(t, []byte(o.Out))
		if len(fs) != 2 || fs[0].Op != OpPong || fs[1].Op != OpClose {
			t.Fatalf("output %+v", fs)
		}
	})
	t.Run("pending pong dropped by AppendClose", func(t *testing.T) {
		c := NewConn(Config{})
		c.Feed(pingFrame("1"))
		_, _ = c.Next()
		if !c.HasOutput() {
			t.Fatal("no pong queued")
		}
		c.AppendClose(nil, 1000, "")
		if c.HasOutput() {
			t.Fatal("pong would follow the Close")
		}
	})
	t.Run("output is forgotten once taken", func(t *testing.T) {
		c := NewConn(Config{})
		c.Feed(pingFrame("1"))
		_, _ = c.Next()
		if len(c.AppendOutput(nil)) == 0 || c.HasOutput() || len(c.AppendOutput(nil)) != 0 {
			t.Fatal("output not consumed")
		}
	})
}

func TestAppendMessageUncompressed(t *testing.T) {
	c := NewConn(Config{})
	out := c.AppendMessage([]byte("prefix"), true, []byte("Hello"))
	if !bytes.HasPrefix(out, []byte("prefix")) {
		t.Fatal("dst prefix lost")
	}
	// RFC 6455 §5.7: a single-frame unmasked text message.
	if got := out[6:]; string(got) != "\x81\x05\x48\x65\x6c\x6c\x6f" {
		t.Fatalf("% x", got)
	}
	fs := parseServerFrames(t, c.AppendMessage(nil, false, []byte(repeat("b", 70000))))
	if len(fs) != 1 || fs[0].Op != OpBinary || !fs[0].Fin || fs[0].RSV1 || len(fs[0].Payload) != 70000 {
		t.Fatalf("%+v", fs[0].Op)
	}
}

// Buffers grown by a large message are not kept afterwards.
func TestLargeBuffersReleased(t *testing.T) {
	c := NewConn(Config{})
	big := repeat("x", 1<<20)
	frame := cf(fin|byte(OpBinary), big)
	c.Feed(frame[:100])
	_, _ = c.Next()
	c.Feed(frame[100:])
	if ev, err := c.Next(); err != nil || len(ev.Data) != len(big) {
		t.Fatal(err, len(ev.Data))
	}
	c.Feed(textFrame("small"))
	if ev, _ := c.Next(); string(ev.Data) != "small" {
		t.Fatalf("%q", ev.Data)
	}
	if cap(c.msg) > keepBufCap || cap(c.in) > keepBufCap {
		t.Fatalf("kept msg cap %d, in cap %d", cap(c.msg), cap(c.in))
	}
}

// splitStreams are inputs for the split test: each message kind, each
// error, and compressed messages (built in init).
var splitStreams = []struct {
	name string
	cfg  Config
	in   []byte
}{
	{"text", Config{}, textFrame("Hello, world")},
	{"utf8", Config{}, textFrame("κόσμε 𝄞 €")},
	{"binary 300", Config{}, binaryFrame(repeat("\x00\x01\x02", 100))},
	{"binary 70000", Config{}, binaryFrame(repeat("z", 70000))},
	{"fragmented", Config{}, cat(cf(byte(OpText), "κό"), pingFrame("x"), cf(byte(OpContinuation), "σμ"), cf(fin|byte(OpContinuation), "ε"))},
	{"pings and pongs", Config{}, cat(pingFrame("a"), cf(fin|byte(OpPong), "b"), pingFrame(""))},
	{"close", Config{}, cat(textFrame("a"), closeFrame(1000, "bye"), textFrame("after"))},
	{"bad utf8", Config{}, cat(textFrame("ok"), textFrame("ab\xe2\x28\xa1cd"))},
	{"bad utf8 across fragments", Config{}, cat(cf(byte(OpText), "a\xf0\x9f"), cf(fin|byte(OpContinuation), "\x98"))},
	{"too big", Config{MaxMessageSize: 8}, cat(textFrame("12345678"), cf(byte(OpText), "1234"), cf(fin|byte(OpContinuation), "56789"))},
	{"unmasked", Config{}, cat(textFrame("ok"), []byte{0x81, 0x01, 'x'})},
	{"msb length", Config{}, rawHeader(fin|byte(OpBinary), 127, []byte{0x80, 0, 0, 0, 0, 0, 0, 0})},
	{"bad close", Config{}, closeFrame(1005, "")},
}

func init() {
	deflate := func(ctx bool) Config {
		return Config{Deflate: DeflateParams{Enabled: true, ClientNoContextTakeover: !ctx}, MaxMessageSize: 4000}
	}
	for _, ctx := range []bool{false, true} {
		var buf bytes.Buffer
		w := newTestWriter(&buf)
		var in []byte
		for _, m := range []string{"Hello", "Hello Hello Hello", repeat("abc", 500), "κόσμε"} {
			in = append(in, cf(fin|rsv1Bit|byte(OpText), string(deflateMessage(w, &buf, []byte(m), !ctx)))...)
		}
		// a fragmented compressed message
		z := deflateMessage(w, &buf, []byte(repeat("fragment ", 30)), !ctx)
		in = append(in, cat(cf(rsv1Bit|byte(OpBinary), string(z[:5])), pingFrame("mid"), cf(fin|byte(OpContinuation), string(z[5:])))...)
		// a zip bomb over the 4000-byte limit
		in = append(in, cf(fin|rsv1Bit|byte(OpBinary), string(deflateMessage(w, &buf, make([]byte, 5000), true)))...)
		name := "compressed, no context takeover"
		if ctx {
			name = "compressed, context takeover"
		}
		splitStreams = append(splitStreams, struct {
			name string
			cfg  Config
			in   []byte
		}{name, deflate(ctx), in})
	}
}

// Every stream, valid or not, gives the same outcome whether it arrives at
// once, split in two at any byte boundary, or one byte at a time.
func TestSplitAtEveryByte(t *testing.T) {
	for _, s := range splitStreams {
		t.Run(s.name, func(t *testing.T) {
			once := run(t, s.cfg, s.in)
			if got := run(t, s.cfg, bytewise(s.in)...); !got.equal(once) {
				t.Fatalf("byte by byte:\n got  %v\n want %v", got, once)
			}
			step := 1
			if len(s.in) > 3000 {
				step = len(s.in)/300 + 1 // keep the quadratic part bounded
			}
			for i := 0; i <= len(s.in); i += step {
				if got := run(t, s.cfg, split(s.in, i)...); !got.equal(once) {
					t.Fatalf("split at %d:\n got  %v\n want %v", i, got, once)
				}
			}
		})
	}
}

// The split streams themselves must mean what their names say.
func TestSplitStreamsOutcomes(t *testing.T) {
	want := map[string]string{
		"close":                           "close(1000",
		"bad utf8":                        "err=1007",
		"bad utf8 across fragments":       "err=1007",
		"too big":                         "err=1009",
		"unmasked":                        "err=1002",
		"msb length":                      "err=1002",
		"bad close":                       "err=1002",
		"compressed, no context takeover": "err=1009",
		"compressed, context takeover":    "err=1009",
	}
	for _, s := range splitStreams {
		o := run(t, s.cfg, s.in).String()
		if w, ok := want[s.name]; ok && !strings.Contains(o, w) {
			t.Errorf("%s: %s lacks %q", s.name, o, w)
		}
		if strings.HasPrefix(s.name, "compressed") && !strings.Contains(o, "fragment fragment") {
			t.Errorf("%s: %s", s.name, o)
		}
	}
}

func TestStateString(t *testing.T) {
	if StateOpen.String() != "open" || StateClosing.String() != "closing" || StateClosed.String() != "closed" || State(9).String() != "State(9)" {
		t.Fatal("State.String")
	}
	if EventMessage.String() != "message" || EventKind(9).String() != "EventKind(9)" {
		t.Fatal("EventKind.String")
	}
}

package websocket

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

func pseudoRandom(n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// jsonish is compressible text with repeats near and far, like the JSON
// messages a web application sends.
func jsonish(n, seed int) []byte {
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, `{"id":%d,"name":"user%d","tags":["a","b"],"score":%d},`, rng.IntN(1000), rng.IntN(50), rng.IntN(100000))
	}
	return b.Bytes()[:n]
}

var roundTripMessages = [][]byte{
	[]byte("Hello"),
	[]byte("Hello"), // identical: refers back into the previous message under takeover
	nil,
	jsonish(3000, 1),
	jsonish(70000, 2),
	[]byte("κόσμε κόσμε κόσμε"),
	pseudoRandom(2000),
}

// Client to server: messages compressed by a client flate.Writer, with and
// without context takeover, arrive intact, in one piece and fragmented.
func TestInflateRoundTrip(t *testing.T) {
	for _, takeover := range []bool{false, true} {
		t.Run(fmt.Sprintf("takeover=%v", takeover), func(t *testing.T) {
			var buf bytes.Buffer
			w := newTestWriter(&buf)
			c := NewConn(Config{Deflate: DeflateParams{Enabled: true, ClientNoContextTakeover: !takeover}})
			for i, m := range roundTripMessages {
				z := deflateMessage(w, &buf, m, !takeover)
				text := i != len(roundTripMessages)-1
				op := OpBinary
				if text {
					op = OpText
				}
				var in []byte
				if i%2 == 0 {
					in = cf(fin|rsv1Bit|byte(op), string(z))
				} else {
					h := len(z) / 2
					in = cat(cf(rsv1Bit|byte(op), string(z[:h])), cf(fin|byte(OpContinuation), string(z[h:])))
				}
				c.Feed(in)
				ev, err := c.Next()
				if err != nil || ev.Kind != EventMessage || ev.Text != text || !bytes.Equal(ev.Data, m) {
					t.Fatalf("message %d: err %v, got %d bytes", i, err, len(ev.Data))
				}
				// An uncompressed message in between does not enter the
				// compression context (RSV1 is per message, RFC 7692 §6).
				c.Feed(textFrame("plain"))
				if ev, err := c.Next(); err != nil || string(ev.Data) != "plain" {
					t.Fatalf("plain message: %v %q", err, ev.Data)
				}
			}
		})
	}
}

// Under context takeover the second identical message really refers back
// into the first, so the test above exercises the dictionary.
func TestTakeoverStreamNeedsContext(t *testing.T) {
	var buf bytes.Buffer
	w := newTestWriter(&buf)
	deflateMessage(w, &buf, jsonish(3000, 1), false)
	z := deflateMessage(w, &buf, jsonish(3000, 1), false)
	_, _, err := inflateStats(append(z, inflateTail...), nil)
	if err == nil {
		t.Fatal("second message decodes without the first; takeover untested")
	}
	// A Conn that was told the client resets its context fails on it.
	c := NewConn(Config{Deflate: DeflateParams{Enabled: true, ClientNoContextTakeover: true}})
	c.Feed(cf(fin|rsv1Bit|byte(OpText), string(z)))
	if _, err := c.Next(); err == nil || err.(*CloseError).Code != CloseInvalidPayload {
		t.Fatalf("got %v", err)
	}
}

// readServerMessages decodes server output the way a client does: one
// decompressor, reset per message unless the server keeps its context,
// checked with the test decoder so the window bound can be asserted.
func readServerMessages(t *testing.T, out []byte, takeover bool) (msgs [][]byte, maxDist int) {
	t.Helper()
	var history []byte
	for _, f := range parseServerFrames(t, out) {
		if !f.Fin || f.Op == OpContinuation {
			t.Fatalf("server sent a fragmented message")
		}
		if !f.RSV1 {
			msgs = append(msgs, f.Payload)
			continue
		}
		if !takeover {
			history = nil
		}
		m, d, err := inflateStats(append(bytes.Clone(f.Payload), inflateTail...), history)
		if err != nil {
			t.Fatalf("message %d: %v", len(msgs), err)
		}
		// compress/flate agrees.
		var fr io.Reader = flate.NewReaderDict(bytes.NewReader(append(bytes.Clone(f.Payload), inflateTail...)), history)
		if m2, err := io.ReadAll(fr); err != nil || !bytes.Equal(m, m2) {
			t.Fatalf("flate disagrees: %v", err)
		}
		history = append(history, m...)
		maxDist = max(maxDist, d)
		msgs = append(msgs, m)
	}
	return msgs, maxDist
}

// Server to client, for each combination of context takeover and window
// size: every message decodes, and no back-reference reaches past the
// window the client asked for.
func TestDeflateRoundTrip(t *testing.T) {
	for _, takeover := range []bool{false, true} {
		for _, bits := range []int{0, 8, 9, 12, 15} {
			for _, level := range []int{0, flate.DefaultCompression, flate.BestCompression, flate.HuffmanOnly} {
				name := fmt.Sprintf("takeover=%v/bits=%d/level=%d", takeover, bits, level)
				t.Run(name, func(t *testing.T) {
					p := DeflateParams{Enabled: true, ServerNoContextTakeover: !takeover, ServerMaxWindowBits: bits}
					c := NewConn(Config{Deflate: p, CompressionLevel: level})
					var out []byte
					for i, m := range roundTripMessages {
						out = c.AppendMessage(out, i%2 == 0, m)
					}
					got, maxDist := readServerMessages(t, out, takeover)
					if len(got) != len(roundTripMessages) {
						t.Fatalf("%d messages", len(got))
					}
					for i := range got {
						if !bytes.Equal(got[i], roundTripMessages[i]) {
							t.Fatalf("message %d differs", i)
						}
					}
					if limit := p.serverWindowBits(); maxDist > 1<<limit {
						t.Fatalf("distance %d exceeds the %d-bit window", maxDist, limit)
					}
					if bits == 0 && level != flate.HuffmanOnly && maxDist <= 1<<9 {
						t.Fatalf("max distance %d: the window check above proves nothing", maxDist)
					}
				})
			}
		}
	}
}

// Conn to Conn: what one Conn sends, masked as a client would, is read back
// by a Conn with the mirrored parameters.
func TestConnToConn(t *testing.T) {
	for _, takeover := range []bool{false, true} {
		for _, bits := range []int{0, 9} {
			sender := NewConn(Config{Deflate: DeflateParams{Enabled: true, ServerNoContextTakeover: !takeover, ServerMaxWindowBits: bits}})
			receiver := NewConn(Config{Deflate: DeflateParams{Enabled: true, ClientNoContextTakeover: !takeover}})
			for round := range 3 {
				for i, m := range roundTripMessages {
					out := sender.AppendMessage(nil, false, m)
					f := parseServerFrames(t, out)[0]
					b0 := byte(f.Op) | fin
					if f.RSV1 {
						b0 |= rsv1Bit
					}
					receiver.Feed(maskedFrame(b0, [4]byte{byte(i), 1, 2, byte(round)}, f.Payload))
					ev, err := receiver.Next()
					if err != nil || !bytes.Equal(ev.Data, m) {
						t.Fatalf("takeover=%v bits=%d round %d message %d: %v", takeover, bits, round, i, err)
					}
				}
			}
		}
	}
}

func TestCompressionChoices(t *testing.T) {
	t.Run("empty message is a single 00 byte", func(t *testing.T) {
		c := NewConn(Config{Deflate: DeflateParams{Enabled: true}})
		f := parseServerFrames(t, c.AppendMessage(nil, true, nil))[0]
		if !f.RSV1 || string(f.Payload) != "\x00" {
			t.Fatalf("%+v", f)
		}
	})
	t.Run("MinCompressSize", func(t *testing.T) {
		c := NewConn(Config{Deflate: DeflateParams{Enabled: true}, MinCompressSize: 100})
		out := c.AppendMessage(nil, true, []byte(repeat("a", 99)))
		out = c.AppendMessage(out, true, []byte(repeat("a", 100)))
		fs := parseServerFrames(t, out)
		if fs[0].RSV1 || !fs[1].RSV1 {
			t.Fatalf("RSV1 %v %v", fs[0].RSV1, fs[1].RSV1)
		}
	})
	t.Run("incompressible sent plain without takeover", func(t *testing.T) {
		c := NewConn(Config{Deflate: DeflateParams{Enabled: true, ServerNoContextTakeover: true}})
		f := parseServerFrames(t, c.AppendMessage([]byte("x"), false, pseudoRandom(1000))[1:])[0]
		if f.RSV1 || !bytes.Equal(f.Payload, pseudoRandom(1000)) {
			t.Fatal("random data was compressed")
		}
	})
	t.Run("incompressible still compressed under takeover", func(t *testing.T) {
		// The compressor has seen it, so the client's context must too.
		c := NewConn(Config{Deflate: DeflateParams{Enabled: true}})
		if f := parseServerFrames(t, c.AppendMessage(nil, false, pseudoRandom(1000)))[0]; !f.RSV1 {
			t.Fatal("message skipped the shared context")
		}
	})
	t.Run("header sizes after compression", func(t *testing.T) {
		c := NewConn(Config{Deflate: DeflateParams{Enabled: true, ServerNoContextTakeover: true}})
		for _, n := range []int{100, 200, 70000, 200000} {
			p := pseudoRandom(n)
			z, _ := c.compress(nil, p)
			_ = z
			out := c.AppendMessage([]byte("prefix"), false, jsonish(n, n))
			if string(out[:6]) != "prefix" {
				t.Fatal("prefix lost")
			}
			got, _ := readServerMessages(t, out[6:], false)
			if !bytes.Equal(got[0], jsonish(n, n)) {
				t.Fatalf("%d bytes: round trip failed", n)
			}
		}
	})
	t.Run("invalid level means BestSpeed", func(t *testing.T) {
		for _, l := range []int{0, 10, -3} {
			if c := NewConn(Config{CompressionLevel: l}); c.level != flate.BestSpeed {
				t.Fatalf("level %d became %d", l, c.level)
			}
		}
	})
	t.Run("window bits clamped", func(t *testing.T) {
		for in, want := range map[int]int{1: 8, 20: 15, 10: 10} {
			if c := NewConn(Config{Deflate: DeflateParams{Enabled: true, ServerMaxWindowBits: in}}); c.params.ServerMaxWindowBits != want {
				t.Fatalf("%d became %d", in, c.params.ServerMaxWindowBits)
			}
		}
	})
}

// zipBomb is a message of n zero bytes compressed as a client would.
func zipBomb(n int) []byte {
	var buf bytes.Buffer
	w := newTestWriter(&buf)
	zeros := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(zeros))
		_, _ = w.Write(zeros[:k])
		n -= k
	}
	_ = w.Flush()
	return bytes.TrimSuffix(buf.Bytes(), flushMarker)
}

// A small compressed message that inflates far beyond the limit fails with
// 1009 without the Conn holding much more than the limit.
func TestZipBomb(t *testing.T) {
	const limit = 1 << 20
	bomb := zipBomb(64 << 20)
	t.Logf("64 MiB of zeros compress to %d bytes", len(bomb))
	for _, fragmented := range []bool{false, true} {
		c := NewConn(Config{MaxMessageSize: limit, Deflate: DeflateParams{Enabled: true}})
		if fragmented {
			h := len(bomb) / 2
			c.Feed(cat(cf(rsv1Bit|byte(OpBinary), string(bomb[:h])), cf(fin|byte(OpContinuation), string(bomb[h:]))))
		} else {
			c.Feed(cf(fin|rsv1Bit|byte(OpBinary), string(bomb)))
		}
		_, err := c.Next()
		if ce, ok := err.(*CloseError); !ok || ce.Code != CloseMessageTooBig {
			t.Fatalf("got %v", err)
		}
		if cap(c.msg) > 2*limit {
			t.Fatalf("buffered %d bytes for a %d-byte limit", cap(c.msg), limit)
		}
		if serverClose(t, string(c.AppendOutput(nil))) != CloseMessageTooBig {
			t.Fatal("close frame")
		}
	}
}

// The limit is exact: a message inflating to exactly MaxMessageSize passes.
func TestDecompressedLimitBoundary(t *testing.T) {
	const limit = 100000
	for _, n := range []int{limit, limit + 1} {
		c := NewConn(Config{MaxMessageSize: limit, Deflate: DeflateParams{Enabled: true}})
		c.Feed(cf(fin|rsv1Bit|byte(OpBinary), string(zipBomb(n))))
		ev, err := c.Next()
		if n == limit && (err != nil || len(ev.Data) != n) || n > limit && err == nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
	}
}

// A compressed message whose compressed size is already beyond what the
// limit allows is refused on its header.
func TestCompressedWireLimit(t *testing.T) {
	c := NewConn(Config{MaxMessageSize: 1000, Deflate: DeflateParams{Enabled: true}})
	c.Feed(rawHeader(fin|rsv1Bit|byte(OpBinary), 126, []byte{0x09, 0x00})) // 2304 > 1000+125+1024
	if _, err := c.Next(); err == nil || err.(*CloseError).Code != CloseMessageTooBig {
		t.Fatalf("got %v", err)
	}
}

// A compressed text message is checked for UTF-8 after inflating.
func TestCompressedInvalidUTF8(t *testing.T) {
	var buf bytes.Buffer
	w := newTestWriter(&buf)
	for _, payload := range []string{"ok \xff", "ends mid \xe2\x82"} {
		c := NewConn(Config{Deflate: DeflateParams{Enabled: true}})
		c.Feed(cf(fin|rsv1Bit|byte(OpText), string(deflateMessage(w, &buf, []byte(payload), true))))
		if _, err := c.Next(); err == nil || err.(*CloseError).Code != CloseInvalidPayload {
			t.Fatalf("%q: %v", payload, err)
		}
	}
}

func TestSlideWindow(t *testing.T) {
	var c Conn
	var all []byte
	for _, n := range []int{10, 40000, 5, 32768, 0, 20000, 12767} {
		m := pseudoRandom(n)
		all = append(all, m...)
		c.slideWindow(m)
		want := all[max(0, len(all)-windowSize):]
		if !bytes.Equal(c.window, want) || cap(c.window) != windowSize {
			t.Fatalf("after %d bytes: window of %d, cap %d", n, len(c.window), cap(c.window))
		}
	}
}

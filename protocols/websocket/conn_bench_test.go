package websocket

import (
	"bytes"
	"testing"
)

// BenchmarkReadText128 parses a masked 128-byte text message on a reused
// Conn; it must report 0 allocs/op.
func BenchmarkReadText128(b *testing.B) {
	payload := jsonish(128, 3)
	frame := cf(fin|byte(OpText), string(payload))
	c := NewConn(Config{})
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		c.Feed(frame)
		if ev, err := c.Next(); err != nil || len(ev.Data) != 128 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadText128Split is the same message arriving in two reads, so
// it takes the streaming path through the message buffer.
func BenchmarkReadText128Split(b *testing.B) {
	frame := cf(fin|byte(OpText), string(jsonish(128, 3)))
	c := NewConn(Config{})
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		c.Feed(frame[:70])
		if ev, _ := c.Next(); ev.Kind != EventNone {
			b.Fatal(ev.Kind)
		}
		c.Feed(frame[70:])
		if ev, err := c.Next(); err != nil || len(ev.Data) != 128 {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteText128 frames a 128-byte text message into a reused
// buffer; it must report 0 allocs/op.
func BenchmarkWriteText128(b *testing.B) {
	payload := jsonish(128, 3)
	c := NewConn(Config{})
	dst := make([]byte, 0, 256)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		dst = c.AppendMessage(dst[:0], true, payload)
	}
}

// BenchmarkReadCompressed128 inflates a 128-byte JSON message (pooled
// inflater, no context takeover).
func BenchmarkReadCompressed128(b *testing.B) {
	payload := jsonish(128, 3)
	var buf bytes.Buffer
	frame := cf(fin|rsv1Bit|byte(OpText), string(deflateMessage(newTestWriter(&buf), &buf, payload, true)))
	c := NewConn(Config{Deflate: DeflateParams{Enabled: true, ClientNoContextTakeover: true}})
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		c.Feed(frame)
		if ev, err := c.Next(); err != nil || len(ev.Data) != 128 {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteCompressed128 deflates a 128-byte JSON message with a
// pooled writer (no context takeover) and with an owned one.
func BenchmarkWriteCompressed128(b *testing.B) {
	payload := jsonish(128, 3)
	for _, takeover := range []bool{false, true} {
		name := "reset"
		if takeover {
			name = "takeover"
		}
		b.Run(name, func(b *testing.B) {
			c := NewConn(Config{Deflate: DeflateParams{Enabled: true, ServerNoContextTakeover: !takeover}})
			dst := make([]byte, 0, 512)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				dst = c.AppendMessage(dst[:0], true, payload)
			}
		})
	}
}

func BenchmarkMask16K(b *testing.B) {
	data := make([]byte, 16<<10)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		maskBytes(testKey, 1, data)
	}
}

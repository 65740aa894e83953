package websocket

import (
	"bytes"
	"compress/flate"
	"io"
	"slices"
	"sync"
)

// windowSize is DEFLATE's largest LZ77 window, 2^15 bytes (RFC 1951
// §2.5), which is what compress/flate always compresses with and the
// longest distance it can inflate.
const windowSize = 1 << 15

// flushMarker ends every sync-flushed DEFLATE stream: an empty stored
// block's LEN and NLEN. A sender strips it from each message (RFC 7692
// §7.2.1) and a receiver puts it back (§7.2.2).
var flushMarker = []byte{0x00, 0x00, 0xff, 0xff}

// inflateTail is the marker put back by §7.2.2 followed by an empty stored
// block with BFINAL set, so the stream ends cleanly with io.EOF instead of
// compress/flate reporting io.ErrUnexpectedEOF while looking for the next
// block header.
var inflateTail = []byte{0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff}

// appendWriter is the io.Writer a flate.Writer emits into: it appends to
// the caller's buffer, so compressed bytes land in place.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// deflater pairs a flate.Writer with the buffer it writes into, so a
// pooled writer holds no reference to the Conn that last used it.
type deflater struct {
	w   *flate.Writer
	out appendWriter
}

func newDeflater(level int) *deflater {
	d := new(deflater)
	// The level is validated by NewConn, so NewWriter cannot fail.
	d.w, _ = flate.NewWriter(&d.out, level)
	return d
}

// deflaterPools holds writers for connections that reset their context at
// every message, indexed by level+2 (flate.HuffmanOnly is -2). A
// flate.Writer takes 0.8-1.2 MB, so pooling is what keeps compression
// affordable for many mostly idle connections.
var deflaterPools [flate.BestCompression + 3]sync.Pool

func getDeflater(level int) *deflater {
	if d, ok := deflaterPools[level+2].Get().(*deflater); ok {
		return d
	}
	return newDeflater(level)
}

func putDeflater(level int, d *deflater) {
	d.out.b = nil
	deflaterPools[level+2].Put(d)
}

// inflater pairs a flate reader with its source. Decompression is stateless
// between messages (context takeover is done by passing a dictionary), so
// every Conn shares pooled inflaters.
type inflater struct {
	r   io.ReadCloser
	src bytes.Reader
}

var inflaterPool sync.Pool

func getInflater() *inflater {
	if f, ok := inflaterPool.Get().(*inflater); ok {
		return f
	}
	f := new(inflater)
	// A source implementing io.ByteReader keeps flate from wrapping it in
	// a bufio.Reader.
	f.r = flate.NewReader(&f.src)
	return f
}

func putInflater(f *inflater) {
	f.src.Reset(nil) // drop the reference to the Conn's buffer
	inflaterPool.Put(f)
}

// validLevel reports whether compress/flate accepts level.
func validLevel(level int) bool {
	return flate.HuffmanOnly <= level && level <= flate.BestCompression
}

// compress appends payload compressed per RFC 7692 §7.2.1 to dst and
// reports whether the compressor's context was discarded afterwards, in
// which case the caller may send the message uncompressed instead.
//
// With a server window below 15 bits, the message is compressed in runs of
// 2^bits bytes with the compressor flushed and reset between runs, so no
// back-reference reaches further than the window the client asked for
// (RFC 7692 §7.1.2.1): Reset makes a flate.Writer equivalent to a new one,
// which has no history to refer to. Levels above BestSpeed clear about
// 640 KiB of hash tables per reset, so runs use BestSpeed.
func (c *Conn) compress(dst, payload []byte) ([]byte, bool) {
	level, run := c.level, len(payload)
	bits := c.params.serverWindowBits()
	chunked := bits < 15 && level != flate.HuffmanOnly && level != flate.NoCompression
	if chunked {
		level, run = flate.BestSpeed, 1<<bits
	}
	fresh := chunked || c.params.ServerNoContextTakeover
	var d *deflater
	if fresh {
		d = getDeflater(level)
		d.w.Reset(&d.out)
	} else {
		if c.enc == nil {
			c.enc = newDeflater(level)
		}
		d = c.enc
	}
	d.out.b = dst
	for {
		k := min(run, len(payload))
		_, _ = d.w.Write(payload[:k]) // appendWriter never fails
		_ = d.w.Flush()
		payload = payload[k:]
		if len(payload) == 0 {
			break
		}
		d.w.Reset(&d.out)
	}
	dst = d.out.b
	if fresh {
		putDeflater(level, d)
	} else {
		d.out.b = nil
	}
	// Flush always ends with the marker; §7.2.1 removes it.
	return bytes.TrimSuffix(dst, flushMarker), fresh
}

// inflate decompresses the buffered message c.zin into c.msg per RFC 7692
// §7.2.2, with the previous messages' output as dictionary under client
// context takeover. It stops as soon as the output passes the message size
// limit, so a small message that inflates enormously costs no more than
// the limit, and checks UTF-8 as output is produced.
func (c *Conn) inflate() *CloseError {
	c.zin = append(c.zin, inflateTail...)
	f := getInflater()
	defer putInflater(f)
	f.src.Reset(c.zin)
	var dict []byte
	if !c.params.ClientNoContextTakeover {
		dict = c.window
	}
	_ = f.r.(flate.Resetter).Reset(&f.src, dict) // never fails
	c.msg = c.msg[:0]
	for {
		if len(c.msg) == cap(c.msg) {
			// Grow geometrically, never past limit+1: one byte beyond the
			// limit is enough to know it was exceeded.
			want := min(max(2*cap(c.msg), 4096), int(c.max)+1)
			c.msg = slices.Grow(c.msg, want-len(c.msg))
		}
		n, err := f.r.Read(c.msg[len(c.msg):cap(c.msg)])
		out := c.msg[len(c.msg) : len(c.msg)+n]
		c.msg = c.msg[:len(c.msg)+n]
		if int64(len(c.msg)) > c.max {
			return tooBig("decompressed message", c.max)
		}
		if c.msgText && !c.utf8.write(out) {
			return errInvalidUTF8()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return invalidPayload("invalid compressed data")
		}
	}
	if !c.params.ClientNoContextTakeover {
		c.slideWindow(c.msg)
	}
	return nil
}

// slideWindow keeps the last 32 KiB of decompressed data, the dictionary
// the next message may refer back into under context takeover.
func (c *Conn) slideWindow(m []byte) {
	if c.window == nil {
		c.window = make([]byte, 0, windowSize)
	}
	if len(m) >= windowSize {
		c.window = append(c.window[:0], m[len(m)-windowSize:]...)
		return
	}
	if keep := windowSize - len(m); len(c.window) > keep {
		c.window = c.window[:copy(c.window, c.window[len(c.window)-keep:])]
	}
	c.window = append(c.window, m...)
}

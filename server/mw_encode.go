package server

import (
	"bytes"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compressors for the GZip middleware. They are pooled (a zstd or brotli encoder holds
// hundreds of KiB of tables), per coding and, for gzip, per level.

const (
	// brotliQuality trades ratio for speed on the event loop (Brotli's default, 11, is far
	// too slow for answers made per request; 4-5 is what web servers use on the fly).
	brotliQuality = 4
	// zstdWindow keeps within what browsers decode: RFC 8878 §3.1.1.1.2 asks that HTTP zstd
	// bodies need no window beyond 8 MiB.
	zstdWindow = 1 << 22
)

// encWriter is the part of the compressors the server uses.
type encWriter interface {
	io.Writer
	Flush() error
	Close() error
	Reset(w io.Writer)
}

// zstdWriter gives zstd.Encoder the Reset signature of the others.
type zstdWriter struct{ *zstd.Encoder }

func (z zstdWriter) Reset(w io.Writer) { z.Encoder.Reset(w) }

var (
	gzipPools  [11]sync.Pool // by level + 1 (-1..9)
	brotliPool sync.Pool
	zstdPool   sync.Pool
)

func getWriter(c coding, level int, dst io.Writer) encWriter {
	var pool *sync.Pool
	switch c {
	case codingGzip:
		pool = &gzipPools[level+1]
	case codingBrotli:
		pool = &brotliPool
	default:
		pool = &zstdPool
	}
	if w, ok := pool.Get().(encWriter); ok {
		w.Reset(dst)
		return w
	}
	switch c {
	case codingGzip:
		w, _ := gzip.NewWriterLevel(dst, level) // the level was checked at start-up
		return w
	case codingBrotli:
		return brotli.NewWriterLevel(dst, brotliQuality)
	}
	enc, _ := zstd.NewWriter(dst, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(zstdWindow),
		zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithLowerEncoderMem(true))
	return zstdWriter{enc}
}

func putWriter(c coding, level int, w encWriter) {
	w.Reset(io.Discard) // drop the reference to the output buffer
	switch c {
	case codingGzip:
		gzipPools[level+1].Put(w)
	case codingBrotli:
		brotliPool.Put(w)
	default:
		zstdPool.Put(w)
	}
}

// compressWhole returns body compressed with c.
func compressWhole(c coding, level int, body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body)/2 + 64)
	w := getWriter(c, level, &buf)
	_, _ = w.Write(body) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	putWriter(c, level, w)
	return buf.Bytes()
}

// bodyEncoder compresses a body that comes in pieces; each piece is flushed so the client
// can decode it at once (as Starlette's Z_SYNC_FLUSH does).
type bodyEncoder struct {
	c     coding
	level int
	w     encWriter
	buf   bytes.Buffer
}

func newBodyEncoder(c coding, level int) *bodyEncoder {
	e := &bodyEncoder{c: c, level: level}
	e.w = getWriter(c, level, &e.buf)
	return e
}

// chunk compresses a piece; the result is valid until the next call.
func (e *bodyEncoder) chunk(data []byte) []byte {
	e.buf.Reset()
	_, _ = e.w.Write(data)
	_ = e.w.Flush()
	return e.buf.Bytes()
}

// last compresses the final piece and ends the compressed body; the encoder is done.
func (e *bodyEncoder) last(data []byte) []byte {
	e.buf.Reset()
	_, _ = e.w.Write(data)
	_ = e.w.Close()
	out := bytes.Clone(e.buf.Bytes())
	e.release()
	return out
}

// finish ends the compressed body and returns its last bytes; the encoder is done.
func (e *bodyEncoder) finish() []byte { return e.last(nil) }

// release returns the compressor to its pool.
func (e *bodyEncoder) release() {
	if e.w != nil {
		putWriter(e.c, e.level, e.w)
		e.w = nil
	}
}

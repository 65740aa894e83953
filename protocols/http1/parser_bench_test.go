package http1

import "testing"

// BenchmarkParseGET measures a keep-alive wrk-style GET on a reused parser
// and Request; it must report 0 allocs/op.
func BenchmarkParseGET(b *testing.B) {
	buf := []byte(typicalGET)
	p := NewParser(Limits{})
	var req Request
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if n, err := p.Parse(buf, &req); n != len(buf) || err != nil {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkParseChunked covers the decoding path with a reused body buffer.
func BenchmarkParseChunked(b *testing.B) {
	buf := []byte(chunkedPost("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"))
	p := NewParser(Limits{})
	var req Request
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if n, err := p.Parse(buf, &req); n != len(buf) || err != nil {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkAppendResponseHead encodes a typical head into a reused buffer;
// it must report 0 allocs/op.
func BenchmarkAppendResponseHead(b *testing.B) {
	dst := make([]byte, 0, 256)
	server := []byte("fasterapi")
	date := []byte("Sun, 06 Nov 1994 08:49:37 GMT")
	extra := []byte("content-type: text/plain\r\n")
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendResponseHead(dst[:0], 200, server, date, 13, true, extra)
	}
}

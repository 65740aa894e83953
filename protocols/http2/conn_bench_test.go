package http2

import (
	"bytes"
	"encoding/binary"
	"testing"

	xhttp2 "golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// benchClient prepares a Conn past the preface and returns the frames of a
// steady-state request (its header block fully indexed by HPACK, as a
// browser's repeated requests are) built by extra, with the stream id at
// offset 5 of the first frame for the loop to patch.
func benchClient(b *testing.B, kv []string, extra func(fw *xhttp2.Framer)) (*Conn, []byte) {
	c := NewConn(Config{})
	var in bytes.Buffer
	fw := xhttp2.NewFramer(&in, nil)
	var eb bytes.Buffer
	enc := hpack.NewEncoder(&eb)
	block := func() []byte {
		eb.Reset()
		for i := 0; i < len(kv); i += 2 {
			_ = enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
		}
		return bytes.Clone(eb.Bytes())
	}
	in.WriteString(ClientPreface)
	_ = fw.WriteSettings()
	_ = fw.WriteSettingsAck()
	// The first request fills both dynamic tables.
	_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 1, BlockFragment: block(), EndStream: true, EndHeaders: true})
	if err := c.Feed(in.Bytes()); err != nil {
		b.Fatal(err)
	}
	ev, _ := c.NextEvent()
	_ = c.WriteHeaders(ev.Stream, 204, nil, true)
	c.Consumed(len(c.Pending()))
	in.Reset()
	_ = fw.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: 3, BlockFragment: block(), EndStream: extra == nil, EndHeaders: true})
	if extra != nil {
		extra(fw)
	}
	return c, bytes.Clone(in.Bytes())
}

// setStream patches the stream id of every frame in req.
func setStream(req []byte, id uint32) {
	for p := req; len(p) >= 9; {
		n := int(p[0])<<16 | int(p[1])<<8 | int(p[2])
		if binary.BigEndian.Uint32(p[5:]) != 0 {
			binary.BigEndian.PutUint32(p[5:], id)
		}
		p = p[9+n:]
	}
}

// BenchmarkGET is one request-response cycle of a keep-alive GET: feed
// the request, pop its event, write a small response, drain the output.
// It must report 0 allocs/op.
func BenchmarkGET(b *testing.B) {
	kv := get("/index.html", "user-agent", "bench/1.0", "accept", "*/*", "accept-encoding", "gzip")
	c, req := benchClient(b, kv, func(fw *xhttp2.Framer) {
		_ = fw.WriteWindowUpdate(0, 2) // return the connection window the body uses
	})
	// That request has no END_STREAM in benchClient when extra is set;
	// mark it so the stream is half-closed (remote) and closes after the
	// response.
	req[4] |= flagEndStream
	hdrs := []Header{{"content-type", "text/plain"}, {"content-length", "2"}}
	body := []byte("ok")
	id := uint32(1)
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		id += 2
		setStream(req, id)
		if err := c.Feed(req); err != nil {
			b.Fatal(err)
		}
		ev, ok := c.NextEvent()
		if !ok || ev.Kind != EventRequestHeaders {
			b.Fatal("no request", ev)
		}
		if err := c.WriteHeaders(ev.Stream, 200, hdrs, false); err != nil {
			b.Fatal(err)
		}
		if n, err := c.WriteData(ev.Stream, body, true); n != 2 || err != nil {
			b.Fatal(n, err)
		}
		c.Consumed(len(c.Pending()))
	}
	if len(c.streams) != 0 {
		b.Fatal("streams leaked")
	}
}

// BenchmarkPOST adds a 1 KiB request body that the handler consumes.
func BenchmarkPOST(b *testing.B) {
	kv := post("/api", "content-type", "application/json", "content-length", "1024")
	c, req := benchClient(b, kv, func(fw *xhttp2.Framer) {
		_ = fw.WriteData(3, true, make([]byte, 1024))
		_ = fw.WriteWindowUpdate(0, 2)
	})
	hdrs := []Header{{"content-type", "text/plain"}}
	body := []byte("ok")
	id := uint32(1)
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		id += 2
		setStream(req, id)
		if err := c.Feed(req); err != nil {
			b.Fatal(err)
		}
		for ev, ok := c.NextEvent(); ok; ev, ok = c.NextEvent() {
			switch ev.Kind {
			case EventRequestData:
				c.ConsumeData(ev.Stream, len(ev.Data))
				if ev.EndStream {
					_ = c.WriteHeaders(ev.Stream, 200, hdrs, false)
					_, _ = c.WriteData(ev.Stream, body, true)
				}
			case EventRequestHeaders:
			default:
				b.Fatal("unexpected event", ev)
			}
		}
		c.Consumed(len(c.Pending()))
	}
}

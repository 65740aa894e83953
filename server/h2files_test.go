package server

import (
	"bytes"
	"testing"
	"time"

	xhttp2 "golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/fasterapi/fasterapi/transport"
)

// h2client frames a cleartext HTTP/2 client's bytes and reads the server's frames.
type h2client struct {
	out bytes.Buffer
	fr  *xhttp2.Framer
	enc *hpack.Encoder
	hb  bytes.Buffer
}

func newH2Client(window uint32) *h2client {
	c := &h2client{}
	c.out.WriteString(xhttp2.ClientPreface)
	c.fr = xhttp2.NewFramer(&c.out, nil)
	c.enc = hpack.NewEncoder(&c.hb)
	_ = c.fr.WriteSettings(xhttp2.Setting{ID: xhttp2.SettingInitialWindowSize, Val: window})
	return c
}

func (c *h2client) get(stream uint32, path string, extra ...string) {
	c.hb.Reset()
	fields := append([]string{":method", "GET", ":scheme", "http", ":authority", "x", ":path", path}, extra...)
	for i := 0; i < len(fields); i += 2 {
		_ = c.enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	_ = c.fr.WriteHeaders(xhttp2.HeadersFrameParam{StreamID: stream, BlockFragment: c.hb.Bytes(),
		EndStream: true, EndHeaders: true})
}

// flush hands the client's bytes to the session and returns what it answered.
func (c *h2client) flush(sess *session) []byte {
	in := append([]byte(nil), c.out.Bytes()...)
	c.out.Reset()
	out, _ := sess.OnData(in, nil)
	return out
}

// TestH2FileBodyFollowsFlowControl downloads a file through a 1 KiB stream window that the
// client reopens frame by frame: the body arrives whole and the stream's queue never holds
// more than one chunk.
func TestH2FileBodyFollowsFlowControl(t *testing.T) {
	path, data := bigFile(t, 300<<10)
	sess := newFileSession(t, path, transport.ConnInfo{Wake: func() {}, Outbound: func() int { return 0 }})
	cl := newH2Client(1024)
	cl.get(1, "/f")
	var body []byte
	status := ""
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) {
		if f.Name == ":status" {
			status = f.Value
		}
	})
	done := false
	for turn := 0; turn < 5000 && !done; turn++ {
		out := cl.flush(sess)
		if h2 := sess.h2.Load(); h2 != nil && h2.conn.Buffered(1) > h2FileChunk {
			t.Fatalf("stream queue holds %d bytes", h2.conn.Buffered(1))
		}
		if h2 := sess.h2.Load(); h2 != nil && len(h2.files) > 0 {
			if d := sess.Deadline(); d < time.Now().Add(fileStall/2).UnixNano() {
				t.Fatalf("deadline %d during the download: want one fileStall after the last progress", d)
			}
		}
		fr := xhttp2.NewFramer(nil, bytes.NewReader(out))
		for {
			f, err := fr.ReadFrame()
			if err != nil {
				break
			}
			switch f := f.(type) {
			case *xhttp2.HeadersFrame:
				_, _ = dec.Write(f.HeaderBlockFragment())
			case *xhttp2.DataFrame:
				body = append(body, f.Data()...)
				if n := uint32(len(f.Data())); n > 0 {
					_ = cl.fr.WriteWindowUpdate(0, n)
					_ = cl.fr.WriteWindowUpdate(1, n)
				}
				done = f.StreamEnded()
			case *xhttp2.SettingsFrame:
				if !f.IsAck() {
					_ = cl.fr.WriteSettingsAck()
				}
			}
		}
	}
	if status != "200" || !bytes.Equal(body, data) {
		t.Fatalf("status %q, %d of %d bytes (equal %v)", status, len(body), len(data), bytes.Equal(body, data))
	}
	if h2 := sess.h2.Load(); h2 == nil || len(h2.files) != 0 {
		t.Error("the file is still registered after the body ended")
	}
}

package http2

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	xhttp2 "golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// client is a tiny HTTP/2 client driving a Conn in memory: it writes
// frames with x/net's Framer into a buffer, feeds them to the Conn and
// parses the Conn's output with a second Framer.
type client struct {
	t    testing.TB
	c    *Conn
	in   bytes.Buffer // bytes for the next Feed
	fw   *xhttp2.Framer
	enc  *hpack.Encoder
	eb   bytes.Buffer
	out  bytes.Buffer // server output not yet parsed
	fr   *xhttp2.Framer
	err  error // last Feed error
	evs  []Event
	seen []frame // every frame read so far
}

// frame is a copy of one server frame, comparable after later reads.
type frame struct {
	Type      xhttp2.FrameType
	Flags     xhttp2.Flags
	Stream    uint32
	Code      ErrCode
	Last      uint32
	Data      []byte
	Headers   []Header
	Incr      uint32
	Settings  []xhttp2.Setting
	PingData  [8]byte
	Truncated bool
}

func (f frame) endStream() bool {
	return (f.Type == xhttp2.FrameData || f.Type == xhttp2.FrameHeaders) && f.Flags.Has(xhttp2.FlagDataEndStream)
}

func (f frame) header(name string) string {
	for _, h := range f.Headers {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

// newClient returns a client whose connection preface and SETTINGS have
// been fed and whose server preface has been read and acknowledged.
func newClient(t testing.TB, cfg Config, settings ...xhttp2.Setting) *client {
	t.Helper()
	cl := newRawClient(t, NewConn(cfg))
	cl.in.WriteString(ClientPreface)
	if err := cl.fw.WriteSettings(settings...); err != nil {
		t.Fatal(err)
	}
	cl.flush()
	fs := cl.frames()
	if len(fs) < 2 || fs[0].Type != xhttp2.FrameSettings || fs[0].Flags.Has(xhttp2.FlagSettingsAck) {
		t.Fatalf("server preface: %+v", fs)
	}
	if last := fs[len(fs)-1]; last.Type != xhttp2.FrameSettings || !last.Flags.Has(xhttp2.FlagSettingsAck) {
		t.Fatalf("no SETTINGS ACK: %+v", fs)
	}
	if err := cl.fw.WriteSettingsAck(); err != nil {
		t.Fatal(err)
	}
	cl.flush()
	return cl
}

func newRawClient(t testing.TB, c *Conn) *client {
	cl := &client{t: t, c: c}
	cl.fw = xhttp2.NewFramer(&cl.in, nil)
	cl.fw.AllowIllegalWrites = true
	cl.enc = hpack.NewEncoder(&cl.eb)
	cl.fr = xhttp2.NewFramer(nil, &cl.out)
	cl.fr.SetMaxReadFrameSize(maxMaxFrameSize)
	cl.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	cl.fr.MaxHeaderListSize = 1 << 20
	return cl
}

// flush feeds everything written so far and collects output and events.
func (cl *client) flush() error {
	cl.t.Helper()
	err := cl.c.Feed(cl.in.Bytes())
	cl.in.Reset()
	if err != nil {
		var ce *ConnError
		if !errors.As(err, &ce) {
			cl.t.Fatalf("Feed returned %T %v, want *ConnError", err, err)
		}
		cl.err = err
	}
	cl.drainEvents()
	cl.pump()
	return err
}

func (cl *client) drainEvents() {
	for ev, ok := cl.c.NextEvent(); ok; ev, ok = cl.c.NextEvent() {
		// Copy what aliases Conn memory.
		ev.Data = bytes.Clone(ev.Data)
		ev.Headers = slices.Clone(ev.Headers)
		ev.DebugData = bytes.Clone(ev.DebugData)
		cl.evs = append(cl.evs, ev)
	}
}

// pump moves the Conn's pending output into the client's read buffer.
func (cl *client) pump() {
	p := cl.c.Pending()
	cl.out.Write(p)
	cl.c.Consumed(len(p))
}

// events returns and forgets the events collected so far.
func (cl *client) events() []Event {
	evs := cl.evs
	cl.evs = nil
	return evs
}

// frames parses all server output received so far.
func (cl *client) frames() []frame {
	cl.t.Helper()
	cl.pump()
	var fs []frame
	for {
		f, err := cl.fr.ReadFrame()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			cl.t.Fatalf("server sent an unreadable frame: %v", err)
		}
		fs = append(fs, copyFrame(f))
	}
	cl.seen = append(cl.seen, fs...)
	return fs
}

func copyFrame(f xhttp2.Frame) frame {
	h := f.Header()
	out := frame{Type: h.Type, Flags: h.Flags, Stream: h.StreamID}
	switch f := f.(type) {
	case *xhttp2.DataFrame:
		out.Data = bytes.Clone(f.Data())
	case *xhttp2.MetaHeadersFrame:
		out.Type = xhttp2.FrameHeaders
		out.Flags = f.Flags
		out.Truncated = f.Truncated
		for _, hf := range f.Fields {
			out.Headers = append(out.Headers, Header{Name: hf.Name, Value: hf.Value})
		}
	case *xhttp2.RSTStreamFrame:
		out.Code = ErrCode(f.ErrCode)
	case *xhttp2.GoAwayFrame:
		out.Code = ErrCode(f.ErrCode)
		out.Last = f.LastStreamID
		out.Data = bytes.Clone(f.DebugData())
	case *xhttp2.WindowUpdateFrame:
		out.Incr = f.Increment
	case *xhttp2.SettingsFrame:
		_ = f.ForeachSetting(func(s xhttp2.Setting) error {
			out.Settings = append(out.Settings, s)
			return nil
		})
	case *xhttp2.PingFrame:
		out.PingData = f.Data
	}
	return out
}

// encode builds a header block from name, value pairs.
func (cl *client) encode(kv ...string) []byte {
	cl.eb.Reset()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := cl.enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]}); err != nil {
			cl.t.Fatal(err)
		}
	}
	return bytes.Clone(cl.eb.Bytes())
}

// get is the pseudo-header set of a GET for path.
func get(path string, extra ...string) []string {
	return append([]string{":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", path}, extra...)
}

func post(path string, extra ...string) []string {
	return append([]string{":method", "POST", ":scheme", "https", ":authority", "example.com", ":path", path}, extra...)
}

// headers writes a HEADERS frame with the whole block.
func (cl *client) headers(id uint32, endStream bool, kv ...string) {
	cl.t.Helper()
	err := cl.fw.WriteHeaders(xhttp2.HeadersFrameParam{
		StreamID: id, BlockFragment: cl.encode(kv...), EndStream: endStream, EndHeaders: true,
	})
	if err != nil {
		cl.t.Fatal(err)
	}
}

func (cl *client) data(id uint32, endStream bool, p string) {
	cl.t.Helper()
	if err := cl.fw.WriteData(id, endStream, []byte(p)); err != nil {
		cl.t.Fatal(err)
	}
}

func (cl *client) raw(typ xhttp2.FrameType, flags xhttp2.Flags, id uint32, payload []byte) {
	cl.t.Helper()
	if err := cl.fw.WriteRawFrame(typ, flags, id, payload); err != nil {
		cl.t.Fatal(err)
	}
}

// expectConnError flushes and checks that the connection failed with code.
func (cl *client) expectConnError(code ErrCode) {
	cl.t.Helper()
	err := cl.flush()
	var ce *ConnError
	if !errors.As(err, &ce) || ce.Code != code {
		cl.t.Fatalf("Feed error %v, want connection error %v", err, code)
	}
	fs := cl.frames()
	if len(fs) == 0 || fs[len(fs)-1].Type != xhttp2.FrameGoAway || fs[len(fs)-1].Code != code {
		cl.t.Fatalf("want GOAWAY %v last, got %+v", code, fs)
	}
	if !cl.c.Closed() {
		cl.t.Fatal("Closed() is false after a connection error")
	}
}

// expectRST flushes and checks for RST_STREAM(code) on id, with no
// connection error.
func (cl *client) expectRST(id uint32, code ErrCode) {
	cl.t.Helper()
	if err := cl.flush(); err != nil {
		cl.t.Fatalf("Feed: %v", err)
	}
	for _, f := range cl.frames() {
		if f.Type == xhttp2.FrameRSTStream && f.Stream == id {
			if f.Code != code {
				cl.t.Fatalf("RST_STREAM %v on stream %d, want %v", f.Code, id, code)
			}
			return
		}
	}
	cl.t.Fatalf("no RST_STREAM on stream %d", id)
}

// mustFlush flushes and fails on a connection error.
func (cl *client) mustFlush() {
	cl.t.Helper()
	if err := cl.flush(); err != nil {
		cl.t.Fatalf("Feed: %v", err)
	}
}

// only returns the frames of one type.
func only(fs []frame, typ xhttp2.FrameType) []frame {
	var r []frame
	for _, f := range fs {
		if f.Type == typ {
			r = append(r, f)
		}
	}
	return r
}

// eventsOf keeps the events of one kind.
func eventsOf(evs []Event, k EventKind) []Event {
	var r []Event
	for _, e := range evs {
		if e.Kind == k {
			r = append(r, e)
		}
	}
	return r
}

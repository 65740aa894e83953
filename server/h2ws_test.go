package server

import (
	"testing"

	"github.com/fasterapi/fasterapi/pybridge"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

func TestH2WebSocketOverExtendedConnect(t *testing.T) {
	srv, ht := newH2StreamTest(t)
	ht.send(true, func(fr *http2.Framer, _ func(string) []byte) {
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, EndHeaders: true,
			BlockFragment: headerBlock([2]string{":method", "CONNECT"}, [2]string{":protocol", "websocket"},
				[2]string{":scheme", "http"}, [2]string{":authority", "x"}, [2]string{":path", "/ws"},
				[2]string{"sec-websocket-version", "13"})})
	})
	var enabled bool
	eachFrame(ht, func(f http2.Frame) {
		if s, ok := f.(*http2.SettingsFrame); ok && !s.IsAck() {
			v, found := s.Value(http2.SettingEnableConnectProtocol)
			enabled = found && v == 1
		}
	})
	if !enabled {
		t.Fatal("SETTINGS_ENABLE_CONNECT_PROTOCOL not announced for an app with WebSocket routes")
	}
	token := streamToken(srv, ht, 1)
	h2send(t, srv, token, pybridge.OpAttach, 0, "")
	h2send(t, srv, token, pybridge.OpWSAccept, 0, "\r\n")
	h2send(t, srv, token, pybridge.OpWSText, 0, "hi")
	ht.send(false, func(*http2.Framer, func(string) []byte) {})
	var status string
	var data []byte
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) {
		if f.Name == ":status" {
			status = f.Value
		}
	})
	eachFrame(ht, func(f http2.Frame) {
		switch f := f.(type) {
		case *http2.HeadersFrame:
			_, _ = dec.Write(f.HeaderBlockFragment())
		case *http2.DataFrame:
			data = append(data, f.Data()...)
		}
	})
	if status != "200" || string(data) != "\x81\x02hi" {
		t.Fatalf("status %q, data %q", status, data)
	}
	// The client's Close is answered, and our side of the stream ends with it (RFC 8441 §5).
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) {
		_ = fr.WriteData(1, false, maskedFrame(0x88, "\x03\xe8"))
	})
	var closeFrame []byte
	var ended bool
	eachFrame(ht, func(f http2.Frame) {
		if d, ok := f.(*http2.DataFrame); ok {
			closeFrame = append(closeFrame, d.Data()...)
			ended = ended || d.StreamEnded()
		}
	})
	if string(closeFrame) != "\x88\x02\x03\xe8" || !ended {
		t.Fatalf("close reply %q, ended %v", closeFrame, ended)
	}
}

package websocket

import (
	"reflect"
	"testing"
)

func h2Headers(pairs ...string) [][2]string {
	var hs [][2]string
	for i := 0; i < len(pairs); i += 2 {
		hs = append(hs, [2]string{pairs[i], pairs[i+1]})
	}
	return hs
}

// The example request of RFC 8441 §5.1.
func rfc8441Request(extra ...string) [][2]string {
	return h2Headers(append([]string{
		":method", "CONNECT",
		":protocol", "websocket",
		":scheme", "https",
		":path", "/chat",
		":authority", "server.example.com",
		"sec-websocket-protocol", "chat, superchat",
		"sec-websocket-extensions", "permessage-deflate",
		"sec-websocket-version", "13",
		"origin", "http://www.example.com",
	}, extra...)...)
}

func TestAcceptExtendedConnect(t *testing.T) {
	hs, err := AcceptExtendedConnect(rfc8441Request(), HandshakeOptions{Deflate: true, ServerContextTakeover: true, ClientContextTakeover: true})
	if err != nil {
		t.Fatal(err)
	}
	want := Handshake{Subprotocols: []string{"chat", "superchat"}, Deflate: DeflateParams{Enabled: true}}
	if !reflect.DeepEqual(hs, want) {
		t.Fatalf("%+v", hs)
	}
	resp := AppendExtendedConnectResponse(nil, hs, "chat")
	wantResp := [][2]string{{":status", "200"}, {"sec-websocket-protocol", "chat"}, {"sec-websocket-extensions", "permessage-deflate"}}
	if !reflect.DeepEqual(resp, wantResp) {
		t.Fatalf("%q", resp)
	}
	if resp := AppendExtendedConnectResponse(nil, Handshake{}, "chat"); len(resp) != 1 {
		t.Fatalf("unoffered subprotocol sent: %q", resp)
	}
}

func TestAcceptExtendedConnectErrors(t *testing.T) {
	replace := func(name, value string) [][2]string {
		hs := rfc8441Request()
		out := hs[:0]
		for _, h := range hs {
			if h[0] == name {
				if value == "-" {
					continue
				}
				h[1] = value
			}
			out = append(out, h)
		}
		return out
	}
	tests := []struct {
		name    string
		headers [][2]string
		status  int
		fields  [][2]string
	}{
		{"GET", replace(":method", "GET"), 405, [][2]string{{"allow", "CONNECT"}}},
		{"no :protocol", replace(":protocol", "-"), 400, nil},
		{"other :protocol", replace(":protocol", "h3"), 400, nil},
		{"no :path", replace(":path", "-"), 400, nil},
		{"no :scheme", replace(":scheme", "-"), 400, nil},
		{"no :authority", replace(":authority", "-"), 400, nil},
		{"no version", replace("sec-websocket-version", "-"), 426, [][2]string{{"sec-websocket-version", "13"}}},
		{"version 8", replace("sec-websocket-version", "8"), 426, [][2]string{{"sec-websocket-version", "13"}}},
		{"bad subprotocol", replace("sec-websocket-protocol", "a/b"), 400, nil},
		{"upper-case names", h2Headers(":METHOD", "CONNECT", ":Protocol", "WebSocket", ":scheme", "https", ":path", "/", ":authority", "h", "Sec-WebSocket-Version", "7"), 426, [][2]string{{"sec-websocket-version", "13"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AcceptExtendedConnect(tt.headers, HandshakeOptions{})
			if err == nil || err.Status != tt.status {
				t.Fatalf("got %v, want %d", err, tt.status)
			}
			if f := AppendErrorFields(nil, err); !reflect.DeepEqual(f, tt.fields) {
				t.Fatalf("fields %q", f)
			}
		})
	}
}

// RFC 8441 §5 has no key; a stray one is ignored, not validated.
func TestExtendedConnectIgnoresKey(t *testing.T) {
	if _, err := AcceptExtendedConnect(rfc8441Request("sec-websocket-key", "junk"), HandshakeOptions{}); err != nil {
		t.Fatal(err)
	}
}

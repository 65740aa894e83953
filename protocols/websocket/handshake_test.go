package websocket

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/fasterapi/fasterapi/protocols/http1"
)

// The handshake from RFC 6455 §1.2/§1.3.
const sampleKey = "dGhlIHNhbXBsZSBub25jZQ=="

func upgradeRequest(extra string) string {
	return "GET /chat HTTP/1.1\r\n" +
		"Host: server.example.com\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + sampleKey + "\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		extra + "\r\n"
}

// parseRequest runs the request through the real HTTP/1.1 parser, so the
// tests see exactly what the transport will hand to Accept.
func parseRequest(t *testing.T, raw string) *http1.Request {
	t.Helper()
	var req http1.Request
	n, err := http1.NewParser(http1.Limits{}).Parse([]byte(raw), &req)
	if err != nil || n != len(raw) {
		t.Fatalf("http1 parse: n=%d err=%v", n, err)
	}
	return &req
}

func TestAcceptKey(t *testing.T) {
	// RFC 6455 §1.3.
	if got := acceptKey([]byte(sampleKey)); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatal(got)
	}
}

func TestAcceptValid(t *testing.T) {
	req := parseRequest(t, upgradeRequest("Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Protocol: v2\r\n"))
	hs, err := Accept(req, HandshakeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := Handshake{Accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Subprotocols: []string{"chat", "superchat", "v2"}}
	if !reflect.DeepEqual(hs, want) {
		t.Fatalf("got %+v", hs)
	}
}

func TestAcceptVariants(t *testing.T) {
	base := map[string]string{
		"Host":                  "h",
		"Upgrade":               "websocket",
		"Connection":            "Upgrade",
		"Sec-WebSocket-Key":     sampleKey,
		"Sec-WebSocket-Version": "13",
	}
	order := []string{"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"}
	build := func(method, proto string, override map[string]string, extra string) string {
		var b strings.Builder
		b.WriteString(method + " / " + proto + "\r\n")
		for _, k := range order {
			v, ok := override[k]
			if !ok {
				v = base[k]
			}
			if v != "-" {
				b.WriteString(k + ": " + v + "\r\n")
			}
		}
		b.WriteString(extra + "\r\n")
		return b.String()
	}
	tests := []struct {
		name     string
		method   string
		proto    string
		override map[string]string
		extra    string
		status   int // 0: accepted
	}{
		{"valid", "GET", "HTTP/1.1", nil, "", 0},
		{"upgrade case-insensitive", "GET", "HTTP/1.1", map[string]string{"Upgrade": "WebSocket"}, "", 0},
		{"upgrade in a list", "GET", "HTTP/1.1", map[string]string{"Upgrade": "h2c, websocket"}, "", 0},
		{"connection list", "GET", "HTTP/1.1", map[string]string{"Connection": "keep-alive, UPGRADE"}, "", 0},
		{"connection split over lines", "GET", "HTTP/1.1", map[string]string{"Connection": "keep-alive"}, "Connection: upgrade\r\n", 0},
		{"POST", "POST", "HTTP/1.1", nil, "", 405},
		{"lower-case get", "get", "HTTP/1.1", nil, "", 405},
		{"HTTP/1.0", "GET", "HTTP/1.0", nil, "", 400},
		{"no upgrade", "GET", "HTTP/1.1", map[string]string{"Upgrade": "-"}, "", 426},
		{"upgrade h2c only", "GET", "HTTP/1.1", map[string]string{"Upgrade": "h2c"}, "", 426},
		{"upgrade websocket2", "GET", "HTTP/1.1", map[string]string{"Upgrade": "websocket2"}, "", 426},
		{"no connection upgrade", "GET", "HTTP/1.1", map[string]string{"Connection": "keep-alive"}, "", 426},
		{"no version", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Version": "-"}, "", 426},
		{"version 8", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Version": "8"}, "", 426},
		{"version list", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Version": "13, 8"}, "", 426},
		{"two versions", "GET", "HTTP/1.1", nil, "Sec-WebSocket-Version: 13\r\n", 426},
		{"no key", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Key": "-"}, "", 400},
		{"two keys", "GET", "HTTP/1.1", nil, "Sec-WebSocket-Key: " + sampleKey + "\r\n", 400},
		{"key not base64", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Key": "!!!!!!!!!!!!!!!!!!!!!!=="}, "", 400},
		{"key of 15 bytes", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Key": "AAAAAAAAAAAAAAAAAAAA"}, "", 400},
		{"key of 17 bytes", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Key": "AAAAAAAAAAAAAAAAAAAAAAA="}, "", 400},
		{"key unpadded", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ"}, "", 400},
		{"key non-canonical", "GET", "HTTP/1.1", map[string]string{"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZR=="}, "", 400},
		{"subprotocol not a token", "GET", "HTTP/1.1", nil, "Sec-WebSocket-Protocol: chat, a b\r\n", 400},
		{"empty subprotocol elements skipped", "GET", "HTTP/1.1", nil, "Sec-WebSocket-Protocol: ,chat,,\r\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := parseRequest(t, build(tt.method, tt.proto, tt.override, tt.extra))
			hs, err := Accept(req, HandshakeOptions{})
			switch {
			case tt.status == 0 && err != nil:
				t.Fatalf("rejected: %v", err)
			case tt.status == 0 && hs.Accept != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=":
				t.Fatalf("accept %q", hs.Accept)
			case tt.status != 0 && (err == nil || err.Status != tt.status || err.Reason == ""):
				t.Fatalf("got %v, want status %d", err, tt.status)
			}
		})
	}
}

func TestAcceptWithoutHost(t *testing.T) {
	req := parseRequest(t, upgradeRequest(""))
	req.Host = nil
	if _, err := Accept(req, HandshakeOptions{}); err == nil || err.Status != 400 {
		t.Fatal(err)
	}
}

func TestAppendHandshakeResponse(t *testing.T) {
	hs := Handshake{
		Accept:       "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
		Subprotocols: []string{"chat", "superchat"},
		Deflate:      DeflateParams{Enabled: true, ServerNoContextTakeover: true, ClientNoContextTakeover: true, ServerMaxWindowBits: 10},
	}
	extra := [][2]string{
		{"set-cookie", "a=b"},
		{"bad name", "x"},
		{"x-injected", "v\r\nevil: 1"},
		{"Sec-WebSocket-Accept", "forged"},
		{"server", "fasterapi"},
	}
	got := string(AppendHandshakeResponse([]byte("pre"), hs, "superchat", extra))
	want := "pre" +
		"HTTP/1.1 101 Switching Protocols\r\n" +
		"upgrade: websocket\r\n" +
		"connection: Upgrade\r\n" +
		"sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
		"sec-websocket-protocol: superchat\r\n" +
		"sec-websocket-extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10\r\n" +
		"set-cookie: a=b\r\n" +
		"server: fasterapi\r\n" +
		"\r\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// A subprotocol the client did not offer is left out.
	plain := string(AppendHandshakeResponse(nil, Handshake{Accept: "k"}, "chat", nil))
	if plain != "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: k\r\n\r\n" {
		t.Fatalf("%q", plain)
	}
}

func TestAppendHandshakeError(t *testing.T) {
	date := []byte("Sun, 06 Nov 1994 08:49:37 GMT")
	resp := func(req string) string {
		_, err := Accept(parseRequest(t, req), HandshakeOptions{})
		if err == nil {
			t.Fatal("accepted")
		}
		return string(AppendHandshakeError(nil, err, nil, date))
	}
	got := resp(strings.Replace(upgradeRequest(""), "Version: 13", "Version: 7", 1))
	want := "HTTP/1.1 426 Upgrade Required\r\n" +
		"date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" +
		"content-length: 69\r\n" +
		"sec-websocket-version: 13\r\n" +
		"content-type: application/json\r\n" +
		"upgrade: websocket\r\n" +
		"connection: Upgrade, close\r\n" +
		"\r\n" +
		`{"detail":"unsupported Sec-WebSocket-Version; this server speaks 13"}`
	if got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}
	got = resp(strings.Replace(upgradeRequest(""), "GET", "PUT", 1))
	if !strings.HasPrefix(got, "HTTP/1.1 405 Method Not Allowed\r\n") || !strings.Contains(got, "\r\nallow: GET\r\n") || !strings.Contains(got, "\r\nconnection: close\r\n") {
		t.Fatalf("%q", got)
	}
	got = resp(strings.Replace(upgradeRequest(""), sampleKey, "short", 1))
	body := got[strings.Index(got, "\r\n\r\n")+4:]
	var v struct{ Detail string }
	if !strings.HasPrefix(got, "HTTP/1.1 400 Bad Request\r\n") || json.Unmarshal([]byte(body), &v) != nil || v.Detail == "" {
		t.Fatalf("%q", got)
	}
}

func TestHandshakeErrorJSON(t *testing.T) {
	b, err := json.Marshal(&HandshakeError{Status: 400, Reason: "bad"})
	if err != nil || string(b) != `{"status":400,"detail":"bad"}` {
		t.Fatal(string(b), err)
	}
	if (&HandshakeError{Status: 426, Reason: "x"}).Error() != "websocket: handshake 426 x" {
		t.Fatal("Error()")
	}
}

// Accept reads the whole header list; this one is full of fields it must
// ignore and still finds the ones it needs.
func TestAcceptIgnoresUnrelatedFields(t *testing.T) {
	req := parseRequest(t, upgradeRequest("X-Upgrade: no\r\nSec-WebSocket-Keys: x\r\nUpgrade-Insecure-Requests: 1\r\n"))
	if _, err := Accept(req, HandshakeOptions{}); err != nil {
		t.Fatal(err)
	}
}

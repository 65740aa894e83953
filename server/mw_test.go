package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/transport"
)

// The options below are what the Python classes send for the same arguments (see
// python/fasterapi/middleware); the expected answers are Starlette's.

const corsOptions = `{"allow_origins":["https://a.example"],"allow_methods":["GET","POST"],` +
	`"allow_headers":["accept","accept-language","content-language","content-type","x-key"],` +
	`"allow_all_origins":false,"allow_all_headers":false,"allow_credentials":false,"explicit_origin":true,` +
	`"allow_origin_regex":"https://[a-z]+\\.b\\.example","allow_private_network":false,` +
	`"simple_headers":[["access-control-expose-headers","X-Out"]],` +
	`"preflight_headers":[["vary","Origin, Access-Control-Request-Method, Access-Control-Request-Headers, ` +
	`Access-Control-Request-Private-Network"],["access-control-allow-methods","GET, POST"],` +
	`["access-control-max-age","600"],["access-control-allow-headers",` +
	`"Accept, Accept-Language, Content-Language, Content-Type, X-Key"]]}`

const gzipOptions = `{"minimum_size":20,"compresslevel":9,"exclude_content_types":["text/event-stream","image/*","application/grpc"]}`

func chain(t *testing.T, layers ...[2]string) *mwChain {
	t.Helper()
	var list []pyhost.Middleware
	for _, l := range layers {
		list = append(list, pyhost.Middleware{Name: l[0], Options: []byte(l[1])})
	}
	ch, err := newMWChain(list)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func opt(v string) optString { return optString{v, true} }

func TestCORSPreflight(t *testing.T) {
	ch := chain(t, [2]string{"cors", corsOptions})
	r := &mwRequest{method: "OPTIONS", origin: opt("https://x.b.example"), acrMethod: opt("POST"),
		acrHeaders: opt("X-Key, accept")}
	_, a := ch.begin(r, false)
	if a == nil || a.status != 200 || string(a.body) != "OK" {
		t.Fatalf("%+v", a)
	}
	want := "vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network\r\n" +
		"access-control-allow-methods: GET, POST\r\naccess-control-max-age: 600\r\n" +
		"access-control-allow-headers: Accept, Accept-Language, Content-Language, Content-Type, X-Key\r\n" +
		"access-control-allow-origin: https://x.b.example\r\ncontent-type: text/plain; charset=utf-8\r\n"
	if string(a.head) != want {
		t.Fatalf("head\n%q\nwant\n%q", a.head, want)
	}
	for _, tc := range []struct {
		r    mwRequest
		body string
	}{
		{mwRequest{origin: opt("https://evil.example"), acrMethod: opt("PUT"), acrHeaders: opt("x-other")},
			"Disallowed CORS origin, method, headers"},
		// The regex must match the whole origin, as Python's fullmatch.
		{mwRequest{origin: opt("https://x.b.example.evil"), acrMethod: opt("GET")}, "Disallowed CORS origin"},
		// An empty Access-Control-Request-Headers names the header "", which is not allowed.
		{mwRequest{origin: opt("https://a.example"), acrMethod: opt("GET"), acrHeaders: opt("")},
			"Disallowed CORS headers"},
		{mwRequest{origin: opt("https://a.example"), acrMethod: opt("get"), acrPrivateNetwork: opt("true")},
			"Disallowed CORS method, private-network"},
	} {
		tc.r.method = "OPTIONS"
		if _, a := ch.begin(&tc.r, false); a == nil || a.status != 400 || string(a.body) != tc.body {
			t.Errorf("%+v: %+v", tc.r, a)
		}
	}
	// Not a preflight: no Access-Control-Request-Method, or not OPTIONS, or a WebSocket.
	for _, r := range []mwRequest{{method: "OPTIONS", origin: opt("https://a.example")},
		{method: "GET", origin: opt("https://a.example"), acrMethod: opt("GET")}} {
		if _, a := ch.begin(&r, false); a != nil {
			t.Errorf("%+v answered %+v", r, a)
		}
	}
	if _, a := ch.begin(r, true); a != nil {
		t.Error("a WebSocket handshake got a preflight answer")
	}
}

func TestCORSSimpleResponses(t *testing.T) {
	ch := chain(t, [2]string{"cors", corsOptions})
	x, _ := ch.begin(&mwRequest{method: "GET", origin: opt("https://a.example")}, false)
	head, _ := x.whole(200, []byte("content-type: text/plain\r\nVary: Cookie\r\n"), nil)
	want := "content-type: text/plain\r\nvary: Cookie, Origin\r\naccess-control-expose-headers: X-Out\r\n" +
		"access-control-allow-origin: https://a.example\r\n"
	if string(head) != want {
		t.Fatalf("%q", head)
	}
	x, _ = ch.begin(&mwRequest{method: "GET"}, false)
	if head, _ := x.whole(404, jsonType, nil); string(head) != "content-type: application/json\r\nvary: Origin\r\n" {
		t.Fatalf("no Origin: %q", head)
	}
	wild := chain(t, [2]string{"cors", `{"allow_all_origins":true,"allow_credentials":true,` +
		`"simple_headers":[["access-control-allow-origin","*"],["access-control-allow-credentials","true"]]}`})
	x, _ = wild.begin(&mwRequest{method: "GET", origin: opt("https://z")}, false)
	if head, _ := x.whole(200, nil, nil); string(head) != "access-control-allow-origin: https://z\r\n"+
		"access-control-allow-credentials: true\r\nvary: Origin\r\n" {
		t.Fatalf("credentials with '*' must echo the origin: %q", head)
	}
	if _, err := newCORSPolicy([]byte(`{"allow_origin_regex":"(?!x)"}`)); err == nil ||
		!strings.Contains(err.Error(), "RE2") {
		t.Fatalf("lookahead: %v", err)
	}
}

func TestTrustedHost(t *testing.T) {
	ch := chain(t, [2]string{"trustedhost", `{"allowed_hosts":["example.com","*.example.org","www.r.example","[::1]"],` +
		`"allow_any":false,"www_redirect":true}`})
	for host, status := range map[string]int{
		"example.com": 0, "EXAMPLE.com:8080": 0, "a.b.example.org": 0, "example.org": 400, "[::1]:80": 0,
		"[::1": 400, "[1::2::3]": 400, "evil.example": 400, "example.com/x": 400, "example.com:": 400, "": 400,
		"r.example": 307,
	} {
		r := &mwRequest{method: "GET", scheme: "http", path: "/a b", query: "x=%20", host: opt(host)}
		if host == "" {
			r.host = optString{}
		}
		_, a := ch.begin(r, false)
		got := 0
		if a != nil {
			got = a.status
		}
		if got != status {
			t.Errorf("Host %q: %d, want %d", host, got, status)
		}
		if got == 400 && string(a.body) != "Invalid host header" {
			t.Errorf("Host %q: %q", host, a.body)
		}
		if got == 307 && string(a.head) != "location: http://www.r.example/a%20b?x=%20\r\n" {
			t.Errorf("www redirect: %q", a.head)
		}
	}
}

func TestHTTPSRedirect(t *testing.T) {
	ch := chain(t, [2]string{"httpsredirect", `{}`})
	for _, tc := range []struct {
		r    mwRequest
		want string
	}{
		{mwRequest{scheme: "http", path: "/p", query: "q=1", host: opt("example.com:80")}, "https://example.com/p?q=1"},
		{mwRequest{scheme: "http", path: "/p", host: opt("Example.COM:443")}, "https://example.com/p"},
		{mwRequest{scheme: "http", path: "/p", host: opt("Example.COM:8443")}, "https://Example.COM:8443/p"},
		{mwRequest{scheme: "ws", path: "/café?#", host: opt("h")}, "wss://h/caf%C3%A9%3F%23"},
		// No valid Host: the server's own address, its port dropped when it is the default.
		{mwRequest{scheme: "http", path: "/", host: opt("bad host"), localHost: "10.0.0.1", localPort: 80},
			"https://10.0.0.1/"},
		{mwRequest{scheme: "http", path: "/", localHost: "::1", localPort: 8000}, "https://[::1]:8000/"},
	} {
		_, a := ch.begin(&tc.r, tc.r.scheme == "ws")
		if a == nil || a.status != 307 || string(a.head) != "location: "+tc.want+"\r\n" || len(a.body) != 0 {
			t.Errorf("%+v: %+v", tc.r, a)
		}
	}
	if _, a := ch.begin(&mwRequest{scheme: "https", host: opt("h")}, false); a != nil {
		t.Errorf("https was redirected: %+v", a)
	}
}

func TestChooseCoding(t *testing.T) {
	for accept, want := range map[string]coding{
		"gzip": codingGzip, "gzip, deflate, br, zstd": codingZstd, "br;q=0.9, gzip": codingGzip,
		"gzip;q=0": codingIdentity, "zstd;q=0.1, br;q=0.2": codingBrotli, "*": codingIdentity,
		"x-gzip": codingGzip, "identity": codingIdentity, "GZIP;Q=0.5": codingGzip, "gzip;q=2": codingIdentity,
		"gzip;q=0.001, br;q=0.0001": codingGzip,
	} {
		if got := chooseCoding(opt(accept)); got != want {
			t.Errorf("%q: %v, want %v", accept, got, want)
		}
	}
	if chooseCoding(optString{}) != codingIdentity {
		t.Error("no Accept-Encoding")
	}
}

func decodeBody(t *testing.T, c coding, data []byte) []byte {
	t.Helper()
	var r io.Reader
	switch c {
	case codingGzip:
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case codingBrotli:
		r = brotli.NewReader(bytes.NewReader(data))
	case codingZstd:
		zr, err := zstd.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	default:
		return data
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%v: %v", c, err)
	}
	return out
}

func TestCompressWholeAndStreamed(t *testing.T) {
	ch := chain(t, [2]string{"gzip", gzipOptions})
	body := bytes.Repeat([]byte("compress me "), 100)
	for _, c := range []string{"gzip", "br", "zstd"} {
		x, _ := ch.begin(&mwRequest{method: "GET", acceptEncoding: opt(c)}, false)
		head, out := x.whole(200, []byte("content-type: text/plain\r\n"), body)
		if string(head) != "content-type: text/plain\r\nvary: Accept-Encoding\r\ncontent-encoding: "+c+"\r\n" {
			t.Fatalf("%s: %q", c, head)
		}
		if !bytes.Equal(decodeBody(t, x.coding, out), body) || len(out) >= len(body) {
			t.Fatalf("%s: %d bytes", c, len(out))
		}
		head = x.streamed(200, []byte("content-length: 9\r\ncontent-type: text/plain\r\n"))
		if string(head) != "content-type: text/plain\r\nvary: Accept-Encoding\r\ncontent-encoding: "+c+"\r\n" ||
			x.enc == nil {
			t.Fatalf("%s stream: %q", c, head)
		}
		var sent []byte
		for i := range 3 {
			piece := x.enc.chunk([]byte(strings.Repeat(string(rune('a'+i)), 50)))
			if len(piece) == 0 {
				t.Fatalf("%s: a flushed piece is empty", c)
			}
			sent = append(sent, piece...)
		}
		sent = append(sent, x.enc.finish()...)
		if got := decodeBody(t, x.coding, sent); string(got) != strings.Repeat("a", 50)+strings.Repeat("b", 50)+strings.Repeat("c", 50) {
			t.Fatalf("%s stream: %q", c, got)
		}
	}
}

func TestCompressLeavesAlone(t *testing.T) {
	ch := chain(t, [2]string{"gzip", gzipOptions})
	body := bytes.Repeat([]byte("x"), 100)
	x, _ := ch.begin(&mwRequest{method: "GET", acceptEncoding: opt("gzip")}, false)
	for _, tc := range []struct {
		status int
		head   string
		body   []byte
	}{
		{200, "content-type: text/plain\r\n", body[:19]}, // under minimum_size: not even Vary
		{206, "content-type: text/plain\r\n", body},
		{200, "content-encoding: br\r\n", body},
		{200, "content-type: text/event-stream; charset=utf-8\r\n", body},
		{200, "content-type: IMAGE/png\r\n", body},
		{200, "content-type: application/grpc+proto\r\n", body},
	} {
		head, out := x.whole(tc.status, []byte(tc.head), tc.body)
		if string(head) != tc.head || !bytes.Equal(out, tc.body) {
			t.Errorf("%d %q: %q", tc.status, tc.head, head)
		}
	}
	// A client that accepts no coding still gets Vary for a body that could be compressed.
	x, _ = ch.begin(&mwRequest{method: "GET"}, false)
	if head, out := x.whole(200, nil, body); string(head) != "vary: Accept-Encoding\r\n" || !bytes.Equal(out, body) {
		t.Fatalf("%q", head)
	}
	if head := x.streamed(200, nil); string(head) != "vary: Accept-Encoding\r\n" || x.enc != nil {
		t.Fatalf("%q", head)
	}
}

func TestAnAnswerPassesOnlyTheLayersOutsideIt(t *testing.T) {
	// Outermost first: CORS, TrustedHost, GZip.
	ch := chain(t, [2]string{"cors", corsOptions}, [2]string{"trustedhost",
		`{"allowed_hosts":["ok"],"allow_any":false,"www_redirect":true}`}, [2]string{"gzip", gzipOptions})
	r := &mwRequest{method: "GET", host: opt("bad"), origin: opt("https://a.example"), acceptEncoding: opt("gzip")}
	_, a := ch.begin(r, false)
	if a == nil || a.status != 400 || !strings.Contains(string(a.head), "access-control-allow-origin: https://a.example") {
		t.Fatalf("%+v", a)
	}
	r.host = opt("ok")
	x, a := ch.begin(r, false)
	if a != nil {
		t.Fatal(a)
	}
	head, _ := x.whole(200, nil, bytes.Repeat([]byte("y"), 100))
	if v, _ := headerValue(head, "vary"); v != "Accept-Encoding, Origin" {
		t.Fatalf("%q", head)
	}
	// A WebSocket handshake refused by TrustedHost gets no CORS fields.
	r.host = opt("bad")
	if _, a := ch.begin(r, true); a == nil || strings.Contains(string(a.head), "access-control") {
		t.Fatalf("%+v", a)
	}
}

func TestUnknownMiddlewareIsRefused(t *testing.T) {
	if _, err := newMWChain([]pyhost.Middleware{{Name: "sessions", Options: []byte(`{}`)}}); err == nil {
		t.Fatal("accepted")
	}
	if _, err := newMWChain([]pyhost.Middleware{{Name: "gzip", Options: []byte(`{"compresslevel":12}`)}}); err == nil {
		t.Fatal("accepted level 12")
	}
}

// TestSessionAppliesMiddleware drives an HTTP/1.1 connection: the server's own 404 and a
// handler's answer both pass the middleware, GZip outside CORS.
func TestSessionAppliesMiddleware(t *testing.T) {
	routes := []pyhost.Route{{Path: "/items/{id}", Methods: []string{"GET", "HEAD"}, Status: 200, Name: "item"}}
	opts := Options{Limits: http1.DefaultLimits(), KeepAliveTimeout: time.Second, HeaderTimeout: time.Second,
		BodyTimeout: time.Second, App: pyhost.AppConfig{AnswerRoute: -1, Middleware: []pyhost.Middleware{
			{Name: "gzip", Options: []byte(`{"minimum_size":5,"compresslevel":1}`)},
			{Name: "cors", Options: []byte(corsOptions)}}}}
	srv, err := New(routes, &scriptedCaller{}, opts, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	sess := srv.NewSession(transport.ConnInfo{RemoteHost: "127.0.0.1", RemotePort: 5000, LocalHost: "127.0.0.1",
		LocalPort: 8000, Wake: func() {}}).(*session)
	out, _ := sess.OnData([]byte("GET /nope HTTP/1.1\r\nHost: x\r\nOrigin: https://a.example\r\n\r\n"+
		"GET /items/5 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n"), nil)
	rs := parseResponses(t, out, 2)
	if rs[0].StatusCode != 404 || rs[0].Header.Get("Access-Control-Allow-Origin") != "https://a.example" ||
		rs[0].Header.Get("Vary") != "Origin, Accept-Encoding" || rs[0].Header.Get("Content-Encoding") != "" {
		t.Fatalf("404: %v", rs[0].Header)
	}
	if rs[1].Header.Get("Content-Encoding") != "gzip" || string(decodeBody(t, codingGzip, []byte(body(rs[1])))) !=
		`{"item_id":5}` {
		t.Fatalf("handler answer: %v", rs[1].Header)
	}
}

// BenchmarkMiddleware measures what CORS and GZip add to one answer: the request phase, the
// header edits, and the compression of a 3.3 KB JSON body with each coding.
func BenchmarkMiddleware(b *testing.B) {
	ch, err := newMWChain([]pyhost.Middleware{{Name: "gzip", Options: []byte(`{"minimum_size":500,"compresslevel":9}`)},
		{Name: "cors", Options: []byte(corsOptions)}})
	if err != nil {
		b.Fatal(err)
	}
	big := bytes.Repeat([]byte(`{"id":1,"name":"item 1","tags":["a","b"]},`), 80)
	for _, tc := range []struct {
		name, accept string
		body         []byte
	}{
		{"small-json", "", []byte(`{"message":"Hello, World!"}`)},
		{"3KB-identity", "", big}, {"3KB-gzip9", "gzip", big}, {"3KB-zstd", "zstd", big}, {"3KB-br", "br", big},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := &mwRequest{method: "GET", origin: opt("https://a.example"), acceptEncoding: optString{tc.accept, tc.accept != ""}}
			for b.Loop() {
				x, _ := ch.begin(r, false)
				_, _ = x.whole(200, jsonType, tc.body)
			}
		})
	}
}

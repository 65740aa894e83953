package server

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzMiddleware sends arbitrary request fields through every built-in middleware: they
// must never panic, a Location must stay one header line, and a compressed body must decode
// to the original.
func FuzzMiddleware(f *testing.F) {
	f.Add("OPTIONS", "example.com:8080", "https://a.example", "GET", "x-key", "gzip, br;q=0.5", "/p", "q=1")
	f.Add("GET", "[::1]:80", "", "", "", "zstd", "/caf\xc3\xa9 x", "")
	f.Add("GET", "r.example", "null", "\r\n", ",,", "gzip;q=", "/\\?#", "a=%zz")
	f.Fuzz(func(t *testing.T, method, host, origin, acrMethod, acrHeaders, accept, path, query string) {
		ch := chain(t, [2]string{"cors", corsOptions},
			[2]string{"trustedhost", `{"allowed_hosts":["example.com","*.example.org","www.r.example"],` +
				`"allow_any":false,"www_redirect":true}`},
			[2]string{"httpsredirect", `{}`}, [2]string{"gzip", gzipOptions})
		r := &mwRequest{method: method, scheme: "http", path: path, query: query, host: opt(host),
			origin: opt(origin), acrMethod: opt(acrMethod), acrHeaders: opt(acrHeaders), acceptEncoding: opt(accept),
			localHost: "127.0.0.1", localPort: 8000}
		x, a := ch.begin(r, false)
		if a != nil {
			if loc, ok := headerValue(a.head, "location"); ok && strings.ContainsAny(loc, "\r\n \x00") {
				t.Fatalf("location %q", loc)
			}
			return
		}
		body := bytes.Repeat([]byte(path+query), 20)
		head, out := x.whole(200, []byte("content-type: text/plain\r\n"), body)
		if c, ok := headerValue(head, "content-encoding"); ok && c != x.coding.String() {
			t.Fatalf("coding %q, chose %v", c, x.coding)
		} else if ok && !bytes.Equal(decodeBody(t, x.coding, out), body) {
			t.Fatal("the compressed body does not decode to the original")
		}
	})
}

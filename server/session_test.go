package server

import (
	"bufio"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/transport"
)

// scriptedCaller stands in for the Python host: it answers by route index.
type scriptedCaller struct {
	defer_ map[int]bool
	calls  int
	last   []byte
}

var itemResult = pybridge.Result{Status: 200, JSON: true, Body: []byte(`{"item_id":5}`)}

func (f *scriptedCaller) Call(route int, token uint64, meta, body []byte) pybridge.Result {
	f.calls++
	f.last = append(f.last[:0], body...)
	if f.defer_[route] {
		return pybridge.Result{Deferred: true}
	}
	return itemResult
}

func newTestServer(t testing.TB, caller Caller) (*Server, *session, *atomic.Int64) {
	routes := []pyhost.Route{
		{Path: "/items/{id}", Methods: []string{"GET", "HEAD"}, Status: 200, Name: "item"},
		{Path: "/slow", Methods: []string{"GET"}, Status: 200, Name: "slow"},
		{Path: "/items", Methods: []string{"POST"}, Status: 201, Name: "create"},
	}
	opts := Options{Limits: http1.DefaultLimits(), KeepAliveTimeout: time.Second, HeaderTimeout: time.Second, BodyTimeout: time.Second}
	srv, err := New(routes, caller, opts, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	wakes := new(atomic.Int64) // timers of HTTP/2 sessions wake from their own goroutines
	sess := srv.NewSession(transport.ConnInfo{RemoteHost: "127.0.0.1", RemotePort: 5000, LocalHost: "127.0.0.1",
		LocalPort: 8000, Wake: func() { wakes.Add(1) }}).(*session)
	return srv, sess, wakes
}

func parseResponses(t *testing.T, raw []byte, n int) []*http.Response {
	t.Helper()
	br := bufio.NewReader(strings.NewReader(string(raw)))
	var out []*http.Response
	for i := 0; i < n; i++ {
		r, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v in %q", i, err, raw)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		out = append(out, r)
	}
	if rest, _ := io.ReadAll(br); len(rest) > 0 {
		t.Fatalf("unexpected trailing bytes %q", rest)
	}
	return out
}

func body(r *http.Response) string { b, _ := io.ReadAll(r.Body); return string(b) }

func TestPipelinedRequestsSplitAcrossReads(t *testing.T) {
	_, sess, _ := newTestServer(t, &scriptedCaller{})
	in := "GET /items/5 HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nDELETE /items/5 HTTP/1.1\r\nHost: x\r\n\r\n"
	var out []byte
	for i := 0; i < len(in); i += 7 { // every few bytes, as a slow network would
		end := min(i+7, len(in))
		var action transport.Action
		out, action = sess.OnData([]byte(in[i:end]), out)
		if action != transport.Continue {
			t.Fatalf("connection closed after byte %d", end)
		}
	}
	rs := parseResponses(t, out, 3)
	if rs[0].StatusCode != 200 || body(rs[0]) != `{"item_id":5}` || rs[0].Header.Get("Content-Type") != "application/json" {
		t.Errorf("first: %d %v", rs[0].StatusCode, rs[0].Header)
	}
	if rs[1].StatusCode != 404 || body(rs[1]) != `{"detail":"Not Found"}` {
		t.Errorf("second: %d", rs[1].StatusCode)
	}
	if rs[2].StatusCode != 405 || rs[2].Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("third: %d allow=%q", rs[2].StatusCode, rs[2].Header.Get("Allow"))
	}
	if !sess.Idle() {
		t.Error("session not idle after complete requests")
	}
}

func TestDeferredAnswerKeepsPipelineOrder(t *testing.T) {
	caller := &scriptedCaller{defer_: map[int]bool{1: true}}
	srv, sess, wakes := newTestServer(t, caller)
	out, _ := sess.OnData([]byte("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	if len(out) != 0 || sess.Idle() || caller.calls != 1 {
		t.Fatalf("while parked: wrote %q, idle=%v, calls=%d", out, sess.Idle(), caller.calls)
	}
	srv.Deliver(sess.token<<32, pybridge.Result{Status: 200, JSON: true, Body: []byte(`{"slow":true}`)})
	if wakes.Load() != 1 {
		t.Fatalf("Deliver woke the connection %d times", wakes.Load())
	}
	out, _ = sess.OnData(nil, nil)
	rs := parseResponses(t, out, 2)
	if body(rs[0]) != `{"slow":true}` || body(rs[1]) != `{"item_id":5}` || caller.calls != 2 {
		t.Fatalf("order: %q then %q (calls %d)", body(rs[0]), body(rs[1]), caller.calls)
	}
	sess.OnClose()
	srv.Deliver(sess.token<<32, itemResult) // late answer for a closed connection is dropped
	if wakes.Load() != 1 {
		t.Fatal("a closed connection was woken")
	}
}

func TestHeadAndBodies(t *testing.T) {
	caller := &scriptedCaller{}
	_, sess, _ := newTestServer(t, caller)
	out, _ := sess.OnData([]byte("HEAD /items/5 HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	if !strings.Contains(string(out), "content-length: 13\r\n") || strings.HasSuffix(string(out), `}`) {
		t.Fatalf("HEAD answer %q", out)
	}
	out, _ = sess.OnData([]byte("POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), nil)
	if string(caller.last) != "abc" || !strings.HasPrefix(string(out), "HTTP/1.1 200") {
		t.Fatalf("chunked body reached handler as %q; answer %q", caller.last, out)
	}
	out, action := sess.OnData([]byte("GET /items/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), nil)
	if action != transport.CloseAfterWrite || !strings.Contains(string(out), "connection: close\r\n") {
		t.Fatalf("Connection: close answered %q with action %v", out, action)
	}
}

func TestRedirectKeepsQueryAndEncoding(t *testing.T) {
	_, sess, _ := newTestServer(t, &scriptedCaller{})
	out, _ := sess.OnData([]byte("GET /items/a%20b/?q=1 HTTP/1.1\r\nHost: h:1\r\n\r\n"), nil)
	rs := parseResponses(t, out, 1)
	if rs[0].StatusCode != 307 || rs[0].Header.Get("Location") != "http://h:1/items/a%20b?q=1" {
		t.Fatalf("%d location=%q", rs[0].StatusCode, rs[0].Header.Get("Location"))
	}
}

func TestPercentDecode(t *testing.T) {
	for in, want := range map[string]string{"/a%20b": "/a b", "/%zz": "/%zz", "/%4": "/%4", "/x%2Fy": "/x/y", "/": "/"} {
		if got := string(percentDecode(nil, []byte(in))); got != want {
			t.Errorf("percentDecode(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkKeepAliveGET measures the Go side of a request: parse, route, build the call's
// meta buffer, encode the response. The handler is a stand-in, so this is Go's cost only.
func BenchmarkKeepAliveGET(b *testing.B) {
	_, sess, _ := newTestServer(b, &scriptedCaller{})
	req := []byte("GET /items/5?q=x HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n")
	out := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		out, _ = sess.OnData(req, out[:0])
	}
}

func TestLimitConcurrencySheds503(t *testing.T) {
	caller := &scriptedCaller{defer_: map[int]bool{1: true}}
	srv, sess, _ := newTestServer(t, caller)
	srv.opts.LimitConcurrency = 1
	if out, _ := sess.OnData([]byte("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"), nil); len(out) != 0 {
		t.Fatalf("parked request answered %q", out)
	}
	other := srv.NewSession(transport.ConnInfo{Wake: func() {}}).(*session)
	out, _ := other.OnData([]byte("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	rs := parseResponses(t, out, 1)
	if rs[0].StatusCode != 503 || rs[0].Header.Get("Retry-After") != "1" {
		t.Fatalf("over the limit: %d %v", rs[0].StatusCode, rs[0].Header)
	}
	srv.Deliver(sess.token<<32, itemResult)
	sess.OnData(nil, nil)
	out, _ = other.OnData([]byte("GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	if rs := parseResponses(t, out, 1); rs[0].StatusCode != 200 {
		t.Fatalf("after the async answer: %d", rs[0].StatusCode)
	}
}

func TestPipelinedBytesWhileParkedAreBounded(t *testing.T) {
	caller := &scriptedCaller{defer_: map[int]bool{1: true}}
	srv, sess, _ := newTestServer(t, caller)
	srv.opts.Limits = http1.Limits{MaxRequestLine: 100, MaxHeaderBytes: 100, MaxBodyBytes: 100}
	sess.OnData([]byte("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"), nil)
	if _, action := sess.OnData(make([]byte, 200), nil); action != transport.Continue {
		t.Fatal("a little pipelined data closed the connection")
	}
	if _, action := sess.OnData(make([]byte, 200), nil); action != transport.CloseAfterWrite {
		t.Fatal("unbounded pipelining while parked was accepted")
	}
}

func TestTLSConnectionRedirectsToHTTPSAndRefusesH2CUpgrade(t *testing.T) {
	srv, _, _ := newTestServer(t, &scriptedCaller{})
	sess := srv.NewSession(transport.ConnInfo{RemoteHost: "127.0.0.1", LocalHost: "127.0.0.1", LocalPort: 8443,
		TLS: &tls.ConnectionState{NegotiatedProtocol: "http/1.1"}, Wake: func() {}}).(*session)
	out, _ := sess.OnData([]byte("GET /items/5/ HTTP/1.1\r\nHost: x\r\n\r\n"+
		"GET /items/5 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n"), nil)
	rs := parseResponses(t, out, 2)
	if rs[0].StatusCode != 307 || rs[0].Header.Get("Location") != "https://x/items/5" {
		t.Errorf("redirect: %d location %q", rs[0].StatusCode, rs[0].Header.Get("Location"))
	}
	// RFC 9113 §3.2: "h2c" must not be used over TLS; the request is answered as HTTP/1.1.
	if rs[1].StatusCode != 200 || sess.h2.Load() != nil {
		t.Errorf("h2c upgrade over TLS: %d, switched=%v", rs[1].StatusCode, sess.h2.Load() != nil)
	}
}

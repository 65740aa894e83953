package http1

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// snapshot copies a Request into plain strings so results from different
// buffers (and from the parser-owned chunked body) can be compared.
type snapshot struct {
	Method, Target, Path, Query string
	QueryNil                    bool
	ProtoMinor                  int
	Headers                     string
	Host                        string
	HostNil                     bool
	ContentLength               int64
	Chunked, KeepAlive, Expect  bool
	Upgrade                     string
	UpgradeNil                  bool
	Body                        string
}

func snap(r *Request) snapshot {
	var h strings.Builder
	for _, f := range r.Headers {
		h.Write(f.Name)
		h.WriteByte('=')
		h.Write(f.Value)
		h.WriteByte('|')
	}
	return snapshot{
		Method: string(r.Method), Target: string(r.Target), Path: string(r.Path),
		Query: string(r.Query), QueryNil: r.Query == nil,
		ProtoMinor: r.ProtoMinor, Headers: h.String(),
		Host: string(r.Host), HostNil: r.Host == nil,
		ContentLength: r.ContentLength, Chunked: r.Chunked, KeepAlive: r.KeepAlive,
		Expect: r.ExpectContinue, Upgrade: string(r.Upgrade), UpgradeNil: r.Upgrade == nil,
		Body: string(r.Body),
	}
}

// result is one observable outcome of Parse.
type result struct {
	N      int
	Status int    // 0 when no error
	Reason string // empty when no error
	Head   bool   // HeadComplete after the call
	Req    snapshot
}

// String prints field names so failures are readable; the conversion drops
// the method set to avoid recursing into String.
func (r result) String() string {
	type plain result
	return fmt.Sprintf("%+v", plain(r))
}

// outcome runs one Parse call and checks the error contract. It calls
// t.Helper only on failure: it runs once per fed prefix in the fuzzer, and
// Helper's stack walk would dominate the cost.
func outcome(t testing.TB, p *Parser, buf []byte, req *Request) result {
	n, err := p.Parse(buf, req)
	if n < 0 || n > len(buf) {
		t.Helper()
		t.Fatalf("Parse consumed %d of %d bytes", n, len(buf))
	}
	r := result{N: n, Head: p.HeadComplete()}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || n != 0 {
			t.Helper()
			t.Fatalf("Parse returned n=%d, err %T %v; want n=0 and a *Error", n, err, err)
		}
		r.Status, r.Reason = e.Status, e.Reason
	}
	return r
}

// withRequest adds the request snapshot when req holds something: a whole
// request, or a head waiting for its body.
func withRequest(r result, req *Request) result {
	if r.Status == 0 && (r.N > 0 || r.Head) {
		r.Req = snap(req)
	}
	return r
}

// parseOnce parses the whole input in one call.
func parseOnce(t testing.TB, l Limits, in string) result {
	var req Request
	return withRequest(outcome(t, NewParser(l), []byte(in), &req), &req)
}

// parseSplit feeds growing prefixes of in and returns the first outcome
// that is not "need more", or the last one. With fresh set, each prefix goes
// in a newly allocated buffer and the previous one is overwritten, so a
// parser that kept reading an old buffer would produce garbage and fail the
// comparison; without it the prefixes share one array, which is linear
// rather than quadratic and lets the fuzzer try long inputs.
func parseSplit(t testing.TB, l Limits, in string, fresh bool) result {
	p := NewParser(l)
	var req Request
	var r result
	var prev []byte
	shared := []byte(in)
	for i := 0; i <= len(in); i++ {
		buf := shared[:i]
		if fresh {
			buf = []byte(in[:i])
		}
		r = outcome(t, p, buf, &req)
		if r.N > 0 || r.Status != 0 || i == len(in) {
			return withRequest(r, &req)
		}
		if fresh {
			for j := range prev {
				prev[j] = 0xff
			}
			prev = buf
		}
	}
	return r
}

// mustParse parses a complete request and fails the test otherwise.
func mustParse(t *testing.T, in string) snapshot {
	t.Helper()
	r := parseOnce(t, Limits{}, in)
	if r.Status != 0 || r.N != len(in) {
		t.Fatalf("parse %q: got %v, want a complete request of %d bytes", in, r, len(in))
	}
	return r.Req
}

// wantStatus asserts that in is rejected with status, both in one shot and
// when fed byte by byte.
func wantStatus(t *testing.T, l Limits, in string, status int) {
	t.Helper()
	for _, r := range []result{parseOnce(t, l, in), parseSplit(t, l, in, true)} {
		if r.Status != status {
			t.Errorf("parse %q: got %v, want status %d", in, r, status)
			return
		}
		if r.Reason == "" {
			t.Errorf("parse %q: empty reason", in)
		}
	}
}

func get(headers string) string {
	return "GET / HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n"
}

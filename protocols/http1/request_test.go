package http1

import "testing"

// Slices handed out must not let a handler's append overwrite the next
// pipelined request sharing the buffer.
func TestRequestSlicesHaveClippedCapacity(t *testing.T) {
	buf := []byte("POST /p?q HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nabGET / HTTP/1.1\r\nHost: h\r\n\r\n")
	var req Request
	n, err := NewParser(Limits{}).Parse(buf, &req)
	if err != nil || n == 0 {
		t.Fatal(n, err)
	}
	for name, s := range map[string][]byte{
		"Method": req.Method, "Target": req.Target, "Path": req.Path, "Query": req.Query,
		"Host": req.Host, "Body": req.Body, "Header name": req.Headers[0].Name, "Header value": req.Headers[0].Value,
	} {
		if cap(s) != len(s) {
			t.Errorf("%s: cap %d > len %d", name, cap(s), len(s))
		}
	}
	_ = append(req.Body, "XXXX"...)
	if string(buf[n:n+3]) != "GET" {
		t.Fatal("append to Body overwrote the next request")
	}
}

// Headers keeps its backing array across requests when the Request is reused.
func TestRequestHeadersReused(t *testing.T) {
	p := NewParser(Limits{})
	var req Request
	_, _ = p.Parse([]byte(typicalGET), &req)
	first := &req.Headers[0]
	_, _ = p.Parse([]byte("GET / HTTP/1.1\r\nHost: other\r\n\r\n"), &req)
	if len(req.Headers) != 1 || &req.Headers[0] != first || string(req.Headers[0].Value) != "other" {
		t.Fatalf("headers not reused: %+v", req.Headers)
	}
}

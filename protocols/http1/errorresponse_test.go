package http1

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func TestAppendErrorResponse(t *testing.T) {
	date := []byte("Sun, 06 Nov 1994 08:49:37 GMT")
	got := string(AppendErrorResponse(nil, tooLarge(414, "request line", 8192), []byte("fasterapi"), date))
	want := "HTTP/1.1 414 URI Too Long\r\nserver: fasterapi\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n" +
		"content-length: 44\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n" +
		`{"detail":"request line exceeds 8192 bytes"}`
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// Whatever the reason, the body must be valid JSON of the declared length
// that decodes back to the reason (invalid UTF-8 aside).
func TestAppendErrorResponseEscaping(t *testing.T) {
	for _, reason := range []string{"plain", `quote " and \ backslash`, "ctl \x00\x01\x1f\n\r\t", "caf\xc3\xa9 \u2028", "bad \xff utf8"} {
		resp := string(AppendErrorResponse(nil, &Error{Status: 400, Reason: reason}, nil, nil))
		head, body, ok := strings.Cut(resp, "\r\n\r\n")
		if !ok {
			t.Fatalf("no head terminator in %q", resp)
		}
		if !strings.Contains(head, "content-length: "+strconv.Itoa(len(body))+"\r\n") {
			t.Errorf("%q: content-length does not match body of %d bytes: %q", reason, len(body), head)
		}
		var v struct{ Detail string }
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Errorf("%q: invalid JSON %q: %v", reason, body, err)
		}
		if want := strings.ToValidUTF8(reason, "\ufffd"); v.Detail != want {
			t.Errorf("detail = %q, want %q", v.Detail, want)
		}
	}
}

func TestAppendErrorResponseEdgeCases(t *testing.T) {
	if got := string(AppendErrorResponse(nil, nil, nil, nil)); !strings.HasPrefix(got, "HTTP/1.1 500 ") || !strings.HasSuffix(got, `{"detail":"internal server error"}`) {
		t.Errorf("nil error: %q", got)
	}
	if got := string(AppendErrorResponse(nil, &Error{Status: 304, Reason: "x"}, nil, nil)); got != "HTTP/1.1 304 Not Modified\r\ncontent-length: 0\r\nconnection: close\r\n\r\n" {
		t.Errorf("bodyless status: %q", got)
	}
}

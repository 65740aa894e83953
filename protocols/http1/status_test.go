package http1

import "testing"

func TestAppendStatusLine(t *testing.T) {
	tests := []struct {
		status int
		want   string
	}{
		{200, "HTTP/1.1 200 OK\r\n"},
		{404, "HTTP/1.1 404 Not Found\r\n"},
		{413, "HTTP/1.1 413 Content Too Large\r\n"},
		{422, "HTTP/1.1 422 Unprocessable Content\r\n"},
		{431, "HTTP/1.1 431 Request Header Fields Too Large\r\n"},
		{505, "HTTP/1.1 505 HTTP Version Not Supported\r\n"},
		{299, "HTTP/1.1 299 \r\n"},
		{418, "HTTP/1.1 418 \r\n"},
		{999, "HTTP/1.1 999 \r\n"},
		{99, "HTTP/1.1 500 Internal Server Error\r\n"},
		{1000, "HTTP/1.1 500 Internal Server Error\r\n"},
		{-200, "HTTP/1.1 500 Internal Server Error\r\n"},
	}
	for _, tt := range tests {
		if got := string(AppendStatusLine([]byte("x"), tt.status)); got != "x"+tt.want {
			t.Errorf("AppendStatusLine(%d) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

// Every registered phrase must be a valid reason-phrase (RFC 9112 §4).
func TestReasonPhrasesValid(t *testing.T) {
	for s := 100; s <= 999; s++ {
		if !allIn([]byte(reasonPhrase(s)), classValue) {
			t.Errorf("reason for %d has invalid bytes", s)
		}
	}
}

func TestBodyAllowed(t *testing.T) {
	for status, want := range map[int]bool{100: false, 101: false, 103: false, 199: false, 200: true, 204: false, 205: true, 304: false, 404: true, 500: true} {
		if got := BodyAllowed(status); got != want {
			t.Errorf("BodyAllowed(%d) = %v, want %v", status, got, want)
		}
	}
}

package http1

import (
	"strings"
	"testing"
)

func TestAppendChunk(t *testing.T) {
	tests := []struct{ data, want string }{
		{"hello", "5\r\nhello\r\n"},
		{strings.Repeat("a", 26), "1a\r\n" + strings.Repeat("a", 26) + "\r\n"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(AppendChunk([]byte("x"), []byte(tt.data))); got != "x"+tt.want {
			t.Errorf("AppendChunk(%q) = %q", tt.data, got)
		}
	}
	if got := string(AppendLastChunk([]byte("x"))); got != "x0\r\n\r\n" {
		t.Errorf("AppendLastChunk = %q", got)
	}
}

// What the encoder writes, the parser must read back.
func TestChunkRoundTrip(t *testing.T) {
	var body []byte
	for _, part := range []string{"hello", "", " ", strings.Repeat("x", 300)} {
		body = AppendChunk(body, []byte(part))
	}
	body = AppendLastChunk(body)
	r := mustParse(t, chunkedPost(string(body)))
	if want := "hello " + strings.Repeat("x", 300); r.Body != want {
		t.Fatalf("round trip body = %q", r.Body)
	}
}

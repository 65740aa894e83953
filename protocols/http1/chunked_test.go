package http1

import (
	"strings"
	"testing"
)

func chunkedPost(body string) string {
	return post("Transfer-Encoding: chunked\r\n", body)
}

func TestChunkedAccepted(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"},
		{"empty body", "0\r\n\r\n", ""},
		{"hex sizes", "A\r\n0123456789\r\nf\r\nabcdefghijklmno\r\n0\r\n\r\n", "0123456789abcdefghijklmno"},
		{"leading zeros", "0005\r\nhello\r\n000\r\n\r\n", "hello"},
		{"extensions ignored", "5;name=value\r\nhello\r\n3 ; a ; b = \"q \\\" s\"\r\nabc\r\n0;last\r\n\r\n", "helloabc"},
		{"trailers ignored", "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other:  v \r\n\r\n", "hello"},
		{"data with CRLF inside", "4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustParse(t, chunkedPost(tt.body))
			if r.Body != tt.want || !r.Chunked || r.ContentLength != -1 {
				t.Fatalf("got %+v, want body %q", r, tt.want)
			}
			if s := parseSplit(t, Limits{}, chunkedPost(tt.body), true); s.Req != r {
				t.Fatalf("split parse differs: %v", s)
			}
		})
	}
}

func TestChunkedRejected(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
	}{
		{"missing CRLF after data", "5\r\nhelloX\r\n0\r\n\r\n", 400},
		{"CR without LF after data", "5\r\nhello\rX0\r\n\r\n", 400},
		{"data longer than size", "3\r\nhello\r\n0\r\n\r\n", 400},
		{"no size", "\r\nhello\r\n0\r\n\r\n", 400},
		{"non-hex size", "g\r\nhello\r\n0\r\n\r\n", 400},
		{"0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", 400},
		{"negative size", "-5\r\nhello\r\n0\r\n\r\n", 400},
		{"space after size", "5 \r\nhello\r\n0\r\n\r\n", 400},
		{"bare LF after size", "5\nhello\r\n0\r\n\r\n", 400},
		{"bare LF ends body", "5\r\nhello\r\n0\r\n\n", 400},
		{"extension without name", "5;\r\nhello\r\n0\r\n\r\n", 400},
		{"extension bad value", "5;a=\r\nhello\r\n0\r\n\r\n", 400},
		{"unterminated quoted", "5;a=\"x\r\nhello\r\n0\r\n\r\n", 400},
		{"control in extension", "5;a\x01\r\nhello\r\n0\r\n\r\n", 400},
		{"bare CR in extension", "5;a\rb\r\nhello\r\n0\r\n\r\n", 400},
		{"obs-fold in trailer", "0\r\nX-A: a\r\n b\r\n\r\n", 400},
		{"trailer without colon", "0\r\nbogus\r\n\r\n", 400},
		{"size overflows int64", "10000000000000000\r\n", 413},
		{"size beyond limit", "1000001\r\n", 413},
		{"long chunk line", "5;" + strings.Repeat("a", 5000) + "\r\n", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, Limits{}, chunkedPost(tt.body), tt.status)
		})
	}
}

// 413 as soon as the decoded data would pass the limit.
func TestChunkedBodyLimit(t *testing.T) {
	l := Limits{MaxBodyBytes: 10}
	mustParseLimits(t, l, chunkedPost("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"))
	// The third chunk is refused on its size line, before its data arrives.
	wantStatus(t, l, chunkedPost("5\r\nhello\r\n5\r\nworld\r\n1\r\n"), 413)
}

// Framing bytes are bounded too, so tiny chunks with long extensions cannot
// make the caller buffer without limit.
func TestChunkedOverheadLimit(t *testing.T) {
	l := Limits{MaxBodyBytes: 32, MaxHeaderBytes: 64}         // 96 bytes of framing allowed
	chunk := "1;ext=" + strings.Repeat("e", 20) + "\r\nx\r\n" // 30 bytes of framing
	mustParseLimits(t, l, chunkedPost(chunk+chunk+chunk+"0\r\n\r\n"))
	wantStatus(t, l, chunkedPost(chunk+chunk+chunk+chunk+"0\r\n\r\n"), 413)
}

func TestTrailerLimits(t *testing.T) {
	// The head's own section is 39 bytes; the trailer section gets a separate
	// budget of the same size.
	l := Limits{MaxHeaderBytes: 40, MaxHeaders: 2}
	mustParseLimits(t, l, chunkedPost("0\r\nA: 1\r\nB: 2\r\n\r\n"))
	wantStatus(t, l, chunkedPost("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), 431)
	wantStatus(t, l, chunkedPost("0\r\nA: "+strings.Repeat("v", 40)), 431)
}

func TestParseChunkSizeLine(t *testing.T) {
	tests := []struct {
		line string
		size int64
		ok   bool
	}{
		{"0", 0, true},
		{"ff", 255, true},
		{"FF", 255, true},
		{"7fffffffffffffff", 1<<63 - 1, true},
		{"8000000000000000", 0, false},
		{"1;a", 1, true},
		{"1 ;a=b", 1, true},
		{"1;a=\"\"", 1, true},
		{"1;a=\"\\", 0, false},
		{"1;a;", 0, false},
		{"1;a= ", 0, false},
		{"1;a=b c", 0, false},
	}
	for _, tt := range tests {
		size, e := parseChunkSizeLine([]byte(tt.line))
		if (e == nil) != tt.ok || tt.ok && size != tt.size {
			t.Errorf("parseChunkSizeLine(%q) = %d, %v", tt.line, size, e)
		}
	}
}

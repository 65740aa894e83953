package http1

import "testing"

func TestAppendResponseHead(t *testing.T) {
	server, date := []byte("fasterapi"), []byte("Sun, 06 Nov 1994 08:49:37 GMT")
	tests := []struct {
		name      string
		status    int
		server    []byte
		length    int64
		keepAlive bool
		extra     string
		want      string
	}{
		{"fixed length", 200, server, 13, true, "content-type: text/plain\r\n",
			"HTTP/1.1 200 OK\r\nserver: fasterapi\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\ncontent-length: 13\r\ncontent-type: text/plain\r\n\r\n"},
		{"chunked and close", 201, server, -1, false, "",
			"HTTP/1.1 201 Created\r\nserver: fasterapi\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"},
		{"no server", 200, nil, 0, true, "",
			"HTTP/1.1 200 OK\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\ncontent-length: 0\r\n\r\n"},
		// RFC 9110 §8.6, RFC 9112 §6.1: no framing fields on 1xx/204.
		{"204", 204, nil, 0, true, "", "HTTP/1.1 204 No Content\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"},
		{"204 chunked requested", 204, nil, -1, true, "", "HTTP/1.1 204 No Content\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"},
		{"101", 101, nil, -1, true, "upgrade: websocket\r\nconnection: Upgrade\r\n",
			"HTTP/1.1 101 Switching Protocols\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n"},
		{"304 with length", 304, nil, 42, true, "", "HTTP/1.1 304 Not Modified\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\ncontent-length: 42\r\n\r\n"},
		{"304 without length", 304, nil, -1, true, "", "HTTP/1.1 304 Not Modified\r\ndate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"},
	}
	for _, tt := range tests {
		got := string(AppendResponseHead(nil, tt.status, tt.server, date, tt.length, tt.keepAlive, []byte(tt.extra)))
		if got != tt.want {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestContinueResponse(t *testing.T) {
	if string(ContinueResponse) != "HTTP/1.1 100 Continue\r\n\r\n" {
		t.Fatalf("ContinueResponse = %q", ContinueResponse)
	}
}

func TestAppendResponseHeadAllocations(t *testing.T) {
	dst := make([]byte, 0, 512)
	server, date, extra := []byte("fasterapi"), []byte("Sun, 06 Nov 1994 08:49:37 GMT"), []byte("content-type: text/plain\r\n")
	if n := testing.AllocsPerRun(100, func() {
		dst = AppendResponseHead(dst[:0], 200, server, date, 13, true, extra)
	}); n != 0 {
		t.Fatalf("%v allocations", n)
	}
}

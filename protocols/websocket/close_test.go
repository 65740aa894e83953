package websocket

import (
	"encoding/json"
	"testing"
)

func TestValidCloseCode(t *testing.T) {
	valid := map[int]bool{}
	for _, r := range [][2]int{{1000, 1003}, {1007, 1014}, {3000, 4999}} {
		for c := r[0]; c <= r[1]; c++ {
			valid[c] = true
		}
	}
	for code := -1; code <= 70000; code++ {
		if ValidCloseCode(code) != valid[code] {
			t.Errorf("ValidCloseCode(%d) = %v", code, !valid[code])
		}
	}
}

func TestParseClosePayload(t *testing.T) {
	tests := []struct {
		in     string
		code   int
		reason string
		err    bool
	}{
		{"", CloseNoStatus, "", false},
		{"\x03", 0, "", true},
		{"\x03\xe8", 1000, "", false},
		{"\x03\xe8bye", 1000, "bye", false},
		{"\x0f\xa0κόσμε", 4000, "κόσμε", false},
		{"\x03\xed", 0, "", true},                  // 1005
		{"\x03\xe8\xc0\x80", 0, "", true},          // overlong NUL in reason
		{"\x0b\xb8" + "\xf0\x9f\x98", 0, "", true}, // truncated sequence
	}
	for _, tt := range tests {
		code, reason, err := parseClosePayload([]byte(tt.in))
		if (err != nil) != tt.err || err == nil && (code != tt.code || string(reason) != tt.reason) {
			t.Errorf("%q: got %d %q %v", tt.in, code, reason, err)
		}
		if err != nil && err.Code != CloseProtocolError {
			t.Errorf("%q: code %d", tt.in, err.Code)
		}
	}
}

func TestCloseErrorJSON(t *testing.T) {
	b, err := json.Marshal(&CloseError{Code: 1009, Reason: "message exceeds 10 bytes"})
	if err != nil || string(b) != `{"code":1009,"reason":"message exceeds 10 bytes"}` {
		t.Fatal(string(b), err)
	}
}

package http2

import "testing"

func TestErrCodeString(t *testing.T) {
	for c, want := range map[ErrCode]string{
		ErrCodeNo: "NO_ERROR", ErrCodeEnhanceYourCalm: "ENHANCE_YOUR_CALM",
		ErrCodeHTTP11Required: "HTTP_1_1_REQUIRED", 0xabc: "0xabc",
	} {
		if got := c.String(); got != want {
			t.Errorf("%d: %q, want %q", uint32(c), got, want)
		}
	}
	e := &ConnError{Code: ErrCodeProtocol, Reason: "bad"}
	if e.Error() != "http2: connection error PROTOCOL_ERROR: bad" {
		t.Fatal(e.Error())
	}
}

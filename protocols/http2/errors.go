package http2

import (
	"errors"
	"strconv"
)

// ErrCode is an HTTP/2 error code as carried by RST_STREAM and GOAWAY
// frames (RFC 9113 §7).
type ErrCode uint32

// Error codes defined by RFC 9113 §7.
const (
	ErrCodeNo                 ErrCode = 0x0
	ErrCodeProtocol           ErrCode = 0x1
	ErrCodeInternal           ErrCode = 0x2
	ErrCodeFlowControl        ErrCode = 0x3
	ErrCodeSettingsTimeout    ErrCode = 0x4
	ErrCodeStreamClosed       ErrCode = 0x5
	ErrCodeFrameSize          ErrCode = 0x6
	ErrCodeRefusedStream      ErrCode = 0x7
	ErrCodeCancel             ErrCode = 0x8
	ErrCodeCompression        ErrCode = 0x9
	ErrCodeConnect            ErrCode = 0xa
	ErrCodeEnhanceYourCalm    ErrCode = 0xb
	ErrCodeInadequateSecurity ErrCode = 0xc
	ErrCodeHTTP11Required     ErrCode = 0xd
)

var errCodeNames = [...]string{
	"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
	"SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM",
	"CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
	"INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
}

// String returns the name RFC 9113 §7 gives the code, or a hexadecimal
// form for codes it does not define (which RFC 9113 §7 says must not be
// treated specially).
func (c ErrCode) String() string {
	if int(c) < len(errCodeNames) {
		return errCodeNames[c]
	}
	return "0x" + strconv.FormatUint(uint64(c), 16)
}

// ConnError is a connection error (RFC 9113 §5.4.1): the peer broke the
// protocol in a way that leaves the connection unusable. By the time Feed
// returns one, the Conn has queued a GOAWAY carrying Code; the transport
// writes what Pending still holds and closes the connection.
type ConnError struct {
	// Code is the error code sent in the GOAWAY frame.
	Code ErrCode
	// Reason is a short English sentence naming the problem. It is also
	// sent as the GOAWAY debug data, so it never contains request data.
	Reason string
}

// Error implements the error interface.
func (e *ConnError) Error() string {
	return "http2: connection error " + e.Code.String() + ": " + e.Reason
}

// Errors returned by the methods the application calls to respond. None of
// them affects the connection.
var (
	// ErrStreamClosed means the stream is unknown (never opened, or
	// already closed or reset) or the Conn has already ended its sending
	// side.
	ErrStreamClosed = errors.New("http2: stream is closed")
	// ErrHeadersSent means WriteHeaders was called after a final (non-1xx)
	// response head had been written for the stream.
	ErrHeadersSent = errors.New("http2: response headers already written")
	// ErrNoHeaders means WriteData or WriteTrailers was called before
	// WriteHeaders wrote a final response head.
	ErrNoHeaders = errors.New("http2: response headers not written yet")
	// ErrInvalidStatus means the status code is outside 100-999, or a 1xx
	// status was combined with endStream, or 101 was used (RFC 9113
	// §8.6 forbids it).
	ErrInvalidStatus = errors.New("http2: invalid response status")
	// ErrInvalidHeader means a response header or trailer field name or
	// value cannot be sent in HTTP/2 (RFC 9113 §8.2.1), or a trailer
	// field is a pseudo-header.
	ErrInvalidHeader = errors.New("http2: invalid response header field")
	// ErrConnClosed means the connection has failed or has been shut down
	// completely; nothing more can be sent on it.
	ErrConnClosed = errors.New("http2: connection is closed")
	// ErrBadSettings means the settings given to NewConnFromUpgrade (the
	// HTTP2-Settings header field) are malformed or carry an invalid value.
	ErrBadSettings = errors.New("http2: invalid HTTP2-Settings")
)

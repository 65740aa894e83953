package websocket

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"
)

// Status codes for Close frames (RFC 6455 §7.4.1 and the IANA "WebSocket
// Close Code Number Registry" that §11.7 creates).
const (
	CloseNormal          = 1000
	CloseGoingAway       = 1001
	CloseProtocolError   = 1002
	CloseUnsupportedData = 1003
	// CloseNoStatus is reported for a Close frame without a status code;
	// it never appears on the wire (§7.4.1).
	CloseNoStatus = 1005
	// CloseAbnormal means the connection was lost without a Close frame;
	// the transport reports it, it never appears on the wire (§7.4.1).
	CloseAbnormal        = 1006
	CloseInvalidPayload  = 1007
	ClosePolicyViolation = 1008
	CloseMessageTooBig   = 1009
	CloseMandatoryExt    = 1010
	CloseInternalError   = 1011
	CloseServiceRestart  = 1012
	CloseTryAgainLater   = 1013
	CloseBadGateway      = 1014
)

// ValidCloseCode reports whether code may be sent in a Close frame:
// 1000-1003 and 1007-1011 (RFC 6455 §7.4.1), 1012-1014 (registered with
// IANA after the RFC and sent by common servers, including Python's
// websockets and Starlette), and 3000-4999 for libraries, frameworks and
// applications (§7.4.2). 1004 is reserved, 1005, 1006 and 1015 are
// reserved for reporting and must never be sent, and the rest of 0-2999 is
// reserved for future standards. A Close frame received with any other
// code fails the connection with 1002.
func ValidCloseCode(code int) bool {
	return 1000 <= code && code <= 1003 ||
		1007 <= code && code <= 1014 ||
		3000 <= code && code <= 4999
}

// CloseError is the reason the Conn failed the connection (RFC 6455
// §7.1.7). Code is the status code of the Close frame the Conn queued for
// the peer; the struct tags let a transport hand it to an application as
// JSON.
type CloseError struct {
	// Code is CloseProtocolError, CloseInvalidPayload or
	// CloseMessageTooBig.
	Code int `json:"code"`
	// Reason is a short English sentence, at most 123 bytes of ASCII, also
	// sent to the peer in the Close frame.
	Reason string `json:"reason"`
}

// Error implements the error interface.
func (e *CloseError) Error() string {
	return "websocket: " + strconv.Itoa(e.Code) + " " + e.Reason
}

func protocolError(reason string) *CloseError {
	return &CloseError{Code: CloseProtocolError, Reason: reason}
}

func invalidPayload(reason string) *CloseError {
	return &CloseError{Code: CloseInvalidPayload, Reason: reason}
}

func tooBig(what string, limit int64) *CloseError {
	return &CloseError{Code: CloseMessageTooBig, Reason: what + " exceeds " + strconv.FormatInt(limit, 10) + " bytes"}
}

// maxCloseReason is what is left of a control frame's 125 bytes after the
// 2-byte status code (RFC 6455 §5.5.1).
const maxCloseReason = MaxControlPayload - 2

// appendCloseFrame appends a Close frame. An invalid code (including 0 and
// CloseNoStatus) yields a Close frame without a body, which the peer
// reports as 1005; a reason is sent only with a code, truncated to 123
// bytes at a character boundary, and dropped if it is not valid UTF-8
// (the peer would have to fail the connection over it, §5.5.1).
func appendCloseFrame(dst []byte, code int, reason string) []byte {
	if !ValidCloseCode(code) {
		return append(dst, finBit|byte(OpClose), 0)
	}
	if !utf8.ValidString(reason) {
		reason = ""
	}
	if len(reason) > maxCloseReason {
		n := maxCloseReason
		for n > 0 && !utf8.RuneStart(reason[n]) {
			n--
		}
		reason = reason[:n]
	}
	dst = append(dst, finBit|byte(OpClose), byte(2+len(reason)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	return append(dst, reason...)
}

// parseClosePayload validates a received Close frame's body (RFC 6455
// §5.5.1): empty, or a valid status code (§7.4) optionally followed by a
// UTF-8 reason. An empty body is reported as CloseNoStatus.
func parseClosePayload(p []byte) (code int, reason []byte, err *CloseError) {
	switch {
	case len(p) == 0:
		return CloseNoStatus, nil, nil
	case len(p) == 1:
		return 0, nil, protocolError("close frame body of 1 byte")
	}
	code = int(binary.BigEndian.Uint16(p))
	if !ValidCloseCode(code) {
		return 0, nil, protocolError("invalid close code " + strconv.Itoa(code))
	}
	if !utf8.Valid(p[2:]) {
		return 0, nil, protocolError("close reason is not valid UTF-8")
	}
	return code, p[2:], nil
}

// errInvalidUTF8 has one reason for every way text can be invalid, so the
// Close frame does not depend on how the bytes were split (RFC 6455 §8.1).
func errInvalidUTF8() *CloseError { return invalidPayload("text message is not valid UTF-8") }

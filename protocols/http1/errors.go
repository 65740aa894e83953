package http1

import "strconv"

// Error is a protocol violation found while parsing a request. After one,
// the framing of whatever follows on the connection is unknown, so the caller
// answers with Status (see AppendErrorResponse) and closes the connection.
type Error struct {
	// Status is the HTTP status code to answer with.
	Status int
	// Reason is a short English sentence naming the problem; it is safe to
	// show to the client.
	Reason string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return "http1: " + strconv.Itoa(e.Status) + " " + e.Reason
}

// ErrHTTP2Preface is returned (as the identical pointer, so errors.Is and ==
// both work) when the request line is "PRI * HTTP/2.0", the start of the
// HTTP/2 connection preface (RFC 9113 §3.4). Parse consumes nothing in that
// case, so a caller that supports HTTP/2 with prior knowledge can hand the
// same buffer to an HTTP/2 implementation, which validates the rest of the
// 24-byte preface. Callers must not modify it.
var ErrHTTP2Preface = &Error{Status: 400, Reason: "HTTP/2 connection preface received on an HTTP/1.1 connection"}

func badRequest(reason string) *Error { return &Error{Status: 400, Reason: reason} }

func errBareLF() *Error {
	return badRequest("line terminated by a bare LF instead of CRLF")
}

// tooLarge formats a limit-exceeded error; the limit is part of the reason
// so clients can tell which knob they ran into.
func tooLarge(status int, what string, limit int64) *Error {
	return &Error{Status: status, Reason: what + " exceeds " + strconv.FormatInt(limit, 10) + " bytes"}
}

// Package http1 is a sans-I/O HTTP/1.1 core (RFC 9112): bytes in, request
// events out; response parameters in, bytes out.
//
// It owns no sockets, goroutines, clocks or loggers so that the transport can
// drive it from any event loop and tests can replay byte streams exactly.
//
// Line terminators: the parser accepts only CRLF. RFC 9112 §2.2 lets a
// recipient choose to accept a bare LF; we reject it (400) everywhere—request
// line, header and trailer fields, chunk-size lines—because a proxy in front
// of us that disagrees about line boundaries is the classic request-smuggling
// setup, and rejecting consistently leaves no ambiguity.
//
// Lifetimes: slices in a parsed Request point into the buffer passed to the
// latest Parse call (except a chunked Body, which lives in a parser-owned
// buffer). They stay valid while that buffer's bytes are unchanged and, for a
// chunked Body, until the next Parse call. Their capacity is clipped to their
// length so an append by a handler cannot overwrite a pipelined request that
// follows in the same buffer.
package http1

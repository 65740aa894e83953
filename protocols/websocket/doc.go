// Package websocket is a sans-I/O server-side WebSocket core: the opening
// handshake (RFC 6455 §4.2, and RFC 8441 over HTTP/2), the framing layer
// (RFC 6455 §5), the closing handshake (RFC 6455 §7) and the
// permessage-deflate extension (RFC 7692).
//
// Like protocols/http1 it owns no sockets, goroutines, clocks or loggers:
// the transport feeds received bytes to a Conn, pops events (messages,
// pings, pongs, the peer's Close) and writes the bytes the Conn asks it to
// write. Timeouts, keep-alive pings and backpressure are the transport's
// job; the Conn only says what the protocol requires (State tells when the
// TCP connection may be dropped).
//
// Errors follow RFC 6455 §7.1.7, "Fail the WebSocket Connection": the Conn
// queues a Close frame carrying the status code (1002 protocol error, 1007
// invalid payload data, 1009 message too big), moves to StateClosed and
// returns a sticky *CloseError. The transport writes what AppendOutput
// gives it and closes the connection.
//
// Lifetimes: Event.Data aliases memory owned by the Conn and stays valid
// until the next call to Feed or Next. Its capacity is clipped to its
// length so an append cannot overwrite bytes that follow it.
//
// # Compression
//
// permessage-deflate is negotiated by Accept when HandshakeOptions.Deflate
// is set. Go's compress/flate has no way to suspend decompression when the
// input runs out, so a compressed message is buffered (compressed) until
// its final fragment and then inflated in one go, stopping as soon as the
// output passes Config.MaxMessageSize (zip bombs cost at most that much
// memory and time). Uncompressed messages are streamed into the message
// buffer as their bytes arrive and their UTF-8 is checked on the way.
//
// Go's flate.Writer always uses a 32 KiB LZ77 window. A client may ask for
// a smaller server window (server_max_window_bits=N, N < 15); Accept agrees
// and the Conn keeps the promise by compressing each message in runs of at
// most 2^N input bytes, flushing and resetting the compressor between runs
// so that no back-reference can reach further than 2^N bytes. That costs a
// 4-byte sync marker per run and some compression ratio, and it implies no
// context takeover on the server side.
package websocket

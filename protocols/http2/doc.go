// Package http2 is a sans-I/O server-side HTTP/2 connection core (RFC 9113):
// bytes in, request events out; responses in, bytes out.
//
// Like protocols/http1 it owns no sockets, goroutines, clocks or loggers. A
// transport drives one Conn per connection:
//
//	c := http2.NewConn(cfg)          // or NewConnFromUpgrade after "Upgrade: h2c"
//	for {
//		write(c.Pending()); c.Consumed(n)   // SETTINGS, ACKs, responses...
//		if c.Closed() { close; break }
//		n := read(buf)
//		err := c.Feed(buf[:n])           // a *ConnError ends the connection
//		for ev, ok := c.NextEvent(); ok; ev, ok = c.NextEvent() {
//			// EventRequestHeaders, EventRequestData, ... → handlers,
//			// which answer with WriteHeaders, WriteData, WriteTrailers
//			// and report body progress with ConsumeData.
//		}
//	}
//
// Frames are parsed in place from the bytes given to Feed (a frame split
// across Feed calls is reassembled in a buffer of at most 9+MaxFrameSize
// bytes); Feed never retains its argument. Outgoing frames are built with
// golang.org/x/net/http2's Framer and header blocks are coded with
// golang.org/x/net/http2/hpack; the state machines, validation, flow control
// and limits are this package's own.
//
// # Errors
//
// A connection error (RFC 9113 §5.4.1) queues GOAWAY with the highest
// stream id the client opened and makes Feed return a sticky *ConnError;
// every stream is gone, so the transport cancels its handlers, writes
// Pending and closes. A stream error (§5.4.2) queues RST_STREAM and, when
// the application had seen the request, an EventStreamReset. Malformed
// requests (§8.1.1) are stream errors of type PROTOCOL_ERROR that the
// application never sees; requests over MaxHeaderListSize or MaxBodyBytes
// are answered by the Conn itself with 431 or 413.
//
// # Flow control and backpressure
//
// Sending (RFC 9113 §5.2, §6.9): WriteData frames at once as much as the
// peer's connection and stream windows allow, in frames no larger than the
// peer's SETTINGS_MAX_FRAME_SIZE, and copies the rest into a per-stream
// queue. WINDOW_UPDATE frames and SETTINGS_INITIAL_WINDOW_SIZE increases
// release queued data (round-robin across streams, one frame per stream per
// turn) during Feed; EventDrained says a queue has emptied. The Conn never
// refuses data, so the transport applies backpressure: it pauses a handler
// while Buffered(stream) is above its threshold.
//
// Receiving: the Conn announces InitialWindowSize per stream and raises the
// connection window to ConnWindowSize. Windows are replenished only as the
// application calls ConsumeData, with one WINDOW_UPDATE once half a window
// has been consumed, so a handler that stops reading stops the upload after
// at most InitialWindowSize bytes, and all of a connection's unconsumed body
// bytes stay under ConnWindowSize. Padding and data the Conn discards (for
// closed or reset streams) are credited back at once.
//
// # Abuse resistance
//
// The Conn has no clock, so every limit counts events instead of time:
//
//   - Rapid reset (CVE-2023-44487): a score rises for each stream the client
//     resets before its response ended, each stream refused over
//     MaxConcurrentStreams and each request rejected as malformed or too
//     large, and falls for each completed response; past MaxEarlyResets the
//     Conn sends GOAWAY(ENHANCE_YOUR_CALM). Concurrency is capped by
//     MaxConcurrentStreams (REFUSED_STREAM beyond it).
//   - CONTINUATION flood: a header block's frames are decoded as they arrive,
//     never buffered; past MaxHeaderBlockBytes (payload plus 9 bytes per
//     frame) the Conn sends GOAWAY(ENHANCE_YOUR_CALM).
//   - HPACK bomb: decoded fields are counted (name + value + 32) and emission
//     stops once the list passes MaxHeaderListSize (the request gets 431);
//     single strings are capped at MaxHeaderBlockBytes; the dynamic table is
//     4096 bytes.
//   - SETTINGS, PING and stream-error floods: frames generated in answer to
//     the peer are counted while they sit unconsumed in Pending; more than
//     MaxQueuedControlFrames is a GOAWAY(ENHANCE_YOUR_CALM).
//   - Zero-window slowloris: a peer that opens no window holds queued
//     response data. StalledStreams, BufferedTotal and DataSent expose it;
//     as the Conn has no clock, the transport times such connections out
//     with Abort when StalledStreams stays non-zero and DataSent does not
//     move for its write timeout.
//
// # Lifetimes
//
// Slices in an Event (Headers, Data, DebugData) point into memory owned by
// the Conn and stay valid at least until the first Feed call after
// NextEvent returned the event. Header strings are immutable and may be kept.
// Pop every event after each Feed: the queue holds what that Feed produced.
package http2

package http2

// Header is one header or trailer field. Names are lowercase in HTTP/2
// (RFC 9113 §8.2.1). The strings come from the HPACK decoder and are never
// modified, so an application may keep them as long as it likes.
type Header struct {
	Name, Value string
}

// EventKind tells which fields of an Event are meaningful.
type EventKind uint8

// Event kinds.
const (
	// EventRequestHeaders: a new request on Stream. Method, Scheme,
	// Authority, Path, Protocol (extended CONNECT only), Headers (regular
	// fields, in order; pseudo-headers removed), ContentLength (-1 when
	// absent) and EndStream (no body follows) are set.
	EventRequestHeaders EventKind = iota + 1
	// EventRequestData: a piece of the request body on Stream in Data,
	// possibly empty when only EndStream is being reported. The
	// application calls ConsumeData once it has processed the bytes.
	EventRequestData
	// EventRequestTrailers: the request's trailer fields in Headers; the
	// request ends with them (EndStream is always true).
	EventRequestTrailers
	// EventStreamReset: Stream is gone. Remote reports whether the peer
	// sent RST_STREAM; otherwise the Conn reset it for a stream error
	// (Code, Reason) after the application had seen its headers. Nothing
	// more can be written to the stream.
	EventStreamReset
	// EventGoAway: the peer sent GOAWAY (RFC 9113 §6.8) with LastStreamID,
	// Code and DebugData. The Conn keeps serving open streams; Closed
	// reports when they are done.
	EventGoAway
	// EventPingAck: the peer answered a PING the transport sent with Ping;
	// PingData is its payload.
	EventPingAck
	// EventDrained: data that WriteData had to queue for Stream (its flow
	// control windows were too small) has now all been framed into
	// Pending; Buffered(Stream) is zero. Transports that apply
	// backpressure to a handler resume it on this event.
	EventDrained
)

var eventKindNames = [...]string{
	"invalid", "RequestHeaders", "RequestData", "RequestTrailers",
	"StreamReset", "GoAway", "PingAck", "Drained",
}

// String returns the kind's name without the Event prefix.
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return "invalid"
}

// Event is one thing that happened on the connection, as returned by
// NextEvent. Only the fields its Kind documents are set.
//
// Headers, Data and DebugData point into memory owned by the Conn. They
// stay valid at least until the first call to Feed after NextEvent
// returned the event; copy what must live longer.
type Event struct {
	Kind   EventKind
	Stream uint32

	// Request head (EventRequestHeaders).
	Method, Scheme, Authority, Path string
	// Protocol is the :protocol pseudo-header of an extended CONNECT
	// request (RFC 8441 §4); empty otherwise.
	Protocol string
	// ContentLength is the content-length field's value, or -1.
	ContentLength int64

	// Headers holds header fields (EventRequestHeaders) or trailer fields
	// (EventRequestTrailers).
	Headers []Header
	// Data is request body bytes (EventRequestData).
	Data []byte
	// EndStream reports that the client has finished sending the request.
	EndStream bool

	// Code is the error code of EventStreamReset and EventGoAway.
	Code ErrCode
	// Remote distinguishes a reset sent by the peer (true) from one the
	// Conn made (EventStreamReset).
	Remote bool
	// Reason explains a reset the Conn made; empty for remote resets.
	Reason string

	// LastStreamID and DebugData come from a received GOAWAY.
	LastStreamID uint32
	DebugData    []byte

	// PingData is the payload of an acknowledged PING.
	PingData [8]byte
}

package http2

// Protocol constants from RFC 9113.
const (
	// frameHeaderLen is the fixed frame header size (RFC 9113 §4.1).
	frameHeaderLen = 9
	// minMaxFrameSize and maxMaxFrameSize bound SETTINGS_MAX_FRAME_SIZE
	// (RFC 9113 §6.5.2).
	minMaxFrameSize = 1 << 14
	maxMaxFrameSize = 1<<24 - 1
	// maxWindow is the largest flow-control window (RFC 9113 §6.9.1).
	maxWindow = 1<<31 - 1
	// defaultWindow is the initial window of every stream and of the
	// connection until SETTINGS say otherwise (RFC 9113 §6.9.2).
	defaultWindow = 65535
	// headerTableSize is the HPACK dynamic table size both directions use;
	// 4096 is the SETTINGS_HEADER_TABLE_SIZE default, so we never
	// announce it.
	headerTableSize = 4096
)

// Defaults for Config fields left at zero.
const (
	DefaultMaxConcurrentStreams   = 100
	DefaultInitialWindowSize      = 256 << 10
	DefaultConnWindowSize         = 1 << 20
	DefaultMaxFrameSize           = minMaxFrameSize
	DefaultMaxHeaderListSize      = 16 << 10
	DefaultMaxEarlyResets         = 200
	DefaultMaxQueuedControlFrames = 10000
)

// Config sets a Conn's limits. Zero fields take the Default* values; the
// result is what the Conn announces in its SETTINGS frame.
type Config struct {
	// MaxConcurrentStreams is SETTINGS_MAX_CONCURRENT_STREAMS: how many
	// streams the client may have open (or half-closed) at once. A HEADERS
	// frame opening one more is answered with RST_STREAM(REFUSED_STREAM)
	// (RFC 9113 §5.1.2).
	MaxConcurrentStreams uint32
	// InitialWindowSize is SETTINGS_INITIAL_WINDOW_SIZE: how many request
	// body bytes a client may send on a stream before the application
	// consumes them (ConsumeData). At most 2^31-1.
	InitialWindowSize uint32
	// ConnWindowSize is the connection-level receive window: how many
	// request body bytes the application may leave unconsumed across all
	// streams. It bounds the body memory a connection can pin. Values
	// below 65535 (the RFC 9113 §6.9.2 initial value, which cannot be
	// shrunk) are raised to it. At most 2^31-1.
	ConnWindowSize uint32
	// MaxFrameSize is SETTINGS_MAX_FRAME_SIZE, the largest frame payload
	// accepted; clamped to [16384, 16777215] (RFC 9113 §6.5.2). Larger
	// frames are a connection error of type FRAME_SIZE_ERROR (§4.2).
	MaxFrameSize uint32
	// MaxHeaderListSize is SETTINGS_MAX_HEADER_LIST_SIZE: the largest
	// decoded header (or trailer) list, counted as RFC 9113 §6.5.2 does
	// (name + value + 32 bytes per field). A request over it is answered
	// with 431 by the Conn itself; the application never sees it.
	MaxHeaderListSize uint32
	// MaxHeaderBlockBytes bounds the encoded header block of one HEADERS
	// frame and its CONTINUATION frames, counting 9 bytes per frame on top
	// of the payload so that empty CONTINUATION frames cost something.
	// Exceeding it is a connection error of type ENHANCE_YOUR_CALM. It
	// defaults to twice MaxHeaderListSize (and is never below
	// MaxHeaderListSize): an honest encoder never needs more bytes than
	// the decoded list counts.
	MaxHeaderBlockBytes uint32
	// MaxBodyBytes bounds a request body (the DATA payload sum). Zero
	// means no limit: bodies are streamed, never buffered whole. A body
	// declared (content-length) or found to be larger is answered with
	// 413 if the response has not started, and the stream is reset.
	MaxBodyBytes int64
	// MaxEarlyResets bounds the rapid-reset score (CVE-2023-44487). The
	// score grows by one for each stream the client resets before its
	// response ended, for each stream refused for exceeding
	// MaxConcurrentStreams and for each request rejected as malformed or
	// too large (431, 413), and shrinks by one (never below zero) for each
	// response completed. Passing the bound is a connection error
	// of type ENHANCE_YOUR_CALM.
	MaxEarlyResets int
	// MaxQueuedControlFrames bounds the frames the Conn generated in
	// answer to the peer (SETTINGS ACK, PING ACK, RST_STREAM) that sit in
	// the output the transport has not consumed yet. Passing it is a
	// connection error of type ENHANCE_YOUR_CALM (a SETTINGS or PING flood
	// from a peer that does not read). Answers to one Feed call cannot be
	// drained before it returns, so keep it above the read size / 9 (the
	// smallest such frame); the default suits reads up to 64 KiB.
	MaxQueuedControlFrames int
	// EnableConnectProtocol announces SETTINGS_ENABLE_CONNECT_PROTOCOL
	// (RFC 8441 §3) and accepts extended CONNECT requests carrying the
	// :protocol pseudo-header.
	EnableConnectProtocol bool
}

// normalized fills defaults and clamps values into the ranges RFC 9113
// allows, so the rest of the package can trust them.
func (c Config) normalized() Config {
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	if c.InitialWindowSize == 0 {
		c.InitialWindowSize = DefaultInitialWindowSize
	}
	c.InitialWindowSize = min(c.InitialWindowSize, maxWindow)
	if c.ConnWindowSize == 0 {
		c.ConnWindowSize = DefaultConnWindowSize
	}
	c.ConnWindowSize = min(max(c.ConnWindowSize, defaultWindow), maxWindow)
	if c.MaxFrameSize == 0 {
		c.MaxFrameSize = DefaultMaxFrameSize
	}
	c.MaxFrameSize = min(max(c.MaxFrameSize, minMaxFrameSize), maxMaxFrameSize)
	if c.MaxHeaderListSize == 0 {
		c.MaxHeaderListSize = DefaultMaxHeaderListSize
	}
	if c.MaxHeaderBlockBytes == 0 {
		c.MaxHeaderBlockBytes = uint32(min(2*uint64(c.MaxHeaderListSize), 1<<30))
	}
	c.MaxHeaderBlockBytes = max(c.MaxHeaderBlockBytes, c.MaxHeaderListSize)
	if c.MaxBodyBytes < 0 {
		c.MaxBodyBytes = 0
	}
	if c.MaxEarlyResets <= 0 {
		c.MaxEarlyResets = DefaultMaxEarlyResets
	}
	if c.MaxQueuedControlFrames <= 0 {
		c.MaxQueuedControlFrames = DefaultMaxQueuedControlFrames
	}
	return c
}

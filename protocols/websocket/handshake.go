package websocket

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/fasterapi/fasterapi/protocols/http1"
)

// HandshakeOptions configures what the server agrees to during the opening
// handshake. The zero value accepts plain WebSocket connections without
// compression.
type HandshakeOptions struct {
	// Deflate accepts permessage-deflate (RFC 7692) when the client offers
	// it.
	Deflate bool
	// ServerContextTakeover keeps the server's compression context from
	// one message to the next when the client allows it. That compresses
	// better, but the Conn must then own a flate.Writer (1.2 MB at
	// BestSpeed, 0.8 MB at higher levels) for its whole life. When false
	// the server answers server_no_context_takeover, which RFC 7692
	// §7.1.1.1 lets it do unasked, and compresses with pooled writers.
	ServerContextTakeover bool
	// ClientContextTakeover lets the client keep its compression context.
	// The Conn then keeps the last 32 KiB of received data as the
	// decompression dictionary. When false the server answers
	// client_no_context_takeover (RFC 7692 §7.1.1.2) and keeps nothing.
	ClientContextTakeover bool
}

// Handshake is an accepted opening handshake.
type Handshake struct {
	// Accept is the Sec-WebSocket-Accept value (RFC 6455 §4.2.2); empty
	// for an RFC 8441 handshake, which has no key.
	Accept string
	// Subprotocols lists the Sec-WebSocket-Protocol values the client
	// offered, in order of preference (RFC 6455 §4.2.1, §11.3.4). The
	// application picks at most one of them.
	Subprotocols []string
	// Deflate is the negotiated permessage-deflate configuration; pass it
	// to NewConn in Config.Deflate.
	Deflate DeflateParams
}

// HandshakeError rejects an opening handshake. The transport answers with
// AppendHandshakeError (HTTP/1.1) or with Status and AppendErrorFields
// (HTTP/2).
type HandshakeError struct {
	// Status is the HTTP status code: 400, 405 (wrong method), or 426
	// (not a WebSocket upgrade, or an unsupported Sec-WebSocket-Version).
	Status int `json:"status"`
	// Reason is a short English sentence, safe to show to the client.
	Reason string `json:"detail"`

	allow string // the method a 405 response advertises in Allow
}

// Error implements the error interface.
func (e *HandshakeError) Error() string {
	return "websocket: handshake " + strconv.Itoa(e.Status) + " " + e.Reason
}

func handshakeError(status int, reason string) *HandshakeError {
	return &HandshakeError{Status: status, Reason: reason}
}

// keyGUID is appended to Sec-WebSocket-Key before hashing (RFC 6455 §1.3).
const keyGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// keyLen is the length of a base64-encoded 16-byte key (RFC 6455 §4.1).
const keyLen = 24

// strictBase64 refuses non-canonical encodings (non-zero padding bits),
// which no conforming client produces.
var strictBase64 = base64.StdEncoding.Strict()

// fields collects the header fields the handshake reads, from either an
// HTTP/1.1 request or an HTTP/2 header list.
type fields struct {
	version, key     []byte
	versions, keys   int
	protocols        [][]byte
	extensions       [][]byte
	upgrade, connUpg bool
}

// add records one header field.
func (f *fields) add(name, value []byte) {
	switch len(name) {
	case 7:
		if http1.EqualFold(name, "upgrade") {
			// Upgrade lists protocol[/version] (RFC 9110 §7.8); RFC 6455
			// §4.2.1 wants the keyword "websocket" among them.
			f.upgrade = f.upgrade || containsToken(value, "websocket")
		}
	case 10:
		if http1.EqualFold(name, "connection") {
			f.connUpg = f.connUpg || containsToken(value, "upgrade")
		}
	case 17:
		if http1.EqualFold(name, "sec-websocket-key") {
			f.key = value
			f.keys++
		}
	case 21:
		if http1.EqualFold(name, "sec-websocket-version") {
			f.version = value
			f.versions++
		}
	case 22:
		if http1.EqualFold(name, "sec-websocket-protocol") {
			f.protocols = append(f.protocols, value)
		}
	case 24:
		if http1.EqualFold(name, "sec-websocket-extensions") {
			f.extensions = append(f.extensions, value)
		}
	}
}

// checkVersion enforces Sec-WebSocket-Version: 13 (RFC 6455 §4.2.1 item
// 6). Anything else gets 426 with the version we speak (§4.2.2).
func (f *fields) checkVersion() *HandshakeError {
	if f.versions != 1 || string(f.version) != "13" {
		return handshakeError(426, "unsupported Sec-WebSocket-Version; this server speaks 13")
	}
	return nil
}

// finish validates the subprotocol list and negotiates extensions.
func (f *fields) finish(hs *Handshake, opts HandshakeOptions) *HandshakeError {
	for _, v := range f.protocols {
		for e, rest, ok := nextElement(v); ok; e, rest, ok = nextElement(rest) {
			if len(e) == 0 {
				continue
			}
			// RFC 6455 §4.1: each value is a token.
			if !isToken(e) {
				return handshakeError(400, "invalid Sec-WebSocket-Protocol")
			}
			hs.Subprotocols = append(hs.Subprotocols, string(e))
		}
	}
	if opts.Deflate {
		hs.Deflate = negotiateDeflate(f.extensions, opts)
	}
	return nil
}

// Accept validates an HTTP/1.1 opening handshake (RFC 6455 §4.2.1) and
// computes what the 101 response needs (§4.2.2). The checks, in order:
// method GET (else 405), HTTP/1.1 (400), a Host field (400), Upgrade
// listing "websocket" and Connection listing "upgrade", case-insensitively
// (426, because the client did not ask to upgrade), Sec-WebSocket-Version
// 13 (426), and exactly one Sec-WebSocket-Key that is the base64 encoding
// of 16 bytes (400). Sec-WebSocket-Protocol values must be tokens (400).
//
// All header lines are examined, so a field split over several lines (or
// a list spread over them) counts as a whole. Origin is not checked: it
// is available in req.Headers for the application to decide (§10.2).
func Accept(req *http1.Request, opts HandshakeOptions) (Handshake, *HandshakeError) {
	if string(req.Method) != "GET" {
		return Handshake{}, &HandshakeError{Status: 405, Reason: "a WebSocket handshake must use GET", allow: "GET"}
	}
	if req.ProtoMinor != 1 {
		return Handshake{}, handshakeError(400, "a WebSocket handshake requires HTTP/1.1")
	}
	if req.Host == nil {
		return Handshake{}, handshakeError(400, "missing Host header field")
	}
	var f fields
	for _, h := range req.Headers {
		f.add(h.Name, h.Value)
	}
	if !f.upgrade {
		return Handshake{}, handshakeError(426, "Upgrade header field must list websocket")
	}
	if !f.connUpg {
		return Handshake{}, handshakeError(426, "Connection header field must list upgrade")
	}
	if e := f.checkVersion(); e != nil {
		return Handshake{}, e
	}
	if f.keys != 1 || !validKey(f.key) {
		return Handshake{}, handshakeError(400, "Sec-WebSocket-Key must be one base64-encoded 16-byte value")
	}
	hs := Handshake{Accept: acceptKey(f.key)}
	if e := f.finish(&hs, opts); e != nil {
		return Handshake{}, e
	}
	return hs, nil
}

func validKey(key []byte) bool {
	if len(key) != keyLen {
		return false
	}
	var raw [18]byte
	n, err := strictBase64.Decode(raw[:], key)
	return err == nil && n == 16
}

// acceptKey computes Sec-WebSocket-Accept: base64(SHA-1(key + GUID))
// (RFC 6455 §4.2.2 item 5.4).
func acceptKey(key []byte) string {
	var buf [keyLen + len(keyGUID)]byte
	n := copy(buf[:], key)
	n += copy(buf[n:], keyGUID)
	sum := sha1.Sum(buf[:n])
	return base64.StdEncoding.EncodeToString(sum[:])
}

// AppendHandshakeResponse appends the 101 Switching Protocols response
// that completes an accepted handshake (RFC 6455 §4.2.2): Upgrade,
// Connection, Sec-WebSocket-Accept, then Sec-WebSocket-Protocol when
// subprotocol is non-empty, Sec-WebSocket-Extensions when permessage-deflate
// was negotiated, then extraHeaders, then the empty line.
//
// subprotocol must be one of hs.Subprotocols: a client fails the
// connection on any other (§4.1), so another value is left out rather
// than sent. An extra header is skipped when its name is not a token,
// its value contains CR, LF or NUL, or its name is one of the fields this
// function writes itself.
func AppendHandshakeResponse(dst []byte, hs Handshake, subprotocol string, extraHeaders [][2]string) []byte {
	dst = append(dst, "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"...)
	if hs.Accept != "" {
		dst = append(dst, "sec-websocket-accept: "...)
		dst = append(dst, hs.Accept...)
		dst = append(dst, "\r\n"...)
	}
	if subprotocol != "" && slices.Contains(hs.Subprotocols, subprotocol) {
		dst = append(dst, "sec-websocket-protocol: "...)
		dst = append(dst, subprotocol...)
		dst = append(dst, "\r\n"...)
	}
	if hs.Deflate.Enabled {
		dst = append(dst, "sec-websocket-extensions: "...)
		dst = appendDeflateResponse(dst, hs.Deflate)
		dst = append(dst, "\r\n"...)
	}
	for _, h := range extraHeaders {
		if !isTokenString(h[0]) || !validFieldValue(h[1]) || reservedResponseField(h[0]) {
			continue
		}
		dst = append(dst, h[0]...)
		dst = append(dst, ": "...)
		dst = append(dst, h[1]...)
		dst = append(dst, "\r\n"...)
	}
	return append(dst, "\r\n"...)
}

// reservedResponseField reports the fields AppendHandshakeResponse owns.
func reservedResponseField(name string) bool {
	return equalFoldString(name, "upgrade") || equalFoldString(name, "connection") ||
		equalFoldString(name, "sec-websocket-accept") || equalFoldString(name, "sec-websocket-protocol") ||
		equalFoldString(name, "sec-websocket-extensions")
}

// AppendErrorFields appends the header fields a rejection must carry
// besides its status: Sec-WebSocket-Version: 13 for 426 (RFC 6455 §4.2.2)
// and Allow for 405 (RFC 9110 §15.5.6). An HTTP/2 transport sends them
// with :status e.Status; AppendHandshakeError uses them for HTTP/1.1.
func AppendErrorFields(dst [][2]string, e *HandshakeError) [][2]string {
	switch e.Status {
	case 405:
		if e.allow != "" {
			dst = append(dst, [2]string{"allow", e.allow})
		}
	case 426:
		dst = append(dst, [2]string{"sec-websocket-version", "13"})
	}
	return dst
}

// AppendHandshakeError appends a complete HTTP/1.1 response rejecting a
// handshake: status e.Status, the fields of AppendErrorFields, for 426
// also "upgrade: websocket" (RFC 9110 §15.5.22 requires Upgrade there),
// "connection: Upgrade, close", and the JSON body {"detail": e.Reason} in
// the shape http1.AppendErrorResponse uses. The connection is closed after
// it. server and date are written as in http1.AppendResponseHead.
func AppendHandshakeError(dst []byte, e *HandshakeError, server, date []byte) []byte {
	body, err := json.Marshal(struct {
		Detail string `json:"detail"`
	}{e.Reason})
	if err != nil {
		body = []byte(`{"detail":"bad WebSocket handshake"}`)
	}
	var extra []byte
	var fieldBuf [2][2]string
	for _, f := range AppendErrorFields(fieldBuf[:0], e) {
		extra = append(extra, f[0]...)
		extra = append(extra, ": "...)
		extra = append(extra, f[1]...)
		extra = append(extra, "\r\n"...)
	}
	extra = append(extra, "content-type: application/json\r\n"...)
	keepAlive := false
	if e.Status == 426 {
		// Write our own Connection field so it can carry both options.
		extra = append(extra, "upgrade: websocket\r\nconnection: Upgrade, close\r\n"...)
		keepAlive = true
	}
	dst = http1.AppendResponseHead(dst, e.Status, server, date, int64(len(body)), keepAlive, extra)
	return append(dst, body...)
}

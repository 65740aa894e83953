package websocket

import "github.com/fasterapi/fasterapi/protocols/http1"

import "strconv"

// DeflateParams is the outcome of negotiating permessage-deflate
// (RFC 7692 §7.1). The zero value means the extension is not in use.
type DeflateParams struct {
	// Enabled reports that the extension was accepted: messages may carry
	// RSV1 ("Per-Message Compressed", RFC 7692 §6) in both directions.
	Enabled bool
	// ServerNoContextTakeover: the server resets its compressor for every
	// message (§7.1.1.1). Set when the client asked for it, or when the
	// server chose it (HandshakeOptions.ServerContextTakeover false).
	ServerNoContextTakeover bool
	// ClientNoContextTakeover: the client resets its compressor for every
	// message, so the server needs no decompression context between
	// messages (§7.1.1.2). Set when the client offered it, or when the
	// server chose it (HandshakeOptions.ClientContextTakeover false).
	ClientNoContextTakeover bool
	// ServerMaxWindowBits is the server_max_window_bits value (8-15) the
	// client asked for and the server echoed (§7.1.2.1), or 0 when the
	// client set no limit (a 32 KiB window, 15 bits). Below 15 the Conn
	// compresses in runs of 2^ServerMaxWindowBits bytes; see the package
	// documentation.
	ServerMaxWindowBits int
	// ClientMaxWindowBits is the client_max_window_bits value the client
	// announced (§7.1.2.2): 8-15, 15 when offered without a value, 0 when
	// absent. It is informational and never echoed: compress/flate
	// inflates any window up to 32 KiB, so the server has no reason to
	// restrict the client's.
	ClientMaxWindowBits int
}

// serverWindowBits is the LZ77 window the server's compressor may use.
func (p DeflateParams) serverWindowBits() int {
	if p.ServerMaxWindowBits == 0 {
		return 15
	}
	return p.ServerMaxWindowBits
}

// negotiateDeflate picks the first acceptable permessage-deflate offer
// from the Sec-WebSocket-Extensions field values (RFC 6455 §9.1, RFC 7692
// §5, §7.1). The server can honour every parameter, so an offer is
// declined only when it is malformed: an unknown or duplicated parameter
// or an invalid value (§7.1, "MUST decline"). Other extensions are
// ignored; a malformed element fails nothing but itself.
func negotiateDeflate(values [][]byte, opts HandshakeOptions) DeflateParams {
	for _, v := range values {
		for rest := v; ; {
			i := indexUnquoted(rest, ',')
			if p, ok := parseDeflateOffer(rest[:i]); ok {
				p.Enabled = true
				p.ServerNoContextTakeover = p.ServerNoContextTakeover || !opts.ServerContextTakeover
				p.ClientNoContextTakeover = p.ClientNoContextTakeover || !opts.ClientContextTakeover
				return p
			}
			if i == len(rest) {
				break
			}
			rest = rest[i+1:]
		}
	}
	return DeflateParams{}
}

// parseDeflateOffer parses one extension element, extension =
// extension-token *( ";" extension-param ) (RFC 6455 §9.1), and reports
// whether it is a well-formed permessage-deflate offer.
func parseDeflateOffer(elem []byte) (p DeflateParams, ok bool) {
	i := indexUnquoted(elem, ';')
	if !http1.EqualFold(trimOWS(elem[:i]), "permessage-deflate") {
		return p, false
	}
	var serverNCT, clientNCT bool
	for rest := elem[i:]; len(rest) > 0; {
		rest = rest[1:] // the ';'
		j := indexUnquoted(rest, ';')
		name, value, hasValue, valid := splitParam(rest[:j])
		rest = rest[j:]
		if !valid {
			return p, false
		}
		switch {
		case http1.EqualFold(name, "server_no_context_takeover"):
			if hasValue || serverNCT {
				return p, false
			}
			serverNCT, p.ServerNoContextTakeover = true, true
		case http1.EqualFold(name, "client_no_context_takeover"):
			if hasValue || clientNCT {
				return p, false
			}
			clientNCT, p.ClientNoContextTakeover = true, true
		case http1.EqualFold(name, "server_max_window_bits"):
			bits := windowBits(value)
			if !hasValue || bits == 0 || p.ServerMaxWindowBits != 0 {
				return p, false
			}
			p.ServerMaxWindowBits = bits
		case http1.EqualFold(name, "client_max_window_bits"):
			bits := 15
			if hasValue {
				bits = windowBits(value)
			}
			if bits == 0 || p.ClientMaxWindowBits != 0 {
				return p, false
			}
			p.ClientMaxWindowBits = bits
		default:
			return p, false
		}
	}
	return p, true
}

// splitParam parses extension-param = token [ "=" (token | quoted-string) ]
// with optional whitespace around the "=". A quoted value is returned
// unquoted; RFC 6455 §9.1 requires it to be a token once unquoted. The
// values defined for permessage-deflate are digits, which never need a
// quoted-pair, so a value using one is refused rather than unescaped.
func splitParam(param []byte) (name, value []byte, hasValue, ok bool) {
	eq := len(param)
	for i, c := range param {
		if c == '=' {
			eq = i
			break
		}
	}
	name = trimOWS(param[:eq])
	if !isToken(name) {
		return nil, nil, false, false
	}
	if eq == len(param) {
		return name, nil, false, true
	}
	value = trimOWS(param[eq+1:])
	if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
		value = value[1 : len(value)-1]
		for _, c := range value {
			if c == '\\' || c == '"' {
				return nil, nil, false, false
			}
		}
	}
	return name, value, true, isToken(value)
}

// windowBits parses a window size value, a decimal integer from 8 to 15
// without leading zeros (RFC 7692 §7.1.2), returning 0 if it is not one.
func windowBits(v []byte) int {
	switch {
	case len(v) == 1 && (v[0] == '8' || v[0] == '9'):
		return int(v[0] - '0')
	case len(v) == 2 && v[0] == '1' && '0' <= v[1] && v[1] <= '5':
		return 10 + int(v[1]-'0')
	}
	return 0
}

// appendDeflateResponse appends the accepted extension for the
// Sec-WebSocket-Extensions response field (RFC 7692 §5).
func appendDeflateResponse(dst []byte, p DeflateParams) []byte {
	dst = append(dst, "permessage-deflate"...)
	if p.ServerNoContextTakeover {
		dst = append(dst, "; server_no_context_takeover"...)
	}
	if p.ClientNoContextTakeover {
		dst = append(dst, "; client_no_context_takeover"...)
	}
	if p.ServerMaxWindowBits != 0 {
		dst = append(dst, "; server_max_window_bits="...)
		dst = strconv.AppendInt(dst, int64(p.ServerMaxWindowBits), 10)
	}
	return dst
}

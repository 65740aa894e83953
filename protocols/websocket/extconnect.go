package websocket

// AcceptExtendedConnect validates a WebSocket bootstrapped over HTTP/2
// with the extended CONNECT method (RFC 8441 §4, §5). headers is the
// request's decoded header list as name/value pairs, pseudo-header fields
// (:method, :protocol, :scheme, :path, :authority) included, in the same
// shape as the fields AppendExtendedConnectResponse returns. Names are
// lower-case in HTTP/2 (RFC 9113 §8.2.1); they are compared
// case-insensitively anyway. The HTTP/2 layer is responsible for having
// sent SETTINGS_ENABLE_CONNECT_PROTOCOL and for HTTP/2's own header rules.
//
// The checks, in order: :method CONNECT (else 405), :protocol websocket
// (400), non-empty :scheme, :path and :authority (400; RFC 8441 §4 makes
// them mandatory for this CONNECT form), Sec-WebSocket-Version 13 (426).
// Sec-WebSocket-Key and Sec-WebSocket-Accept are not used (§5), nor are
// Upgrade and Connection, which HTTP/2 forbids. Subprotocols and
// permessage-deflate are negotiated as in Accept, and framing, masking
// included, is unchanged on the stream.
//
// The returned Handshake has an empty Accept. Answer with :status 200 and
// the fields from AppendExtendedConnectResponse.
func AcceptExtendedConnect(headers [][2]string, opts HandshakeOptions) (Handshake, *HandshakeError) {
	var method, protocol, scheme, path, authority string
	var f fields
	for _, h := range headers {
		name, value := h[0], h[1]
		if len(name) > 0 && name[0] == ':' {
			switch {
			case equalFoldString(name, ":method"):
				method = value
			case equalFoldString(name, ":protocol"):
				protocol = value
			case equalFoldString(name, ":scheme"):
				scheme = value
			case equalFoldString(name, ":path"):
				path = value
			case equalFoldString(name, ":authority"):
				authority = value
			}
			continue
		}
		if interesting(name) {
			f.add([]byte(name), []byte(value))
		}
	}
	if method != "CONNECT" {
		return Handshake{}, &HandshakeError{Status: 405, Reason: "a WebSocket over HTTP/2 must use the extended CONNECT method", allow: "CONNECT"}
	}
	if !equalFoldString(protocol, "websocket") {
		return Handshake{}, handshakeError(400, ":protocol must be websocket")
	}
	if len(scheme) == 0 || len(path) == 0 || len(authority) == 0 {
		return Handshake{}, handshakeError(400, "extended CONNECT requires :scheme, :path and :authority")
	}
	if e := f.checkVersion(); e != nil {
		return Handshake{}, e
	}
	var hs Handshake
	if e := f.finish(&hs, opts); e != nil {
		return Handshake{}, e
	}
	return hs, nil
}

// AppendExtendedConnectResponse appends the header fields of the 2xx
// response accepting an RFC 8441 handshake: ":status: 200", then
// sec-websocket-protocol when subprotocol is one of hs.Subprotocols (any
// other value is left out, as in AppendHandshakeResponse) and
// sec-websocket-extensions when permessage-deflate was negotiated.
func AppendExtendedConnectResponse(dst [][2]string, hs Handshake, subprotocol string) [][2]string {
	dst = append(dst, [2]string{":status", "200"})
	for _, p := range hs.Subprotocols {
		if subprotocol != "" && p == subprotocol {
			dst = append(dst, [2]string{"sec-websocket-protocol", subprotocol})
			break
		}
	}
	if hs.Deflate.Enabled {
		dst = append(dst, [2]string{"sec-websocket-extensions", string(appendDeflateResponse(nil, hs.Deflate))})
	}
	return dst
}

// interesting reports the fields fields.add records, so the others are not
// copied into byte slices.
func interesting(name string) bool {
	switch len(name) {
	case 7, 10, 17, 21, 22, 24:
		return true
	}
	return false
}

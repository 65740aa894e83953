package http2

import (
	"encoding/base64"
	"strings"
)

// switchingProtocols is the HTTP/1.1 response that accepts an h2c upgrade
// (RFC 7540 §3.2); the server's connection preface follows it.
const switchingProtocols = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"

// RequestHead is an HTTP/1.1 request that asked to upgrade to h2c, as the
// HTTP/1.1 layer parsed it. The transport must have read the whole request,
// body included, before upgrading (RFC 7540 §3.2).
type RequestHead struct {
	Method string
	// Scheme defaults to "http".
	Scheme string
	// Authority defaults to the Host field.
	Authority string
	// Path is the request-target in origin or asterisk form.
	Path string
	// Headers are the request's fields. Names may use any case;
	// hop-by-hop fields (connection, upgrade, http2-settings, keep-alive,
	// transfer-encoding, te, proxy-connection) and host are left out of the
	// event.
	Headers []Header
	// Body is the complete request body; it is copied.
	Body []byte
}

// NewConnFromUpgrade starts HTTP/2 on a connection whose HTTP/1.1 request
// carried "Upgrade: h2c" (RFC 7540 §3.2; RFC 9113 §3.1 deprecates the
// mechanism but clients still use it). settings is the decoded
// HTTP2-Settings field (see DecodeSettingsHeader): it is applied as the
// client's first SETTINGS and needs no ACK (RFC 7540 §3.2.1).
//
// Pending starts with the "101 Switching Protocols" response, followed by
// the server preface. The request becomes stream 1, half-closed (remote):
// its EventRequestHeaders (and one EventRequestData for a non-empty body)
// are queued already. Feed then expects the client connection preface.
func NewConnFromUpgrade(cfg Config, settings []byte, req RequestHead) (*Conn, error) {
	if len(settings)%6 != 0 || req.Method == "" || req.Path == "" {
		return nil, ErrBadSettings
	}
	c := newConn(cfg, switchingProtocols)
	if code, _ := c.applySettings(settings); code != ErrCodeNo {
		return nil, ErrBadSettings
	}
	c.maxClientID = 1
	s := c.newStream(1)
	s.state = stateHalfClosedRemote
	ev := Event{
		Kind:          EventRequestHeaders,
		Stream:        1,
		Method:        req.Method,
		Scheme:        req.Scheme,
		Authority:     req.Authority,
		Path:          req.Path,
		ContentLength: -1,
		EndStream:     len(req.Body) == 0,
	}
	if ev.Scheme == "" {
		ev.Scheme = "http"
	}
	for _, h := range req.Headers {
		name := strings.ToLower(h.Name)
		switch name {
		case "connection", "upgrade", "http2-settings", "keep-alive",
			"transfer-encoding", "te", "proxy-connection":
			continue
		case "host":
			if ev.Authority == "" {
				ev.Authority = h.Value
			}
			continue
		case "content-length":
			if n, ok := parseContentLength(h.Value); ok {
				ev.ContentLength = n
			}
		}
		c.hdrArena = append(c.hdrArena, Header{Name: name, Value: h.Value})
	}
	ev.Headers = c.hdrArena[:len(c.hdrArena):len(c.hdrArena)]
	c.pushEvent(ev)
	if len(req.Body) > 0 {
		// The body arrived over HTTP/1.1, outside flow control, so it
		// is not counted in s.held.
		c.dataArena = append(c.dataArena, req.Body...)
		n := len(c.dataArena)
		c.pushEvent(Event{Kind: EventRequestData, Stream: 1, Data: c.dataArena[:n:n], EndStream: true})
	}
	return c, nil
}

// DecodeSettingsHeader decodes the HTTP2-Settings field value of an h2c
// upgrade request: base64url, padding optional (RFC 7540 §3.2.1).
func DecodeSettingsHeader(value string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(value, "="))
	if err != nil || len(b)%6 != 0 {
		return nil, ErrBadSettings
	}
	return b, nil
}

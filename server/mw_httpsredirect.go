package server

import (
	"strconv"
	"strings"
)

// httpsRedirect is HTTPSRedirectMiddleware: http and ws requests are redirected (307) to the
// same URL in https or wss; port 80 or 443 is dropped.
func httpsRedirect(r *mwRequest) *mwAnswer {
	if r.scheme != "http" && r.scheme != "ws" {
		return nil
	}
	u := requestURL(r)
	if u.netloc == "" {
		return invalidHost()
	}
	u.scheme = map[string]string{"http": "https", "ws": "wss"}[r.scheme]
	if host, port, hasPort := u.hostPort(); hasPort && (port == 80 || port == 443) {
		u.netloc = host
	}
	return redirectAnswer(u.String())
}

// requestURLParts is Starlette's URL(scope=...) of a request: the Host field when it is
// valid, else the server's address (its port dropped when it is the scheme's default).
type requestURLParts struct {
	scheme, netloc, path, query string
}

func requestURL(r *mwRequest) requestURLParts {
	u := requestURLParts{scheme: r.scheme, query: r.query}
	// The decoded path, with the characters that would end it escaped (Starlette's URL).
	u.path = strings.NewReplacer("?", "%3F", "#", "%23", `\`, "%5C").Replace(r.path)
	if host, port, ok := parseHostHeader(r.host); ok && validPort(port) {
		u.netloc = host
		if port != "" {
			u.netloc += ":" + port
		}
	} else if r.localHost != "" {
		host := r.localHost
		if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
			host = "[" + host + "]"
		}
		u.netloc = host
		if r.localPort != defaultPort(r.scheme) {
			u.netloc += ":" + strconv.Itoa(r.localPort)
		}
	}
	return u
}

func defaultPort(scheme string) int {
	if scheme == "https" || scheme == "wss" {
		return 443
	}
	return 80
}

// hostPort is urllib's hostname and port of the netloc: the host lower-cased and without
// IPv6 brackets, and the port when there is a valid one.
func (u requestURLParts) hostPort() (host string, port int, ok bool) {
	host, portText := u.netloc, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host, portText = host[:i], host[i+1:]
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if portText == "" {
		return host, 0, false
	}
	n, err := strconv.Atoi(portText)
	return host, n, err == nil
}

// String is the URL as Starlette's RedirectResponse writes it in Location: quoted with
// urllib's quote(url, safe=":/%#?=@[]!$&'()*+,;").
func (u requestURLParts) String() string {
	s := u.scheme + "://" + u.netloc + u.path
	if u.query != "" {
		s += "?" + u.query
	}
	return quoteLocation(s)
}

// quoteLocation percent-encodes every byte but unreserved ones (RFC 3986 §2.3) and
// ":/%#?=@[]!$&'()*+,;", as Starlette's RedirectResponse does.
func quoteLocation(s string) string {
	const safe = ":/%#?=@[]!$&'()*+,;"
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-~", c) >= 0 ||
			strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// redirectAnswer is Starlette's RedirectResponse(url): 307, an empty body, Location.
func redirectAnswer(location string) *mwAnswer {
	return &mwAnswer{status: 307, head: appendField(nil, "location", location)}
}

package server

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// trustedHosts is TrustedHostMiddleware: requests whose Host is not allowed get 400
// "Invalid host header", or a redirect to "www." + host when only that is allowed.
type trustedHosts struct {
	AllowedHosts []string `json:"allowed_hosts"` // lower case; "*.example.com" patterns
	AllowAny     bool     `json:"allow_any"`
	WWWRedirect  bool     `json:"www_redirect"`
}

func newTrustedHosts(options []byte) (*trustedHosts, error) {
	t := &trustedHosts{}
	if err := json.Unmarshal(options, t); err != nil {
		return nil, fmt.Errorf("TrustedHostMiddleware options: %w", err)
	}
	return t, nil
}

var invalidHostBody = []byte("Invalid host header")

func invalidHost() *mwAnswer {
	return &mwAnswer{status: 400, head: plainType, body: invalidHostBody}
}

// check answers a request whose Host is not trusted; nil lets it through.
func (t *trustedHosts) check(r *mwRequest) *mwAnswer {
	if t.AllowAny {
		return nil
	}
	host, _, ok := parseHostHeader(r.host)
	if !ok {
		return invalidHost()
	}
	host = strings.ToLower(host)
	wwwRedirect := false
	for _, pattern := range t.AllowedHosts {
		if host == pattern || strings.HasPrefix(pattern, "*") && strings.HasSuffix(host, pattern[1:]) {
			return nil
		}
		if "www."+host == pattern {
			wwwRedirect = true
		}
	}
	if !wwwRedirect || !t.WWWRedirect {
		return invalidHost()
	}
	u := requestURL(r)
	u.netloc = "www." + u.netloc
	return redirectAnswer(u.String())
}

// hostPattern is Starlette's check of a Host field (RFC 9110 §7.2, RFC 3986 §3.2.2): a
// reg-name or IPv4 address, or an IP literal in brackets, then an optional port; characters
// that could change the URL's path or authority are refused.
var hostPattern = regexp.MustCompile(`(?i)^(?P<host>[a-z0-9._~%!$&'()*+,;=-]+|\[(?:(?P<ipv6>[a-f0-9]*:[a-f0-9.:]+)|` +
	`(?-i:v)[a-f0-9]+\.[a-z0-9._~!$&'()*+,;=:-]+)\])(?::(?P<port>[0-9]+))?$`)

// parseHostHeader splits a valid Host value into host (brackets kept) and port ("" when
// absent); ok is false for a missing or invalid one.
func parseHostHeader(v optString) (host, port string, ok bool) {
	if !v.ok {
		return "", "", false
	}
	m := hostPattern.FindStringSubmatch(v.v)
	if m == nil {
		return "", "", false
	}
	if ipv6 := m[2]; ipv6 != "" {
		if a, err := netip.ParseAddr(ipv6); err != nil || !a.Is6() {
			return "", "", false
		}
	}
	return m[1], m[3], true
}

// validPort is Starlette's ParsedHost.is_valid_port: at most five digits after leading zeros,
// at most 65535.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	p := strings.TrimLeft(port, "0")
	if len(p) > 5 {
		return false
	}
	n, _ := strconv.Atoi("0" + p)
	return n <= 65535
}

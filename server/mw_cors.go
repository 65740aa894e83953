package server

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// corsPolicy is CORSMiddleware (Fetch standard, "CORS protocol"), with the header sets the
// Python class worked out as Starlette does; this file applies them per request.
type corsPolicy struct {
	AllowOrigins        []string    `json:"allow_origins"`
	AllowMethods        []string    `json:"allow_methods"`
	AllowHeaders        []string    `json:"allow_headers"` // lower case
	AllowAllOrigins     bool        `json:"allow_all_origins"`
	AllowAllHeaders     bool        `json:"allow_all_headers"`
	AllowCredentials    bool        `json:"allow_credentials"`
	ExplicitOrigin      bool        `json:"explicit_origin"`
	AllowOriginRegex    *string     `json:"allow_origin_regex"`
	AllowPrivateNetwork bool        `json:"allow_private_network"`
	SimpleHeaders       [][2]string `json:"simple_headers"`
	PreflightHeaders    [][2]string `json:"preflight_headers"`
	originRegex         *regexp.Regexp
}

func newCORSPolicy(options []byte) (*corsPolicy, error) {
	p := &corsPolicy{}
	if err := json.Unmarshal(options, p); err != nil {
		return nil, fmt.Errorf("CORSMiddleware options: %w", err)
	}
	if p.AllowOriginRegex != nil {
		// Python's fullmatch: the whole origin must match.
		re, err := regexp.Compile(`^(?:` + *p.AllowOriginRegex + `)$`)
		if err != nil {
			return nil, fmt.Errorf("CORSMiddleware(allow_origin_regex=%q): the server's regular expressions "+
				"(Go's RE2 syntax: no lookaround or backreferences) cannot compile it: %w", *p.AllowOriginRegex, err)
		}
		p.originRegex = re
	}
	return p, nil
}

func (p *corsPolicy) allowedOrigin(origin string) bool {
	if p.AllowAllOrigins {
		return true
	}
	if p.originRegex != nil && p.originRegex.MatchString(origin) {
		return true
	}
	return slices.Contains(p.AllowOrigins, origin)
}

// isPreflight reports a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method.
func (p *corsPolicy) isPreflight(r *mwRequest) bool {
	return r.origin.ok && r.method == "OPTIONS" && r.acrMethod.ok
}

// preflight answers a preflight request: 200 "OK" with the preflight headers, or 400
// "Disallowed CORS ..." naming what is not allowed.
func (p *corsPolicy) preflight(r *mwRequest) *mwAnswer {
	var head []byte
	set := func(name, value string) { head = headSet(head, name, value) }
	for _, kv := range p.PreflightHeaders {
		head = appendField(head, kv[0], kv[1])
	}
	var failures []string
	if p.allowedOrigin(r.origin.v) {
		if p.ExplicitOrigin {
			set("access-control-allow-origin", r.origin.v)
		}
	} else {
		failures = append(failures, "origin")
	}
	if !slices.Contains(p.AllowMethods, r.acrMethod.v) {
		failures = append(failures, "method")
	}
	switch {
	case p.AllowAllHeaders && r.acrHeaders.ok:
		set("access-control-allow-headers", r.acrHeaders.v)
	case r.acrHeaders.ok:
		for h := range strings.SplitSeq(strings.ToLower(r.acrHeaders.v), ",") {
			if !slices.Contains(p.AllowHeaders, strings.TrimSpace(h)) {
				failures = append(failures, "headers")
				break
			}
		}
	}
	if r.acrPrivateNetwork.ok {
		if p.AllowPrivateNetwork {
			set("access-control-allow-private-network", "true")
		} else {
			failures = append(failures, "private-network")
		}
	}
	head = append(head, plainType...)
	if len(failures) > 0 {
		return &mwAnswer{status: 400, head: head, body: []byte("Disallowed CORS " + strings.Join(failures, ", "))}
	}
	return &mwAnswer{status: 200, head: head, body: []byte("OK")}
}

// simple adds the CORS fields to an answer that is not a preflight's.
func (p *corsPolicy) simple(head []byte, origin optString) []byte {
	if origin.ok {
		for _, kv := range p.SimpleHeaders {
			head = headSet(head, kv[0], kv[1])
		}
	}
	// With credentials the origin is echoed instead of '*' (Fetch: a credentialed response
	// must not say '*'); a listed origin is echoed too.
	if origin.ok && (p.AllowAllOrigins && p.AllowCredentials || !p.AllowAllOrigins && p.allowedOrigin(origin.v)) {
		head = headSet(head, "access-control-allow-origin", origin.v)
	}
	return headAddVary(head, "Origin")
}

package server

import (
	"fmt"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pyhost"
)

// The built-in middleware (fasterapi.middleware: CORS, GZip, TrustedHost, HTTPSRedirect) run
// here, in the order the app added them, as Starlette's stack: a request goes through their
// request phases outermost first, and one of them may answer it itself (a preflight, a
// refused Host, a redirect); the answer then goes back out through the response phases of the
// layers outside the one that answered (all of them for a route's answer), innermost first.
// This file is the pure part: what each layer decides, from the request's fields and the
// answer's status, header lines and body. The sessions call it only when the app has
// middleware, so an app without any pays nothing.

// mwKind names a middleware layer.
type mwKind int

const (
	mwCORS mwKind = iota
	mwCompress
	mwTrustedHost
	mwHTTPSRedirect
)

type mwLayer struct {
	kind  mwKind
	cors  *corsPolicy
	zip   *compressPolicy
	hosts *trustedHosts
}

// mwChain is the app's middleware, outermost first.
type mwChain struct {
	layers []mwLayer
}

// newMWChain builds the chain from the app's settings; nil when it has none.
func newMWChain(list []pyhost.Middleware) (*mwChain, error) {
	if len(list) == 0 {
		return nil, nil
	}
	ch := &mwChain{}
	for _, m := range list {
		var l mwLayer
		var err error
		switch m.Name {
		case "cors":
			l.kind = mwCORS
			l.cors, err = newCORSPolicy(m.Options)
		case "gzip":
			l.kind = mwCompress
			l.zip, err = newCompressPolicy(m.Options)
		case "trustedhost":
			l.kind = mwTrustedHost
			l.hosts, err = newTrustedHosts(m.Options)
		case "httpsredirect":
			l.kind = mwHTTPSRedirect
		default:
			err = fmt.Errorf("unknown built-in middleware %q", m.Name)
		}
		if err != nil {
			return nil, err
		}
		ch.layers = append(ch.layers, l)
	}
	return ch, nil
}

// optString is a request field that may be absent.
type optString struct {
	v  string
	ok bool
}

// mwRequest holds what the middleware read of a request: the first value of each field
// they look at, as Starlette's Headers.get gives it.
type mwRequest struct {
	method, scheme string
	path, query    string // path percent-decoded, query as sent
	host           optString
	origin         optString
	acrMethod      optString // Access-Control-Request-Method
	acrHeaders     optString // Access-Control-Request-Headers
	// acrPrivateNetwork is Access-Control-Request-Private-Network (Private Network Access).
	acrPrivateNetwork optString
	acceptEncoding    optString
	localHost         string
	localPort         int
}

// field records a request header the middleware read.
func (r *mwRequest) field(name, value []byte) {
	var slot *optString
	switch len(name) {
	case 4:
		if http1.EqualFold(name, "host") {
			slot = &r.host
		}
	case 6:
		if http1.EqualFold(name, "origin") {
			slot = &r.origin
		}
	case 15:
		if http1.EqualFold(name, "accept-encoding") {
			slot = &r.acceptEncoding
		}
	case 29:
		if http1.EqualFold(name, "access-control-request-method") {
			slot = &r.acrMethod
		}
	case 30:
		if http1.EqualFold(name, "access-control-request-headers") {
			slot = &r.acrHeaders
		}
	case 38:
		if http1.EqualFold(name, "access-control-request-private-network") {
			slot = &r.acrPrivateNetwork
		}
	}
	if slot != nil && !slot.ok {
		*slot = optString{string(value), true}
	}
}

// mwAnswer is an answer a middleware gives by itself.
type mwAnswer struct {
	status int
	head   []byte
	body   []byte
}

// mwExchange is the middleware state of one request, kept until its answer is written.
type mwExchange struct {
	chain *mwChain
	// depth: the layers chain.layers[:depth] see the answer (a layer that answered itself,
	// and those inside it, do not).
	depth  int
	origin optString
	coding coding
	// enc compresses a streamed body (nil: sent as it is).
	enc *bodyEncoder
	// websocket: a WebSocket handshake, which CORS and GZip leave alone (they are for
	// Starlette's "http" scopes only).
	websocket bool
}

// begin runs the request phases. A non-nil answer is the request's answer, already passed
// through the response phases of the layers outside the one that gave it. WebSocket
// handshakes see only TrustedHost and HTTPSRedirect, as in Starlette.
func (ch *mwChain) begin(r *mwRequest, websocket bool) (*mwExchange, *mwAnswer) {
	x := &mwExchange{chain: ch, depth: len(ch.layers), origin: r.origin, coding: chooseCoding(r.acceptEncoding),
		websocket: websocket}
	for i, l := range ch.layers {
		var a *mwAnswer
		switch l.kind {
		case mwTrustedHost:
			a = l.hosts.check(r)
		case mwHTTPSRedirect:
			a = httpsRedirect(r)
		case mwCORS:
			if !websocket && l.cors.isPreflight(r) {
				a = l.cors.preflight(r)
			}
		case mwCompress:
		}
		if a != nil {
			x.depth = i
			a.head, a.body = x.whole(a.status, a.head, a.body)
			return x, a
		}
	}
	return x, nil
}

// whole passes a complete answer through the response phases.
func (x *mwExchange) whole(status int, head, body []byte) ([]byte, []byte) {
	if x.websocket {
		return head, body
	}
	for i := x.depth - 1; i >= 0; i-- {
		switch l := &x.chain.layers[i]; l.kind {
		case mwCORS:
			head = l.cors.simple(head, x.origin)
		case mwCompress:
			head, body = l.zip.whole(x.coding, status, head, body)
		case mwTrustedHost, mwHTTPSRedirect:
		}
	}
	return head, body
}

// wholeHead is whole for an answer whose body, of size bytes, no layer compresses (see
// compresses): only the head changes.
func (x *mwExchange) wholeHead(status int, head []byte, size int) []byte {
	for i := x.depth - 1; i >= 0; i-- {
		switch l := &x.chain.layers[i]; l.kind {
		case mwCORS:
			head = l.cors.simple(head, x.origin)
		case mwCompress:
			if l.zip.varies(status, head, size) {
				head = headAddVary(head, "Accept-Encoding")
			}
		case mwTrustedHost, mwHTTPSRedirect:
		}
	}
	return head
}

// streamed passes the head of an answer whose body comes in pieces through the response
// phases, once its first piece is there; x.enc is then the body's encoder, if any.
func (x *mwExchange) streamed(status int, head []byte) []byte {
	for i := x.depth - 1; i >= 0; i-- {
		switch l := &x.chain.layers[i]; l.kind {
		case mwCORS:
			head = l.cors.simple(head, x.origin)
		case mwCompress:
			var enc *bodyEncoder
			head, enc = l.zip.stream(x.coding, status, head)
			if enc != nil {
				x.enc = enc
			}
		case mwTrustedHost, mwHTTPSRedirect:
		}
	}
	return head
}

// headOnly passes the head of an answer that has no body to send (a HEAD request's file, a
// 304) through the response phases: compression leaves it alone, as Starlette's does for an
// empty body.
func (x *mwExchange) headOnly(head []byte) []byte {
	for i := x.depth - 1; i >= 0; i-- {
		if l := &x.chain.layers[i]; l.kind == mwCORS {
			head = l.cors.simple(head, x.origin)
		}
	}
	return head
}

// compresses reports whether an answer with this status and head, whose body is at least
// size bytes, would be compressed by some layer.
func (x *mwExchange) compresses(status int, head []byte, size int) bool {
	if x.coding == codingIdentity {
		return false
	}
	for i := x.depth - 1; i >= 0; i-- {
		if l := &x.chain.layers[i]; l.kind == mwCompress && l.zip.varies(status, head, size) {
			return true
		}
	}
	return false
}

// release returns a streamed body's encoder that will not finish (the connection went away).
func (x *mwExchange) release() {
	if x != nil && x.enc != nil {
		x.enc.release()
		x.enc = nil
	}
}

package router

import (
	"sync"
)

// Router maps method and path to the handle of the first matching route, in
// registration order. The zero value is not ready; use New.
type Router struct {
	tree    tree
	routes  []route // by registration index
	methods methodTable
}

// route is one registered pattern.
type route struct {
	handle    int
	names     []string // parameter names, in the order values are captured
	mask      uint64   // methods, as bits of methodTable
	anyMethod bool     // registered without methods: matches every method
}

// Result says what Lookup found.
type Result int

const (
	// Found means a route matches path and method.
	Found Result = iota
	// NotFound means no route matches and no redirect would help.
	NotFound
	// MethodNotAllowed means routes match the path, none for this method.
	MethodNotAllowed
	// RedirectSlash means the path with its trailing slash toggled matches a
	// route for this method.
	RedirectSlash
)

// String returns the constant's name, for logs and test failures.
func (r Result) String() string {
	switch r {
	case Found:
		return "Found"
	case NotFound:
		return "NotFound"
	case MethodNotAllowed:
		return "MethodNotAllowed"
	case RedirectSlash:
		return "RedirectSlash"
	}
	return "Result(?)"
}

// New returns an empty Router.
func New() *Router {
	return &Router{tree: newTree()}
}

// Add registers pattern for methods under the caller's handle. Routes are
// matched in the order they are added. Methods are upper-cased; an empty
// list matches every method, like a Starlette route without methods. The
// error, a *PatternError, names the pattern and the problem. Add must not
// run concurrently with Lookup.
func (r *Router) Add(methods []string, pattern string, handle int) error {
	toks, names, err := parsePattern(pattern)
	if err != nil {
		return err
	}
	if len(r.routes) >= int(noRoute) {
		return &PatternError{Pattern: pattern, Problem: "too many routes"}
	}
	mask, problem := r.methods.maskOf(methods)
	if problem != "" {
		return &PatternError{Pattern: pattern, Problem: problem}
	}
	idx := int32(len(r.routes))
	r.routes = append(r.routes, route{
		handle:    handle,
		names:     names,
		mask:      mask,
		anyMethod: len(methods) == 0,
	})
	if mask != 0 {
		r.methods.prepare(mask)
	}
	r.tree.insert(toks, idx)
	return nil
}

// Lookup matches an already percent-decoded path for method.
//
// Found: handle is the route's, and params (if not nil) holds its values.
// MethodNotAllowed: routes match the path but none for method; allow lists
// the methods of all of them. RedirectSlash: nothing matches path, but the
// path with trailing slashes removed (or one added, if it has none) matches
// a route for method; that path is appended to redirect and returned as
// redirectPath, still decoded. Redirects are never offered for "/". NotFound
// otherwise. Outside Found, handle is -1 and params is reset; outside
// RedirectSlash, redirectPath is redirect unchanged. Lookup allocates
// nothing, unless appending to redirect needs to grow it.
func (r *Router) Lookup(method, path []byte, params *Params, redirect []byte) (handle int, res Result, allow string, redirectPath []byte) {
	if params != nil {
		params.Reset()
	}
	if len(path) > maxPath {
		return -1, NotFound, "", redirect
	}
	var found *[MaxParams]span
	if params != nil {
		// The matcher writes the winning offsets straight into params,
		// sparing the zeroing and copying of a second array per lookup.
		found = &params.spans
	}
	if best := r.find(method, path, found); best != noRoute {
		rt := &r.routes[best]
		if params != nil {
			params.n = copy(params.names[:], rt.names)
			params.path = path
		}
		return rt.handle, Found, "", redirect
	}

	if mask := r.pathMethods(path); mask != 0 {
		return -1, MethodNotAllowed, r.methods.allowFor(mask), redirect
	}

	if string(path) != "/" {
		if n := len(path); n > 0 && path[n-1] == '/' {
			for n > 0 && path[n-1] == '/' {
				n--
			}
			if n > 0 && r.find(method, path[:n], nil) != noRoute {
				return -1, RedirectSlash, "", append(redirect, path[:n]...)
			}
		} else if r.matchesWithSlash(method, path) {
			return -1, RedirectSlash, "", append(append(redirect, path...), '/')
		}
	}
	return -1, NotFound, "", redirect
}

// find returns the index of the first route matching path and method, or
// noRoute, and leaves the route's values in found if that is not nil. Each
// search has a function of its own so Lookup's frame holds one matcher,
// not one per search.
func (r *Router) find(method, path []byte, found *[MaxParams]span) int32 {
	// Fields are set one by one: a composite literal here makes the
	// compiler build the matcher in a temporary and copy it.
	var m matcher
	m.routes, m.memos, m.found = r.routes, r.tree.memos, found
	m.bit, m.best = r.methods.bit(method), noRoute
	m.run(r.tree.root, path)
	return m.best
}

// pathMethods returns the union of the methods of the routes matching path.
func (r *Router) pathMethods(path []byte) uint64 {
	var m matcher
	m.routes, m.memos, m.collect = r.routes, r.tree.memos, true
	m.run(r.tree.root, path)
	return m.mask
}

// slashBufs holds buffers for paths too long for matchesWithSlash's stack
// array, so even those 404s do not allocate once the pool is warm.
var slashBufs = sync.Pool{New: func() any { return new([]byte) }}

// matchesWithSlash reports whether path+"/" matches some route for method.
// The joined path is built in a buffer of its own rather than in the caller's
// redirect buffer, which would need spare capacity and could alias path.
//
//go:noinline
func (r *Router) matchesWithSlash(method, path []byte) bool {
	var stack [1024]byte
	if len(path) < len(stack) {
		buf := append(append(stack[:0], path...), '/')
		return r.find(method, buf, nil) != noRoute
	}
	bp := slashBufs.Get().(*[]byte)
	buf := append(append((*bp)[:0], path...), '/')
	ok := r.find(method, buf, nil) != noRoute
	*bp = buf
	slashBufs.Put(bp)
	return ok
}

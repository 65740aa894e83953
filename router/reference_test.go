package router

import (
	"regexp"
	"slices"
	"strings"
)

// The reference matcher is Starlette's Router reduced to its rules: every
// route compiled to a regexp the way starlette.routing.compile_path does it,
// tried in order, with the documented differences of this package (405
// lists the union of methods; redirects need a route for the method; "."
// matches newlines).

var refParam = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)(:[a-zA-Z_][a-zA-Z0-9_]*)?\}`)

var refConvertors = map[string]string{
	"str":   `[^/]+`,
	"path":  `.*`,
	"int":   `[0-9]+`,
	"float": `[0-9]+(?:\.[0-9]+)?`,
	"uuid":  `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`,
}

type refRoute struct {
	re      *regexp.Regexp
	names   []string
	methods []string // nil: every method
	handle  int
}

type refRouter struct{ routes []refRoute }

// add compiles pattern; it must only be given patterns Router.Add accepted.
func (rr *refRouter) add(methods []string, pattern string, handle int) {
	src := `(?s)^`
	var names []string
	idx := 0
	for _, m := range refParam.FindAllStringSubmatchIndex(pattern, -1) {
		conv := "str"
		if m[4] >= 0 {
			conv = pattern[m[4]+1 : m[5]]
		}
		src += regexp.QuoteMeta(pattern[idx:m[0]]) + "(" + refConvertors[conv] + ")"
		names = append(names, pattern[m[2]:m[3]])
		idx = m[1]
	}
	src += regexp.QuoteMeta(pattern[idx:]) + "$"
	var up []string
	for _, m := range methods {
		up = append(up, strings.ToUpper(m))
	}
	rr.routes = append(rr.routes, refRoute{re: regexp.MustCompile(src), names: names, methods: up, handle: handle})
}

func (rt *refRoute) allows(method string) bool {
	return rt.methods == nil || slices.Contains(rt.methods, method)
}

// lookup returns the outcome and the parameters as "name=value" pairs.
func (rr *refRouter) lookup(method, path string) (want, []string) {
	var allow []string
	for _, rt := range rr.routes {
		m := rt.re.FindStringSubmatchIndex(path)
		if m == nil {
			continue
		}
		if rt.allows(method) {
			var ps []string
			for i, n := range rt.names {
				ps = append(ps, n+"="+path[m[2+2*i]:m[3+2*i]])
			}
			return want{res: Found, handle: rt.handle, params: strings.Join(ps, " ")}, ps
		}
		for _, m := range rt.methods {
			if !slices.Contains(allow, m) {
				allow = append(allow, m)
			}
		}
	}
	if allow != nil {
		slices.Sort(allow)
		return want{res: MethodNotAllowed, handle: -1, allow: strings.Join(allow, ", ")}, nil
	}
	if path != "/" {
		alt := path + "/"
		if strings.HasSuffix(path, "/") {
			alt = strings.TrimRight(path, "/")
		}
		for _, rt := range rr.routes {
			if rt.allows(method) && rt.re.MatchString(alt) {
				return want{res: RedirectSlash, handle: -1, redirect: alt}, nil
			}
		}
	}
	return want{res: NotFound, handle: -1}, nil
}

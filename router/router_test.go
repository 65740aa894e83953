package router

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// def is a route for a test table; its handle is its position in the table.
type def struct {
	methods string // space-separated; "" registers the route for every method
	pattern string
}

// want is the expected outcome of one Lookup.
type want struct {
	res      Result
	handle   int
	params   string // "name=value name=value"
	allow    string
	redirect string
}

func build(t testing.TB, defs []def) *Router {
	t.Helper()
	r := New()
	for i, d := range defs {
		if err := r.Add(strings.Fields(d.methods), d.pattern, i); err != nil {
			t.Fatalf("Add(%q, %q): %v", d.methods, d.pattern, err)
		}
	}
	return r
}

func buildRef(defs []def) *refRouter {
	var rr refRouter
	for i, d := range defs {
		rr.add(strings.Fields(d.methods), d.pattern, i)
	}
	return &rr
}

func lookup(r *Router, method, path string) want {
	var p Params
	h, res, allow, redir := r.Lookup([]byte(method), []byte(path), &p, nil)
	var ps []string
	for i := 0; i < p.Len(); i++ {
		ps = append(ps, p.Name(i)+"="+string(p.Value(i)))
	}
	return want{res: res, handle: h, params: strings.Join(ps, " "), allow: allow, redirect: string(redir)}
}

func found(handle int, params string) want { return want{res: Found, handle: handle, params: params} }
func notAllowed(allow string) want         { return want{res: MethodNotAllowed, handle: -1, allow: allow} }
func redirectTo(p string) want             { return want{res: RedirectSlash, handle: -1, redirect: p} }

var notFound = want{res: NotFound, handle: -1}

type probe struct {
	method, path string
	want         want
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name   string
		routes []def
		probes []probe
	}{
		{"root", []def{{"GET", "/"}}, []probe{
			{"GET", "/", found(0, "")},
			{"POST", "/", notAllowed("GET")},
			{"GET", "//", notFound},
			{"GET", "", redirectTo("/")},
			{"GET", "/x", notFound},
		}},
		{"static", []def{{"GET", "/users"}, {"GET", "/users/list"}, {"GET", "/usage"}}, []probe{
			{"GET", "/users", found(0, "")},
			{"GET", "/users/list", found(1, "")},
			{"GET", "/usage", found(2, "")},
			{"GET", "/use", notFound},
			{"GET", "/users/lis", notFound},
			{"GET", "/users/listx", notFound},
		}},
		{"static before param wins", []def{{"GET", "/users/me"}, {"GET", "/users/{id}"}}, []probe{
			{"GET", "/users/me", found(0, "")},
			{"GET", "/users/42", found(1, "id=42")},
		}},
		{"param before static wins", []def{{"GET", "/users/{id}"}, {"GET", "/users/me"}}, []probe{
			{"GET", "/users/me", found(0, "id=me")},
		}},
		{"same pattern twice: first wins", []def{{"GET", "/a/{x}"}, {"GET", "/a/{y}"}, {"GET", "/a/{x}"}}, []probe{
			{"GET", "/a/1", found(0, "x=1")},
		}},
		{"ordering across depths", []def{{"GET", "/{a}/{b}/c"}, {"GET", "/x/y/{c}"}, {"GET", "/x/{b}/c"}}, []probe{
			{"GET", "/x/y/c", found(0, "a=x b=y")},
			{"GET", "/x/y/d", found(1, "c=d")},
			{"GET", "/x/z/c", found(0, "a=x b=z")},
		}},
		{"later static wins when earlier param route fails deeper", []def{{"GET", "/{a}/x"}, {"GET", "/b/y"}}, []probe{
			{"GET", "/b/y", found(1, "")},
			{"GET", "/b/x", found(0, "a=b")},
		}},
		{"method match beats earlier path-only match", []def{{"POST", "/items/{id}"}, {"GET", "/items/{id}"}, {"PUT", "/items/{id}"}}, []probe{
			{"GET", "/items/1", found(1, "id=1")},
			{"PUT", "/items/1", found(2, "id=1")},
			{"DELETE", "/items/1", notAllowed("GET, POST, PUT")},
		}},
		{"405 unions all routes matching the path", []def{{"GET HEAD", "/users/me"}, {"DELETE", "/users/{id}"}, {"PATCH", "/users/{id:int}"}, {"POST", "/users"}}, []probe{
			{"PUT", "/users/me", notAllowed("DELETE, GET, HEAD")},
			{"PUT", "/users/7", notAllowed("DELETE, PATCH")},
			{"PUT", "/users", notAllowed("POST")},
			{"get", "/users/me", notAllowed("DELETE, GET, HEAD")},
		}},
		{"methods are upper-cased at registration", []def{{"get", "/a"}}, []probe{
			{"GET", "/a", found(0, "")},
		}},
		{"route without methods matches every method", []def{{"GET", "/a"}, {"", "/a"}, {"POST", "/b"}, {"", "/b"}}, []probe{
			{"GET", "/a", found(0, "")},
			{"BREW", "/a", found(1, "")},
			{"POST", "/b", found(2, "")},
			{"GET", "/b", found(3, "")},
		}},
		{"empty segments and empty values", []def{{"GET", "/a/{x}/b"}, {"GET", "/c/{x}"}}, []probe{
			{"GET", "/a//b", notFound},
			{"GET", "/a/1/b", found(0, "x=1")},
			{"GET", "/c/", notFound},
			{"GET", "/c", notFound},
		}},
		{"path convertor", []def{{"GET", "/files/{p:path}"}, {"GET", "/x{rest:path}"}}, []probe{
			{"GET", "/files/a/b/c", found(0, "p=a/b/c")},
			{"GET", "/files/a/b/c/", found(0, "p=a/b/c/")},
			{"GET", "/files/", found(0, "p=")},
			{"GET", "/files", redirectTo("/files/")},
			{"GET", "/files//", found(0, "p=/")},
			{"GET", "/x", found(1, "rest=")},
			{"GET", "/xyz/1", found(1, "rest=yz/1")},
		}},
		{"path convertor after params", []def{{"GET", "/{a}/{b:int}/{p:path}"}}, []probe{
			{"GET", "/q/1/a/b", found(0, "a=q b=1 p=a/b")},
			{"GET", "/q/x/a/b", notFound},
		}},
		{"int convertor", []def{{"GET", "/n/{v:int}"}, {"GET", "/n/{s}"}}, []probe{
			{"GET", "/n/0123", found(0, "v=0123")},
			{"GET", "/n/-1", found(1, "s=-1")},
			{"GET", "/n/1.5", found(1, "s=1.5")},
			{"GET", "/n/12a", found(1, "s=12a")},
		}},
		{"float convertor", []def{{"GET", "/f/{v:float}"}}, []probe{
			{"GET", "/f/1", found(0, "v=1")},
			{"GET", "/f/1.25", found(0, "v=1.25")},
			{"GET", "/f/1.", notFound},
			{"GET", "/f/.5", notFound},
			{"GET", "/f/1.2.3", notFound},
			{"GET", "/f/1e5", notFound},
		}},
		{"uuid convertor", []def{{"GET", "/u/{id:uuid}"}}, []probe{
			{"GET", "/u/123e4567-e89b-12d3-a456-426614174000", found(0, "id=123e4567-e89b-12d3-a456-426614174000")},
			{"GET", "/u/123E4567-E89B-12D3-A456-426614174000", notFound},
			{"GET", "/u/123e4567e89b12d3a456426614174000", notFound},
			{"GET", "/u/123e4567-e89b-12d3-a456-4266141740001", notFound},
			{"GET", "/u/123e4567-e89b-12d3-a456-42661417400", notFound},
		}},
		{"str convertor is the default", []def{{"GET", "/s/{v:str}"}}, []probe{
			{"GET", "/s/a.b", found(0, "v=a.b")},
			{"GET", "/s/a/b", notFound},
		}},
		{"partial-segment params", []def{{"GET", "/files/{name}.txt"}, {"GET", "/r/{a}-{b}"}, {"GET", "/v{major:int}.{minor:int}/x"}, {"GET", "/{a:int}{b:int}"}}, []probe{
			{"GET", "/files/report.txt", found(0, "name=report")},
			{"GET", "/files/a.b.txt", found(0, "name=a.b")},
			{"GET", "/files/.txt", notFound},
			{"GET", "/files/report.txt/x", notFound},
			{"GET", "/r/x-y-z", found(1, "a=x-y b=z")},
			{"GET", "/r/x-", notFound},
			{"GET", "/v2.10/x", found(2, "major=2 minor=10")},
			{"GET", "/123", found(3, "a=12 b=3")},
			{"GET", "/1", notFound},
		}},
		{"adjacent params split on characters, not bytes", []def{{"GET", "/{a}{b}"}}, []probe{
			{"GET", "/é", notFound},
			{"GET", "/éé", found(0, "a=é b=é")},
			{"GET", "/xé", found(0, "a=x b=é")},
		}},
		{"float then int backtracks like a regexp", []def{{"GET", "/{a:float}{b:int}"}}, []probe{
			{"GET", "/1.23", found(0, "a=1.2 b=3")},
			{"GET", "/12", found(0, "a=1 b=2")},
			{"GET", "/1.2", notFound},
		}},
		{"redirect removes trailing slashes", []def{{"GET", "/items"}, {"POST", "/only-post"}}, []probe{
			{"GET", "/items/", redirectTo("/items")},
			{"GET", "/items///", redirectTo("/items")},
			{"GET", "/only-post/", notFound},
			{"POST", "/only-post/", redirectTo("/only-post")},
		}},
		{"redirect adds a trailing slash", []def{{"GET", "/dir/"}, {"GET", "/p/{x}/"}}, []probe{
			{"GET", "/dir", redirectTo("/dir/")},
			{"POST", "/dir", notFound},
			{"GET", "/p/1", redirectTo("/p/1/")},
		}},
		{"405 takes precedence over redirect", []def{{"GET", "/a/"}, {"POST", "/a"}}, []probe{
			{"GET", "/a", notAllowed("POST")},
			{"GET", "/a/", found(0, "")},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := build(t, tc.routes)
			ref := buildRef(tc.routes)
			for _, p := range tc.probes {
				if got := lookup(r, p.method, p.path); got != p.want {
					t.Errorf("%s %q = %+v, want %+v", p.method, p.path, got, p.want)
				}
				// The table doubles as a test of the fuzzer's oracle.
				if got, _ := ref.lookup(p.method, p.path); got != p.want {
					t.Errorf("reference: %s %q = %+v, want %+v", p.method, p.path, got, p.want)
				}
			}
		})
	}
}

func TestAddErrors(t *testing.T) {
	tests := []struct {
		methods []string
		pattern string
		problem string
	}{
		{nil, "", `must start with "/"`},
		{nil, "users", `must start with "/"`},
		{nil, "/a/{", `is not closed`},
		{nil, "/a/{x", `is not closed`},
		{nil, "/a/{x{y}}", `is not closed`},
		{nil, "/a/}", `closes no "{"`},
		{nil, "/a/{}", `"" is not an identifier`},
		{nil, "/a/{1x}", `"1x" is not an identifier`},
		{nil, "/a/{x-y}", `"x-y" is not an identifier`},
		{nil, "/a/{x:}", `unknown convertor ""`},
		{nil, "/a/{x:bool}", `unknown convertor "bool"`},
		{nil, "/a/{x}/{x:int}", `"x" appears twice`},
		{nil, "/a/{p:path}/b", `path parameter "p" must end the pattern`},
		{nil, "/a/{p:path}{q}", `path parameter "p" must end the pattern`},
		{nil, "/a/\xff", `not valid UTF-8`},
		{nil, manyParams(17), `more than 16 parameters`},
		{[]string{""}, "/a", `method "" is not an HTTP token`},
		{[]string{"GET", "GE T"}, "/a", `method "GE T" is not an HTTP token`},
	}
	for _, tc := range tests {
		err := New().Add(tc.methods, tc.pattern, 0)
		var pe *PatternError
		if !errors.As(err, &pe) {
			t.Errorf("Add(%q, %q) = %v, want a *PatternError", tc.methods, tc.pattern, err)
			continue
		}
		if pe.Pattern != tc.pattern || !strings.Contains(pe.Problem, tc.problem) {
			t.Errorf("Add(%q, %q) = %v, want problem containing %q", tc.methods, tc.pattern, err, tc.problem)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.pattern)) {
			t.Errorf("error %q does not name the pattern", err)
		}
	}
}

func manyParams(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "/{p%d}", i)
	}
	return b.String()
}

// TestThousandRoutes registers 1,000 routes and finds each by a path built
// from its own pattern.
func TestThousandRoutes(t *testing.T) {
	r := New()
	for i := range 1000 {
		if err := r.Add([]string{"GET"}, thousandPattern(i), i); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 1000 {
		p := thousandPattern(i)
		path := strings.NewReplacer("{id:int}", "123", "{name}", "some-name").Replace(p)
		h, res, _, _ := r.Lookup([]byte("GET"), []byte(path), nil, nil)
		if res != Found || h != i {
			t.Errorf("GET %s (%s) = %d %v, want %d", path, p, h, res, i)
		}
		if _, res, allow, _ := r.Lookup([]byte("POST"), []byte(path), nil, nil); res != MethodNotAllowed || allow != "GET" {
			t.Errorf("POST %s = %v %q", path, res, allow)
		}
	}
}

// TestRedirectBuffer checks the append-style contract of the redirect
// buffer, including paths too long for matchesWithSlash's stack array.
func TestRedirectBuffer(t *testing.T) {
	long := "/" + strings.Repeat("l", 3000)
	r := build(t, []def{{"GET", "/a/"}, {"GET", "/b"}, {"GET", long + "/"}})
	buf := append(make([]byte, 0, 16), "pre:"...)
	for _, tc := range []struct{ path, want string }{
		{"/a", "pre:/a/"},
		{"/b/", "pre:/b"},
		{long, "pre:" + long + "/"},
		{"/c", "pre:"},
	} {
		_, _, _, got := r.Lookup([]byte("GET"), []byte(tc.path), nil, buf)
		if string(got) != tc.want {
			t.Errorf("GET %.20s: redirect %.20q, want %.20q", tc.path, got, tc.want)
		}
	}
}

func TestResultString(t *testing.T) {
	for res, want := range map[Result]string{Found: "Found", NotFound: "NotFound", MethodNotAllowed: "MethodNotAllowed", RedirectSlash: "RedirectSlash", 9: "Result(?)"} {
		if res.String() != want {
			t.Errorf("%d.String() = %q", int(res), res.String())
		}
	}
}

// TestLookupAllocs guards the zero-allocation promise outside benchmarks.
func TestLookupAllocs(t *testing.T) {
	r := build(t, benchRoutes)
	var p Params
	buf := make([]byte, 0, 64)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/openapi.json"},
		{"GET", "/items/abc"},
		{"GET", "/files/a.b.txt"},
		{"GET", "/nope/nothing"},
		{"DELETE", "/items"},
		{"GET", "/users/"},
		{"GET", "/" + strings.Repeat("n", 2000)},
	} {
		m, path := []byte(tc.method), []byte(tc.path)
		if n := testing.AllocsPerRun(100, func() { r.Lookup(m, path, &p, buf[:0]) }); n != 0 {
			t.Errorf("%s %.30s: %v allocs per lookup", tc.method, tc.path, n)
		}
	}
}

// TestConcurrentLookups lets the race detector see lookups sharing a Router,
// including the lazily filled Allow cache and the pooled bitmaps.
func TestConcurrentLookups(t *testing.T) {
	r := build(t, fuzzRoutes)
	done := make(chan bool)
	for g := range 8 {
		go func() {
			var p Params
			for i := range 200 {
				path := fmt.Sprintf("/users/%d/posts/x%d", i, g)
				r.Lookup([]byte("GET"), []byte(path), &p, nil)
				r.Lookup([]byte("BREW"), []byte("/"+strings.Repeat("a.", 300)), &p, nil)
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}

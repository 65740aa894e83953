package router

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fuzzRoutes exercise every feature at once, so that arbitrary paths meet
// overlapping static, parameter, partial-segment and catch-all branches.
var fuzzRoutes = []def{
	{"GET", "/"},
	{"GET HEAD", "/users"},
	{"POST", "/users"},
	{"GET", "/users/me"},
	{"GET", "/users/{id:int}"},
	{"DELETE", "/users/{id}"},
	{"GET", "/users/{id}/posts/{post:uuid}"},
	{"GET", "/files/{name}.txt"},
	{"GET", "/files/{p:path}"},
	{"PUT", "/r/{a}-{b}"},
	{"GET", "/v{major:int}.{minor:int}/x"},
	{"GET", "/{a:float}{b:int}"},
	{"GET", "/{a}{b}/z"},
	{"GET", "/dir/"},
	{"", "/any/{x}"},
	{"GET", "/s/{x}/"},
	{"POST", "/{a}/{b}/{c}"},
	{"GET", "/static{rest:path}"},
	{"PATCH", "/{f:float}/{u:uuid}"},
	{"GET", "/é/{x}é"},
}

// fuzzRef is the reference for fuzzRoutes, compiled once: regexp
// compilation would otherwise dominate every fuzz iteration.
var fuzzRef = sync.OnceValue(func() *refRouter { return buildRef(fuzzRoutes) })

var fuzzMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"}

// FuzzLookup checks Lookup against the regexp reference on arbitrary paths.
// extra holds more patterns, one a line, registered after fuzzRoutes when
// Add accepts them, so the fuzzer also varies the shape of the tree.
func FuzzLookup(f *testing.F) {
	f.Add("", uint8(0), "/users/12")
	f.Add("/users/{name}/x\n/{a}.{b}", uint8(2), "/users/me/x")
	f.Add("/{p:path}", uint8(7), "/files/a/b.txt")
	f.Fuzz(func(t *testing.T, extra string, method uint8, path string) {
		// The fuzzer has no time limit per input; a pattern set that
		// made Lookup explode combinatorially would only look like a
		// stall. Crashing names the input instead.
		watchdog := time.AfterFunc(10*time.Second, func() {
			panic(fmt.Sprintf("FuzzLookup: input takes over 10s: %q %d %q", extra, method, path))
		})
		defer watchdog.Stop()
		r := build(t, fuzzRoutes)
		ref := refRouter{routes: slices.Clone(fuzzRef().routes)}
		add := func(methods []string, pattern string) bool {
			if r.Add(methods, pattern, len(ref.routes)) != nil {
				return false
			}
			ref.add(methods, pattern, len(ref.routes))
			return true
		}
		lines := strings.Split(extra, "\n")
		if len(lines) > 8 {
			lines = lines[:8]
		}
		for i, line := range lines {
			ms := [][]string{{"GET"}, {"POST"}, {"GET", "HEAD"}, nil}[i%4]
			if add(ms, line) {
				// What Add accepts, Starlette must read the same way:
				// no brace may be left outside a parameter.
				if rest := refParam.ReplaceAllString(line, ""); strings.ContainsAny(rest, "{}") {
					t.Fatalf("Add accepted %q, which Starlette reads differently", line)
				}
			}
		}
		m := fuzzMethods[int(method)%len(fuzzMethods)]
		want, _ := ref.lookup(m, path)
		if got := lookup(r, m, path); got != want {
			t.Fatalf("%s %q with extra %q:\n got %+v\nwant %+v", m, path, lines, got, want)
		}
	})
}

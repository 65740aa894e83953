package router

import (
	"fmt"
	"strings"
	"testing"
)

// benchRoutes looks like the route table of a modest FastAPI application.
var benchRoutes = []def{
	{"GET HEAD", "/"},
	{"GET HEAD", "/health"},
	{"POST", "/auth/login"},
	{"POST", "/auth/logout"},
	{"GET HEAD", "/users"},
	{"POST", "/users"},
	{"GET HEAD", "/users/me"},
	{"GET HEAD", "/users/{user_id:int}"},
	{"PUT", "/users/{user_id:int}"},
	{"DELETE", "/users/{user_id:int}"},
	{"GET HEAD", "/users/{user_id:int}/orders"},
	{"GET HEAD", "/users/{user_id:int}/orders/{order_id:uuid}"},
	{"GET HEAD", "/items"},
	{"POST", "/items"},
	{"GET HEAD", "/items/{item_id}"},
	{"PATCH", "/items/{item_id}"},
	{"GET HEAD", "/items/{item_id}/reviews"},
	{"GET HEAD", "/search"},
	{"GET HEAD", "/static/{path:path}"},
	{"GET HEAD", "/files/{name}.txt"},
	{"GET HEAD", "/docs"},
	{"GET HEAD", "/openapi.json"},
}

func benchLookup(b *testing.B, r *Router, method, path string, want Result) {
	m, p := []byte(method), []byte(path)
	var params Params
	redirect := make([]byte, 0, 64)
	if _, res, _, _ := r.Lookup(m, p, &params, redirect); res != want {
		b.Fatalf("%s %s: %v, want %v", method, path, res, want)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Lookup(m, p, &params, redirect[:0])
	}
}

func BenchmarkLookup(b *testing.B) {
	r := build(b, benchRoutes)
	cases := []struct {
		name, method, path string
		want               Result
	}{
		{"static", "GET", "/openapi.json", Found},
		{"param", "GET", "/items/abc123", Found},
		{"int-param-nested", "GET", "/users/42/orders", Found},
		{"uuid", "GET", "/users/42/orders/123e4567-e89b-12d3-a456-426614174000", Found},
		{"path", "GET", "/static/css/site/main.css", Found},
		{"partial", "GET", "/files/report.txt", Found},
		{"not-found", "GET", "/nope/nothing/here", NotFound},
		{"method-not-allowed", "DELETE", "/items", MethodNotAllowed},
		{"redirect", "GET", "/users/", RedirectSlash},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchLookup(b, r, c.method, c.path, c.want) })
	}
}

// BenchmarkLookup1000 measures a large table, where pruning by registration
// index has to keep the search from touching most of the tree.
func BenchmarkLookup1000(b *testing.B) {
	r := New()
	for i := range 1000 {
		if err := r.Add([]string{"GET"}, thousandPattern(i), i); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("static", func(b *testing.B) { benchLookup(b, r, "GET", "/res125/list", Found) })
	b.Run("param", func(b *testing.B) { benchLookup(b, r, "GET", "/res249/item/xyz", Found) })
	b.Run("not-found", func(b *testing.B) { benchLookup(b, r, "GET", "/res249/other/x/y", NotFound) })
}

// thousandPattern returns the i-th pattern of the 1000-route tables: groups
// of resources mixing static, typed and partial-segment parameters.
func thousandPattern(i int) string {
	res := fmt.Sprintf("/res%d", i/4)
	switch i % 4 {
	case 0:
		return res + "/list"
	case 1:
		return res + "/{id:int}"
	case 2:
		return res + "/item/{name}"
	}
	return res + "/files/{name}." + strings.Repeat("x", i%3+1)
}

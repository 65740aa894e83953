package router

import (
	"strings"
	"testing"
)

// Without the visited set, ten parameters sharing a segment would try
// about C(60, 9) splits of a 60-byte segment here: this test would not end.
func TestAmbiguousParamsStayPolynomial(t *testing.T) {
	r := New()
	pattern := "/"
	for _, c := range "abcdefghij" {
		pattern += "{" + string(c) + "}"
	}
	if err := r.Add([]string{"GET"}, pattern+"/x", 0); err != nil {
		t.Fatal(err)
	}
	if err := r.Add([]string{"GET"}, "/{a}-{b}-{c}-{d}/x", 1); err != nil {
		t.Fatal(err)
	}
	for _, seg := range []string{strings.Repeat("a", 60), strings.Repeat("-", 60)} {
		for _, method := range []string{"GET", "POST"} {
			if got := lookup(r, method, "/"+seg+"/y"); got != notFound {
				t.Errorf("%s /%s/y = %+v, want not found", method, seg, got)
			}
		}
	}
	got := lookup(r, "GET", "/"+strings.Repeat("a", 60)+"/x")
	want := found(0, "a="+strings.Repeat("a", 51)+" b=a c=a d=a e=a f=a g=a h=a i=a j=a")
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// With many ambiguous nodes and a long path the visited set outgrows the
// matcher's own bits and spills into a pooled bitmap; results must not
// change, and the bitmap must come back clean for the next lookup.
func TestVisitedSpill(t *testing.T) {
	var defs []def
	for _, ext := range []string{"txt", "tar", "json", "jpg", "png", "gif"} {
		defs = append(defs, def{"GET", "/{a}.{b}." + ext})
	}
	r := build(t, defs)
	ref := buildRef(defs)
	long := strings.Repeat("x.", 300)
	if bits := int(r.tree.memos) * (len(long) + 5); bits <= localMemo {
		t.Fatalf("visited set of %d bits fits in the matcher; the test needs more", bits)
	}
	for _, path := range []string{"/" + long + "gif", "/" + long + "txt", "/" + long + "zip", "/a.b.png"} {
		for range 2 {
			want, _ := ref.lookup("GET", path)
			if got := lookup(r, "GET", path); got != want {
				t.Errorf("GET %.30q... = %+v, want %+v", path, got, want)
			}
		}
	}
}

// Pruning must not stop at the first match: a later-registered route
// reached first in the tree loses to an earlier one found afterwards.
func TestLowestIndexWinsAcrossBranches(t *testing.T) {
	r := build(t, []def{
		{"GET", "/{a}/{b}"},    // 0: reached through the parameter branch
		{"GET", "/x/y"},        // 1: reached first, through the static branch
		{"GET", "/x/{b:int}"},  // 2
		{"POST", "/{a}/{b}"},   // 3
		{"GET", "/{p:path}"},   // 4
		{"POST", "/x/{b:int}"}, // 5
	})
	tests := []probe{
		{"GET", "/x/y", found(0, "a=x b=y")},
		{"POST", "/x/1", found(3, "a=x b=1")},
		{"GET", "/x/y/z", found(4, "p=x/y/z")},
		{"PUT", "/x/1", notAllowed("GET, POST")},
	}
	for _, p := range tests {
		if got := lookup(r, p.method, p.path); got != p.want {
			t.Errorf("%s %s = %+v, want %+v", p.method, p.path, got, p.want)
		}
	}
}

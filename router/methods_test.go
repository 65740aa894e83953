package router

import (
	"fmt"
	"strings"
	"testing"
)

func TestMaskOf(t *testing.T) {
	var mt methodTable
	get, problem := mt.maskOf([]string{"get", "HEAD", "GET"})
	if problem != "" || get != 0b11 {
		t.Fatalf("maskOf = %b, %q", get, problem)
	}
	if _, problem := mt.maskOf([]string{"PUT", "P UT"}); problem == "" {
		t.Fatal("accepted a method with a space")
	}
	if len(mt.names) != 2 {
		t.Errorf("failed call added methods: %q", mt.names)
	}
	if b := mt.bit([]byte("HEAD")); b != 0b10 {
		t.Errorf("bit(HEAD) = %b", b)
	}
	if b := mt.bit([]byte("head")); b != 0 {
		t.Errorf("bit(head) = %b: lookups must be case-sensitive", b)
	}
}

func TestTooManyMethods(t *testing.T) {
	r := New()
	for i := range maxMethods {
		if err := r.Add([]string{fmt.Sprintf("M%d", i)}, "/", i); err != nil {
			t.Fatal(err)
		}
	}
	err := r.Add([]string{"M0", "ONE-TOO-MANY"}, "/x", 0)
	if err == nil || !strings.Contains(err.Error(), "more than 64 distinct methods") {
		t.Fatalf("err = %v", err)
	}
	// Known methods still register.
	if err := r.Add([]string{"M3"}, "/x", 0); err != nil {
		t.Fatal(err)
	}
}

func TestAllowPrepared(t *testing.T) {
	var mt methodTable
	for _, ms := range [][]string{{"GET", "HEAD"}, {"POST"}, {"DELETE"}, {"POST"}} {
		m, _ := mt.maskOf(ms)
		mt.prepare(m)
	}
	// 3 distinct masks: every non-empty union of them is prepared.
	if len(mt.allow) != 7 {
		t.Errorf("prepared %d values: %v", len(mt.allow), mt.allow)
	}
	all, _ := mt.maskOf([]string{"GET", "HEAD", "POST", "DELETE"})
	if got := mt.allow[all]; got != "DELETE, GET, HEAD, POST" {
		t.Errorf("allow = %q", got)
	}
}

// Past maxPrepared the table stops growing and unions are built on first
// use; Lookup must still report them right.
func TestAllowOverflow(t *testing.T) {
	r := New()
	const n = 14 // 2^14 unions > maxPrepared
	var names []string
	for i := range n {
		m := fmt.Sprintf("M%02d", i)
		names = append(names, m)
		if err := r.Add([]string{m}, fmt.Sprintf("/{x%d}", i), i); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.methods.allow) > maxPrepared {
		t.Errorf("prepared %d values, limit %d", len(r.methods.allow), maxPrepared)
	}
	want := notAllowed(strings.Join(names, ", "))
	for range 2 {
		if got := lookup(r, "GET", "/a"); got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
}

func TestIsToken(t *testing.T) {
	for s, want := range map[string]bool{"GET": true, "M-SEARCH": true, "X_1!": true, "": false, "GE T": false, "GET\r": false, "É": false} {
		if isToken(s) != want {
			t.Errorf("isToken(%q) = %v", s, !want)
		}
	}
}

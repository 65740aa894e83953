package router

import "testing"

func TestParams(t *testing.T) {
	r := New()
	if err := r.Add([]string{"GET"}, "/{a}/{b:int}", 0); err != nil {
		t.Fatal(err)
	}
	if err := r.Add([]string{"GET"}, "/s", 1); err != nil {
		t.Fatal(err)
	}
	var p Params
	path := []byte("/x/12")
	r.Lookup([]byte("GET"), path, &p, nil)
	if p.Len() != 2 || p.Name(0) != "a" || string(p.Value(0)) != "x" || p.Name(1) != "b" || string(p.Value(1)) != "12" {
		t.Fatalf("params = %d %q=%q %q=%q", p.Len(), p.Name(0), p.Value(0), p.Name(1), p.Value(1))
	}
	if v, ok := p.Get("b"); !ok || string(v) != "12" {
		t.Errorf("Get(b) = %q, %v", v, ok)
	}
	if _, ok := p.Get("c"); ok {
		t.Error("Get(c) found a value")
	}
	// Values alias the path and cannot be appended into it.
	path[1] = 'y'
	if string(p.Value(0)) != "y" {
		t.Error("value is a copy, not a slice of the path")
	}
	if v := append(p.Value(0), 'Z'); path[2] == 'Z' || string(v) != "yZ" {
		t.Error("append to a value wrote into the path")
	}
	// Reuse: a lookup without parameters and a failed one leave it empty.
	r.Lookup([]byte("GET"), []byte("/s"), &p, nil)
	if p.Len() != 0 {
		t.Errorf("Len after static match = %d", p.Len())
	}
	r.Lookup([]byte("GET"), []byte("/x/12"), &p, nil)
	r.Lookup([]byte("GET"), []byte("/nope/x/y"), &p, nil)
	if p.Len() != 0 || p.path != nil {
		t.Errorf("params not reset after a miss: %d", p.Len())
	}
	defer func() {
		if recover() == nil {
			t.Error("Value out of range did not panic")
		}
	}()
	p.Value(0)
}

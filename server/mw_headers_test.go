package server

import "testing"

func TestHeadSetReplacesTheFirstLineAndDropsTheRest(t *testing.T) {
	head := []byte("a: 1\r\nVary: x\r\nb: 2\r\nvary: y\r\n")
	if got := string(headSet(head, "vary", "z")); got != "a: 1\r\nvary: z\r\nb: 2\r\n" {
		t.Fatalf("%q", got)
	}
	if got := string(headSet([]byte("a: 1\r\n"), "vary", "z")); got != "a: 1\r\nvary: z\r\n" {
		t.Fatalf("%q", got)
	}
	if got := string(headDel(head, "vary")); got != "a: 1\r\nb: 2\r\n" {
		t.Fatalf("%q", got)
	}
}

func TestHeadAddVaryJoinsEveryValue(t *testing.T) {
	head := []byte("vary: Cookie\r\nx: 1\r\nvary: Accept\r\n")
	if got := string(headAddVary(head, "Origin")); got != "vary: Cookie, Accept, Origin\r\nx: 1\r\n" {
		t.Fatalf("%q", got)
	}
	if got := string(headAddVary(nil, "Origin")); got != "vary: Origin\r\n" {
		t.Fatalf("%q", got)
	}
	if !headHas(head, "vary") || headHas(head, "origin") {
		t.Fatal("headHas")
	}
}

package http1

import "testing"

func TestFindLF(t *testing.T) {
	p := NewParser(Limits{})
	buf := []byte("abc")
	if _, st := p.findLF(buf, 10); st != lineMore {
		t.Fatalf("no LF, under limit: %v", st)
	}
	if p.scan != 3 {
		t.Fatalf("scan = %d, want 3 so the next call skips checked bytes", p.scan)
	}
	buf = append(buf, "d\nxyz"...)
	if i, st := p.findLF(buf, 10); st != lineFound || i != 4 {
		t.Fatalf("got %d %v, want LF at 4", i, st)
	}
	if _, st := p.findLF([]byte("abcdefghij"), 10); st != lineTooLong {
		t.Fatalf("limit reached without LF: %v", st)
	}
	// An LF exactly at limit is outside the window.
	p = NewParser(Limits{})
	if _, st := p.findLF([]byte("abc\n"), 3); st != lineTooLong {
		t.Fatalf("LF past the window: %v", st)
	}
}

func TestCRLFLine(t *testing.T) {
	p := NewParser(Limits{})
	if end, e := p.crlfLine([]byte("ab\r\n"), 3); e != nil || end != 2 {
		t.Fatalf("CRLF: %d %v", end, e)
	}
	if _, e := p.crlfLine([]byte("ab\n"), 2); e == nil || e.Status != 400 {
		t.Fatalf("bare LF: %v", e)
	}
	if _, e := p.crlfLine([]byte("\n"), 0); e == nil {
		t.Fatal("bare LF on an empty line accepted")
	}
}

func TestWindowSaturates(t *testing.T) {
	if window(10, 5) != 15 {
		t.Fatal("window(10, 5)")
	}
	if w := window(int(^uint(0)>>1)-1, 10); w != int(^uint(0)>>1) {
		t.Fatalf("window did not saturate: %d", w)
	}
}

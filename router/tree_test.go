package router

import (
	"fmt"
	"strings"
	"testing"
)

func buildTree(t *testing.T, patterns ...string) tree {
	t.Helper()
	tr := newTree()
	for i, p := range patterns {
		toks, _, err := parsePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		tr.insert(toks, int32(i))
	}
	return tr
}

// dump renders the tree one node a line, indented by depth, with the
// node's routes, min, and the flags that drive matching.
func dump(n *node, depth int, b *strings.Builder) {
	label := fmt.Sprintf("%q", n.prefix)
	switch {
	case n.param:
		label = "{param}"
	case n.prefix == "" && depth > 0:
		label = "{path}"
	}
	fmt.Fprintf(b, "%s%s routes=%v min=%d", strings.Repeat("  ", depth), label, n.routes, n.min)
	if n.param {
		fmt.Fprintf(b, " whole=%v", n.wholeSeg)
	}
	if n.phase > 0 {
		fmt.Fprintf(b, " phase=%d", n.phase)
	}
	if n.memo >= 0 {
		b.WriteString(" memo")
	}
	b.WriteString("\n")
	for _, c := range n.children() {
		dump(c, depth+1, b)
	}
}

func TestTreeShape(t *testing.T) {
	tests := []struct {
		patterns []string
		want     string
	}{
		{[]string{"/users", "/usage", "/users/me"}, `
"" routes=[] min=0
  "/us" routes=[] min=0
    "ers" routes=[0] min=0
      "/me" routes=[2] min=2
    "age" routes=[1] min=1
`},
		{[]string{"/a/{x}", "/a/{y}/b", "/a/{z:int}"}, `
"" routes=[] min=0
  "/a/" routes=[] min=0
    {param} routes=[0] min=0 whole=true
      "/b" routes=[1] min=1
    {param} routes=[2] min=2 whole=true
`},
		{[]string{"/f/{n}.txt", "/f/{n}/x"}, `
"" routes=[] min=0
  "/f/" routes=[] min=0
    {param} routes=[] min=0 whole=false phase=1
      ".txt" routes=[0] min=0 phase=1
      "/x" routes=[1] min=1 phase=1
`},
		{[]string{"/s/{p:path}", "/s/{a}{b}"}, `
"" routes=[] min=0
  "/s/" routes=[] min=0
    {param} routes=[] min=1 whole=false phase=1
      {param} routes=[1] min=1 whole=true phase=2 memo
    {path} routes=[0] min=0
`},
		{[]string{"/{a}.{b:int}/x", "/{c}/{p:path}"}, `
"" routes=[] min=0
  "/" routes=[] min=0
    {param} routes=[] min=0 whole=false phase=1
      "." routes=[] min=0 phase=1
        {param} routes=[] min=0 whole=true phase=2 memo
          "/x" routes=[0] min=0 phase=2 memo
      "/" routes=[] min=1 phase=1
        {path} routes=[1] min=1 phase=2 memo
`},
	}
	for _, tc := range tests {
		tr := buildTree(t, tc.patterns...)
		var b strings.Builder
		dump(tr.root, 0, &b)
		if got := "\n" + b.String(); got != tc.want {
			t.Errorf("tree of %q:%s\nwant:%s", tc.patterns, got, tc.want)
		}
	}
}

// A split inside an ambiguous region must give the new tail its own memo
// row: it is entered at other offsets than the node it came from.
func TestSplitGetsOwnMemo(t *testing.T) {
	tr := buildTree(t, "/{a}-{b}.json", "/{a}-{b}.jpg")
	p := tr.root.statics[0].params[kindStr].statics[0].params[kindStr]
	dot := p.statics[0]
	if dot.prefix != ".j" || dot.memo < 0 {
		t.Fatalf("unexpected node %q memo %d", dot.prefix, dot.memo)
	}
	rows := map[int32]bool{dot.memo: true}
	for _, c := range dot.statics {
		if c.memo < 0 || rows[c.memo] {
			t.Errorf("node %q has memo row %d, want a fresh one", c.prefix, c.memo)
		}
		rows[c.memo] = true
	}
	if tr.memos != 4 { // {b}, ".j", "son", "pg"
		t.Errorf("memos = %d, want 4", tr.memos)
	}
}

// A parameter node that later gains a non-"/" continuation must mark the
// subtree that was built while it still took whole segments.
func TestLateAmbiguityMarksSubtree(t *testing.T) {
	tr := buildTree(t, "/{a}/{b}/y", "/{a}.txt")
	var b strings.Builder
	dump(tr.root, 0, &b)
	want := `"" routes=[] min=0
  "/" routes=[] min=0
    {param} routes=[] min=0 whole=false phase=1
      "/" routes=[] min=0 phase=1
        {param} routes=[] min=0 whole=true phase=2 memo
          "/y" routes=[0] min=0 phase=2 memo
      ".txt" routes=[1] min=1 phase=1
`
	if b.String() != want {
		t.Errorf("got:\n%swant:\n%s", b.String(), want)
	}
}

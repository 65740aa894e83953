package router

// node is a vertex of the radix tree. Entering a node consumes either its
// literal prefix (static nodes) or one parameter value (parameter and
// catch-all nodes); the routes listed in it match when the path ends there.
type node struct {
	prefix string // literal consumed on entry; empty for parameter nodes
	param  bool   // entered by a segment parameter (not a literal, not a path one)

	first   []byte  // first[i] is statics[i].prefix[0]; siblings differ in it
	statics []*node // literal children
	params  [segmentKinds]*node
	nParams int   // non-nil entries of params, to skip them quickly
	rest    *node // child for a {name:path} parameter; it has no children

	routes []int32 // indexes of routes ending here, ascending
	min    int32   // lowest route index in this subtree, for pruning

	// wholeSeg is set on a parameter node whose every continuation starts
	// with "/" or is the end of the path: its value must then be the rest of
	// the segment, and the matcher need not try shorter lengths.
	wholeSeg bool

	// memo is this node's row in the matcher's visited set, or -1. Only
	// nodes below a parameter that may take several lengths can be reached
	// more than once at the same offset; remembering those visits keeps
	// patterns like "{a}{b}{c}" from costing exponential time.
	memo int32
}

// tree is the radix tree with the counter for memo rows.
type tree struct {
	root  *node
	memos int32 // memo rows handed out
}

func newTree() tree {
	return tree{root: &node{min: noRoute, wholeSeg: true, memo: -1}}
}

// ambiguousBelow reports whether the descendants of n can be reached at
// several offsets of one path, and so need memo rows.
func (n *node) ambiguousBelow() bool {
	return n.memo >= 0 || n.param && !n.wholeSeg
}

// newChild returns a node to hang below parent, holding route idx.
func (t *tree) newChild(parent *node, prefix string, param bool, idx int32) *node {
	c := &node{prefix: prefix, param: param, min: idx, wholeSeg: true, memo: -1}
	if parent.ambiguousBelow() {
		t.giveMemo(c)
	}
	return c
}

func (t *tree) giveMemo(n *node) {
	n.memo = t.memos
	t.memos++
}

// insert adds route idx with the given tokens.
func (t *tree) insert(toks []token, idx int32) {
	n := t.root
	n.min = min(n.min, idx)
	for _, tok := range toks {
		switch {
		case !tok.param:
			n = t.insertLiteral(n, tok.lit, idx)
		case tok.kind == kindPath:
			if n.rest == nil {
				n.rest = t.newChild(n, "", false, idx)
				t.childAdded(n)
			}
			n = n.rest
		default:
			if n.params[tok.kind] == nil {
				n.params[tok.kind] = t.newChild(n, "", true, idx)
				n.nParams++
				t.childAdded(n)
			}
			n = n.params[tok.kind]
		}
		n.min = min(n.min, idx)
	}
	n.routes = append(n.routes, idx)
}

// insertLiteral walks or extends the static children of n to consume lit
// and returns the node where lit ends, splitting edges as radix trees do.
func (t *tree) insertLiteral(n *node, lit string, idx int32) *node {
	for lit != "" {
		i := n.staticIndex(lit[0])
		if i < 0 {
			c := t.newChild(n, lit, false, idx)
			n.first = append(n.first, lit[0])
			n.statics = append(n.statics, c)
			t.childAdded(n)
			return c
		}
		c := n.statics[i]
		common := 0
		for common < len(lit) && common < len(c.prefix) && lit[common] == c.prefix[common] {
			common++
		}
		if common < len(c.prefix) {
			t.split(c, common)
		}
		c.min = min(c.min, idx)
		n, lit = c, lit[common:]
	}
	return n
}

// split cuts the prefix of static node c after k bytes, moving everything c
// had into a new child. c keeps its identity, so its parent needs no update.
func (t *tree) split(c *node, k int) {
	tail := *c
	tail.prefix = c.prefix[k:]
	if c.memo >= 0 {
		// The tail is entered k bytes later than c; sharing c's row
		// would confuse the two.
		t.giveMemo(&tail)
	}
	*c = node{
		prefix:   c.prefix[:k],
		first:    []byte{tail.prefix[0]},
		statics:  []*node{&tail},
		min:      tail.min,
		wholeSeg: true,
		memo:     c.memo,
	}
}

// staticIndex returns the index of the static child starting with b, or -1.
func (n *node) staticIndex(b byte) int {
	for i, f := range n.first {
		if f == b {
			return i
		}
	}
	return -1
}

// childAdded updates n after it gained a child. Children only ever get
// added, so wholeSeg can only turn off; when it does on a parameter node,
// everything below becomes reachable at several offsets.
func (t *tree) childAdded(n *node) {
	if !n.param || !n.wholeSeg {
		return
	}
	n.wholeSeg = n.nParams == 0 && n.rest == nil
	for _, f := range n.first {
		if f != '/' {
			n.wholeSeg = false
		}
	}
	if !n.wholeSeg && n.memo < 0 {
		t.memoBelow(n)
	}
}

// memoBelow gives a memo row to every descendant of n that lacks one.
func (t *tree) memoBelow(n *node) {
	for _, c := range n.children() {
		if c.memo < 0 {
			t.giveMemo(c)
		}
		t.memoBelow(c)
	}
}

// children lists the children of n.
func (n *node) children() []*node {
	cs := append([]*node(nil), n.statics...)
	for _, c := range n.params {
		if c != nil {
			cs = append(cs, c)
		}
	}
	if n.rest != nil {
		cs = append(cs, n.rest)
	}
	return cs
}

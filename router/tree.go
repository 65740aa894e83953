package router

// node is a vertex of the radix tree. Entering a node consumes either its
// literal prefix (static nodes) or one parameter value (parameter and
// catch-all nodes); the routes listed in it match when the path ends there.
type node struct {
	prefix   string // literal consumed on entry; empty for parameter nodes
	param    bool   // entered by a segment parameter
	catchAll bool   // entered by a path parameter

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

	// phase and memo bound the cost of parameters that may take several
	// lengths ("ambiguous": not wholeSeg). A node is reached at one offset
	// per length tried, and at the same offset twice only when a later
	// parameter can absorb the difference, as the {b} of "{a}-{b}" does.
	// phase is 0 above any ambiguous parameter, 1 from one on, 2 from the
	// next parameter after it on; phase-2 nodes get memo, a row in the
	// matcher's visited set (else -1), so that each is searched once per
	// offset and "{a}{b}{c}" does not cost exponential time.
	phase uint8
	memo  int32
}

// tree is the radix tree with the counter for memo rows.
type tree struct {
	root  *node
	memos int32 // memo rows handed out
}

func newTree() tree {
	return tree{root: &node{min: noRoute, wholeSeg: true, memo: -1}}
}

// phaseUnder returns the phase n has below a parent in phase p.
func (n *node) phaseUnder(p uint8) uint8 {
	switch {
	case p == 2, p == 1 && (n.param || n.catchAll):
		return 2
	case p == 1, n.param && !n.wholeSeg:
		return 1
	}
	return 0
}

// settle gives n the phase it has below a parent in phase p, and a memo row
// if that phase needs one, then passes the change on to its subtree.
// Phases only ever rise, as trees only grow.
func (t *tree) settle(n *node, p uint8) {
	phase := n.phaseUnder(p)
	if phase == n.phase {
		return
	}
	n.phase = phase
	if phase == 2 && n.memo < 0 {
		t.giveMemo(n)
	}
	for _, c := range n.children() {
		t.settle(c, phase)
	}
}

// newChild returns a node to hang below parent, holding route idx.
func (t *tree) newChild(parent *node, prefix string, param, catchAll bool, idx int32) *node {
	c := &node{prefix: prefix, param: param, catchAll: catchAll, min: idx, wholeSeg: true, memo: -1}
	t.settle(c, parent.phase)
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
				n.rest = t.newChild(n, "", false, true, idx)
				t.childAdded(n)
			}
			n = n.rest
		default:
			if n.params[tok.kind] == nil {
				n.params[tok.kind] = t.newChild(n, "", true, false, idx)
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
			c := t.newChild(n, lit, false, false, idx)
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
		phase:    c.phase,
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
// added, so wholeSeg can only turn off; when it does, n becomes ambiguous.
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
	if !n.wholeSeg && n.phase == 0 {
		t.settle(n, 0) // a parameter node in phase 0 has a parent in phase 0
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

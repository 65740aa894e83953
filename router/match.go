package router

import (
	"bytes"
	"sync"
)

// noRoute is the "best so far" before any route matched; every route index
// is below it.
const noRoute = int32(1<<31 - 1)

// maxPath is the longest path Lookup handles: offsets are kept in int32s to
// keep the per-lookup state, which Go zeroes on every call, small.
const maxPath = 1<<31 - 2

// span locates a parameter value in the path.
type span struct{ start, end int32 }

// matcher is one search of the tree. It lives on the caller's stack. The
// path is passed along as an argument rather than kept here, and values are
// recorded as offsets, never as slices: escape analysis does not tell fields
// apart, so a path stored in the struct would follow the pooled bitmap to
// the heap, and with it a path held in a stack buffer.
type matcher struct {
	routes []route
	bit    uint64 // the request method's bit; 0 if no route names it

	// collect switches from "find the lowest route index matching path and
	// method" to "union the methods of all routes matching path".
	collect bool
	mask    uint64

	best  int32
	caps  [MaxParams]span // values on the current branch
	ncap  int
	found *[MaxParams]span // where the values of the best route go, if wanted

	// The visited set of (memo row, offset) pairs: the first localMemo
	// bits live here, the rest in a pooled bitmap fetched on demand.
	memos int32
	local [localMemo / 64]uint64
	spill *[]uint64
}

// localMemo is how many visited bits a matcher carries on the stack: enough
// for a few ambiguous nodes on ordinary paths.
const localMemo = 512

// spills holds the visited bitmaps that did not fit in a matcher.
var spills = sync.Pool{New: func() any { return new([]uint64) }}

// visit marks (n, pos) visited and reports whether it already was. A second
// visit can never help: the first explored every route below n from pos
// that could beat the best match then, and the best only improves.
func (m *matcher) visit(n *node, pathLen, pos int) bool {
	k := int(n.memo)*(pathLen+1) + pos
	var w *uint64
	if k < localMemo {
		w = &m.local[k/64]
	} else {
		if m.spill == nil {
			size := (int(m.memos)*(pathLen+1)-localMemo)/64 + 1
			m.spill = spills.Get().(*[]uint64)
			if cap(*m.spill) < size {
				*m.spill = make([]uint64, size)
			}
			*m.spill = (*m.spill)[:size]
			clear(*m.spill)
		}
		w = &(*m.spill)[(k-localMemo)/64]
	}
	bit := uint64(1) << (k % 64)
	if *w&bit != 0 {
		return true
	}
	*w |= bit
	return false
}

// run searches the tree from root and returns any pooled memory.
func (m *matcher) run(root *node, path []byte) {
	m.walk(root, path, 0)
	if m.spill != nil {
		spills.Put(m.spill)
		m.spill = nil
	}
}

// walk searches below n, which was entered with path[:pos] consumed.
func (m *matcher) walk(n *node, path []byte, pos int) {
	if !m.collect && n.min >= m.best || n.memo >= 0 && m.visit(n, len(path), pos) {
		return
	}
	if pos == len(path) {
		m.end(n)
		// Only the path convertor accepts an empty value.
		if n.rest != nil {
			m.capture(n.rest, path, pos, pos)
		}
		return
	}
	if i := n.staticIndex(path[pos]); i >= 0 {
		c := n.statics[i]
		if end := pos + len(c.prefix); end <= len(path) && string(path[pos:end]) == c.prefix {
			m.walk(c, path, end)
		}
	}
	if n.nParams > 0 {
		m.walkParams(n, path, pos)
	}
	if n.rest != nil {
		m.capture(n.rest, path, pos, len(path))
	}
}

// walkParams tries the segment parameter children of n at pos.
func (m *matcher) walkParams(n *node, path []byte, pos int) {
	seg := path[pos:]
	if i := bytes.IndexByte(seg, '/'); i >= 0 {
		seg = seg[:i]
	}
	if len(seg) == 0 {
		return
	}
	for k, c := range n.params {
		if c == nil || !m.collect && c.min >= m.best {
			continue
		}
		k := kind(k)
		if c.wholeSeg {
			if k.whole(seg) {
				m.capture(c, path, pos, pos+len(seg))
			}
			continue
		}
		for l := k.longest(seg); l > 0; l = k.shorter(seg, l) {
			m.capture(c, path, pos, pos+l)
			if !m.collect && c.min >= m.best {
				// The first split that reaches a route is the one a
				// backtracking regexp reports; nothing later can beat it.
				break
			}
		}
	}
}

// capture records path[start:end] as the value consumed by entering c and
// searches below c.
func (m *matcher) capture(c *node, path []byte, start, end int) {
	m.caps[m.ncap] = span{int32(start), int32(end)}
	m.ncap++
	m.walk(c, path, end)
	m.ncap--
}

// end handles the routes of n when the whole path has been consumed.
func (m *matcher) end(n *node) {
	if m.collect {
		for _, idx := range n.routes {
			m.mask |= m.routes[idx].mask
		}
		return
	}
	for _, idx := range n.routes {
		if idx >= m.best {
			return
		}
		if rt := &m.routes[idx]; rt.anyMethod || rt.mask&m.bit != 0 {
			m.best = idx
			if m.found != nil {
				copy(m.found[:], m.caps[:m.ncap])
			}
			return
		}
	}
}

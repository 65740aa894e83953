package router

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// maxMethods is the number of distinct methods a Router can tell apart: each
// gets one bit of a uint64 so a route's methods are a single mask.
const maxMethods = 64

// maxPrepared bounds how many Allow values Add prepares ahead of time. Only
// an application with a dozen or more distinct methods gets near it; past it
// the rare missing value is built on first use and cached.
const maxPrepared = 1 << 12

// methodTable gives each distinct method a bit and holds the Allow values for
// every union of route masks, so a 405 costs a map read and no formatting.
type methodTable struct {
	names    []string            // names[i] is the method of bit i
	seen     map[uint64]struct{} // distinct route masks registered
	allow    map[uint64]string   // prepared Allow values, by mask
	overflow sync.Map            // uint64 -> string, beyond maxPrepared
}

// bit returns the bit of method, or 0 for a method no route names.
func (t *methodTable) bit(method []byte) uint64 {
	for i, name := range t.names {
		if string(method) == name {
			return 1 << i
		}
	}
	return 0
}

// maskOf upper-cases and checks methods (as Starlette upper-cases them),
// assigning bits to new ones, and returns their mask. It changes nothing when
// it fails.
func (t *methodTable) maskOf(methods []string) (uint64, string) {
	upper := make([]string, len(methods))
	fresh := 0
	for i, m := range methods {
		u := strings.ToUpper(m)
		if !isToken(u) {
			return 0, fmt.Sprintf("method %q is not an HTTP token", m)
		}
		upper[i] = u
		if t.bit([]byte(u)) == 0 && !slices.Contains(upper[:i], u) {
			fresh++
		}
	}
	if len(t.names)+fresh > maxMethods {
		return 0, fmt.Sprintf("more than %d distinct methods", maxMethods)
	}
	var mask uint64
	for _, u := range upper {
		b := t.bit([]byte(u))
		if b == 0 {
			b = 1 << len(t.names)
			t.names = append(t.names, u)
		}
		mask |= b
	}
	return mask, ""
}

// prepare records a route mask and the Allow values of its unions with every
// mask prepared so far: a 405 reports the union over the routes matching the
// path, and any set of routes may match one path.
func (t *methodTable) prepare(mask uint64) {
	if t.seen == nil {
		t.seen = map[uint64]struct{}{}
		t.allow = map[uint64]string{}
	}
	if _, ok := t.seen[mask]; ok {
		return
	}
	t.seen[mask] = struct{}{}
	known := make([]uint64, 0, len(t.allow)+1)
	for m := range t.allow {
		known = append(known, m)
	}
	known = append(known, 0)
	for _, m := range known {
		u := m | mask
		if _, ok := t.allow[u]; !ok && len(t.allow) < maxPrepared {
			t.allow[u] = t.format(u)
		}
	}
}

// allowFor returns the Allow value for mask.
func (t *methodTable) allowFor(mask uint64) string {
	if s, ok := t.allow[mask]; ok {
		return s
	}
	if s, ok := t.overflow.Load(mask); ok {
		return s.(string)
	}
	s, _ := t.overflow.LoadOrStore(mask, t.format(mask))
	return s.(string)
}

// format lists the methods of mask in byte order, joined by ", ". The order
// depends only on the names, so values prepared early stay right as methods
// are added.
func (t *methodTable) format(mask uint64) string {
	var names []string
	for i, name := range t.names {
		if mask&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// isToken reports whether s is a non-empty RFC 9110 token, the syntax of a
// method name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

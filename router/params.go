package router

// Params holds the parameters of a matched route. Its storage is fixed, so
// one Params can serve request after request without allocating; values are
// slices of the path given to Lookup and stay valid only as long as it does.
type Params struct {
	n     int
	path  []byte
	spans [MaxParams]span
	names [MaxParams]string
}

// Len returns the number of parameters.
func (p *Params) Len() int { return p.n }

// Name returns the name of parameter i, 0 <= i < Len(), in pattern order.
func (p *Params) Name(i int) string { return p.names[:p.n][i] }

// Value returns the value of parameter i, 0 <= i < Len(), in pattern order.
// It is a slice of the looked-up path, capped so appending cannot write
// into the rest of the path.
func (p *Params) Value(i int) []byte {
	s := p.spans[:p.n][i]
	return p.path[s.start:s.end:s.end]
}

// Get returns the value of the parameter called name.
func (p *Params) Get(name string) ([]byte, bool) {
	for i := 0; i < p.n; i++ {
		if p.names[i] == name {
			return p.Value(i), true
		}
	}
	return nil, false
}

// Reset empties p. It drops the reference to the last path so a pooled
// Params does not keep a request buffer alive.
func (p *Params) Reset() {
	p.n = 0
	p.path = nil
}

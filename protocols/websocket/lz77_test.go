package websocket

import (
	"errors"
	"testing"
)

// A minimal DEFLATE decoder (RFC 1951) written for the tests: besides the
// output it reports the longest back-reference distance, which is what
// server_max_window_bits limits (RFC 7692 §7.1.2.1) and compress/flate
// cannot be asked about. It is slow and simple on purpose.

type bitReader struct {
	data []byte
	pos  int // bit position
}

var errTruncated = errors.New("truncated deflate stream")

func (r *bitReader) bits(n int) (int, error) {
	v := 0
	for i := range n {
		if r.pos>>3 >= len(r.data) {
			return 0, errTruncated
		}
		v |= int(r.data[r.pos>>3]>>(r.pos&7)&1) << i
		r.pos++
	}
	return v, nil
}

// huffman is a canonical Huffman code as counts per length and symbols in
// code order (RFC 1951 §3.2.2).
type huffman struct {
	count [16]int
	sym   []int
}

func newHuffman(lengths []int) huffman {
	var h huffman
	for _, l := range lengths {
		h.count[l]++
	}
	h.count[0] = 0
	var offs [16]int
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	h.sym = make([]int, len(lengths))
	for s, l := range lengths {
		if l != 0 {
			h.sym[offs[l]] = s
			offs[l]++
		}
	}
	return h
}

// decode reads one symbol; Huffman codes are packed starting with their
// most significant bit (§3.1.1).
func (r *bitReader) decode(h *huffman) (int, error) {
	code, first, index := 0, 0, 0
	for l := 1; l <= 15; l++ {
		b, err := r.bits(1)
		if err != nil {
			return 0, err
		}
		code |= b
		if count := h.count[l]; code-first < count {
			return h.sym[index+code-first], nil
		} else {
			index += count
			first += count
		}
		first <<= 1
		code <<= 1
	}
	return 0, errors.New("invalid Huffman code")
}

var (
	lengthBase  = []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = []int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = []int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = []int{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clOrder     = []int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// inflateStats decodes a raw DEFLATE stream that ends with a final block,
// with history as the preset window, and returns the output and the
// longest distance used.
func inflateStats(data, history []byte) (out []byte, maxDist int, err error) {
	r := &bitReader{data: data}
	buf := append([]byte{}, history...)
	for {
		final, err := r.bits(1)
		if err != nil {
			return nil, 0, err
		}
		typ, err := r.bits(2)
		if err != nil {
			return nil, 0, err
		}
		switch typ {
		case 0: // stored, §3.2.4
			r.pos = (r.pos + 7) &^ 7
			p := r.pos >> 3
			if p+4 > len(data) {
				return nil, 0, errTruncated
			}
			n := int(data[p]) | int(data[p+1])<<8
			if n^0xffff != int(data[p+2])|int(data[p+3])<<8 {
				return nil, 0, errors.New("stored block LEN/NLEN mismatch")
			}
			if p+4+n > len(data) {
				return nil, 0, errTruncated
			}
			buf = append(buf, data[p+4:p+4+n]...)
			r.pos = (p + 4 + n) << 3
		case 1, 2:
			lit, dist, err := r.tables(typ)
			if err != nil {
				return nil, 0, err
			}
			for {
				sym, err := r.decode(&lit)
				if err != nil {
					return nil, 0, err
				}
				if sym < 256 {
					buf = append(buf, byte(sym))
					continue
				}
				if sym == 256 {
					break
				}
				sym -= 257
				if sym >= len(lengthBase) {
					return nil, 0, errors.New("bad length symbol")
				}
				e, err := r.bits(lengthExtra[sym])
				if err != nil {
					return nil, 0, err
				}
				length := lengthBase[sym] + e
				ds, err := r.decode(&dist)
				if err != nil {
					return nil, 0, err
				}
				if ds >= len(distBase) {
					return nil, 0, errors.New("bad distance symbol")
				}
				e, err = r.bits(distExtra[ds])
				if err != nil {
					return nil, 0, err
				}
				d := distBase[ds] + e
				if d > len(buf) {
					return nil, 0, errors.New("distance before the start of the window")
				}
				maxDist = max(maxDist, d)
				for range length {
					buf = append(buf, buf[len(buf)-d])
				}
			}
		default:
			return nil, 0, errors.New("reserved block type")
		}
		if final == 1 {
			return buf[len(history):], maxDist, nil
		}
	}
}

func (r *bitReader) tables(typ int) (lit, dist huffman, err error) {
	if typ == 1 { // fixed codes, §3.2.6
		l := make([]int, 288)
		for i := range l {
			switch {
			case i < 144:
				l[i] = 8
			case i < 256:
				l[i] = 9
			case i < 280:
				l[i] = 7
			default:
				l[i] = 8
			}
		}
		d := make([]int, 30)
		for i := range d {
			d[i] = 5
		}
		return newHuffman(l), newHuffman(d), nil
	}
	// dynamic codes, §3.2.7
	hlit, err := r.bits(5)
	if err != nil {
		return lit, dist, err
	}
	hdist, err := r.bits(5)
	if err != nil {
		return lit, dist, err
	}
	hclen, err := r.bits(4)
	if err != nil {
		return lit, dist, err
	}
	cl := make([]int, 19)
	for i := range hclen + 4 {
		if cl[clOrder[i]], err = r.bits(3); err != nil {
			return lit, dist, err
		}
	}
	clh := newHuffman(cl)
	n := hlit + 257 + hdist + 1
	lengths := make([]int, 0, n)
	for len(lengths) < n {
		sym, err := r.decode(&clh)
		if err != nil {
			return lit, dist, err
		}
		rep, val := 1, sym
		switch sym {
		case 16:
			if len(lengths) == 0 {
				return lit, dist, errors.New("repeat with no previous length")
			}
			e, err := r.bits(2)
			if err != nil {
				return lit, dist, err
			}
			rep, val = 3+e, lengths[len(lengths)-1]
		case 17:
			e, err := r.bits(3)
			if err != nil {
				return lit, dist, err
			}
			rep, val = 3+e, 0
		case 18:
			e, err := r.bits(7)
			if err != nil {
				return lit, dist, err
			}
			rep, val = 11+e, 0
		}
		for range rep {
			lengths = append(lengths, val)
		}
	}
	if len(lengths) > n {
		return lit, dist, errors.New("code lengths overflow")
	}
	return newHuffman(lengths[:hlit+257]), newHuffman(lengths[hlit+257:]), nil
}

// The decoder agrees with compress/flate on streams with stored, fixed and
// dynamic blocks, with and without a preset window.
func TestInflateStatsAgreesWithFlate(t *testing.T) {
	var c Conn
	c.params = DeflateParams{Enabled: true, ServerNoContextTakeover: true}
	for _, level := range []int{1, 6, 9, -2, 0} {
		c.level = level
		for _, payload := range [][]byte{nil, []byte("a"), []byte(repeat("abcabcabd", 1000)), pseudoRandom(5000)} {
			z, _ := c.compress(nil, payload)
			out, _, err := inflateStats(append(z, inflateTail...), nil)
			if err != nil || string(out) != string(payload) {
				t.Fatalf("level %d, %d bytes: err %v, %d bytes out", level, len(payload), err, len(out))
			}
		}
	}
}

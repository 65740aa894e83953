package pybridge

import "encoding/binary"

// Field indexes of the fixed request fields in a Meta buffer; they mirror the FA_F_* enum of fa.h.
const (
	FieldMethod = iota
	FieldPath
	FieldRawPath
	FieldQuery
	FieldClientHost
	FieldServerHost
	FieldScheme
	FieldHTTPVersion
	// FieldBodyForm is non-empty when the body is a form record made by the server (the
	// form already parsed) rather than the bytes received.
	FieldBodyForm
	numFields
)

const (
	fixedWords = 5
	headSize   = 4 * (fixedWords + 2*numFields)
)

// Meta builds the flat buffer that carries one request's fields across the cgo boundary: a
// table of (offset, length) words and the bytes they point into, with no pointers inside, so
// cgo's pointer rules allow passing it and C copies it into Python with one allocation.
// Reset it before each request; its storage is reused.
type Meta struct {
	buf   []byte
	pairs []uint32
	nHdr  uint32
	nPar  uint32
}

// Reset starts a new request.
func (m *Meta) Reset() {
	if cap(m.buf) < headSize {
		m.buf = make([]byte, headSize, 1024)
	}
	m.buf = m.buf[:headSize]
	clear(m.buf)
	m.pairs = m.pairs[:0]
	m.nHdr, m.nPar = 0, 0
}

func (m *Meta) put(b []byte) (off, n uint32) {
	off = uint32(len(m.buf))
	m.buf = append(m.buf, b...)
	return off, uint32(len(b))
}

// SetField stores one of the Field* values.
func (m *Meta) SetField(field int, value []byte) {
	off, n := m.put(value)
	binary.NativeEndian.PutUint32(m.buf[4*(fixedWords+2*field):], off)
	binary.NativeEndian.PutUint32(m.buf[4*(fixedWords+2*field)+4:], n)
}

// SetFieldString is SetField for a string value.
func (m *Meta) SetFieldString(field int, value string) {
	off := uint32(len(m.buf))
	m.buf = append(m.buf, value...)
	binary.NativeEndian.PutUint32(m.buf[4*(fixedWords+2*field):], off)
	binary.NativeEndian.PutUint32(m.buf[4*(fixedWords+2*field)+4:], uint32(len(value)))
}

// SetPorts stores the client and server ports.
func (m *Meta) SetPorts(client, server int) {
	binary.NativeEndian.PutUint32(m.buf[8:], uint32(client))
	binary.NativeEndian.PutUint32(m.buf[12:], uint32(server))
}

// AddHeader appends a header whose name is lower-cased on the way in (ASGI's convention,
// which the Python side relies on). All headers must be added before any param.
func (m *Meta) AddHeader(name, value []byte) {
	off := uint32(len(m.buf))
	for _, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		m.buf = append(m.buf, c)
	}
	voff, vn := m.put(value)
	m.pairs = append(m.pairs, off, uint32(len(name)), voff, vn)
	m.nHdr++
}

// AddParam appends a path parameter.
func (m *Meta) AddParam(name string, value []byte) {
	off := uint32(len(m.buf))
	m.buf = append(m.buf, name...)
	voff, vn := m.put(value)
	m.pairs = append(m.pairs, off, uint32(len(name)), voff, vn)
	m.nPar++
}

// Bytes finishes the buffer and returns it; it stays valid until the next Reset.
func (m *Meta) Bytes() []byte {
	for len(m.buf)%4 != 0 {
		m.buf = append(m.buf, 0)
	}
	binary.NativeEndian.PutUint32(m.buf[0:], m.nHdr)
	binary.NativeEndian.PutUint32(m.buf[4:], m.nPar)
	binary.NativeEndian.PutUint32(m.buf[16:], uint32(len(m.buf)))
	for _, w := range m.pairs {
		m.buf = binary.NativeEndian.AppendUint32(m.buf, w)
	}
	return m.buf
}

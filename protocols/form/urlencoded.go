package form

import "bytes"

// urlencoded parses application/x-www-form-urlencoded (WHATWG URL Standard §5.1): fields
// separated by '&', name and value by the first '=', '+' for space and %XX escapes. Empty
// fields are skipped; a field without '=' has an empty value.
type urlencoded struct {
	lim    Limits
	field  []byte // the current field's raw bytes so far
	events []Event
	fields int
	err    *Error
	closed bool
}

func (u *urlencoded) Feed(data []byte) ([]Event, error) {
	if u.err != nil {
		return nil, u.err
	}
	u.events = u.events[:0]
	for len(data) > 0 {
		i := bytes.IndexByte(data, '&')
		piece := data
		if i >= 0 {
			piece = data[:i]
		}
		if int64(len(u.field)+len(piece)) > u.lim.MaxFieldSize {
			u.err = fieldTooLarge("Field", u.lim.MaxFieldSize)
			return nil, u.err
		}
		if i < 0 {
			u.field = append(u.field, piece...)
			break
		}
		if err := u.endField(piece); err != nil {
			return nil, err
		}
		data = data[i+1:]
	}
	return u.events, nil
}

func (u *urlencoded) Close() ([]Event, error) {
	if u.err != nil {
		return nil, u.err
	}
	u.events = u.events[:0]
	if !u.closed {
		u.closed = true
		if err := u.endField(nil); err != nil {
			return nil, err
		}
	}
	return u.events, nil
}

// endField emits the field made of u.field and tail. Events of one Feed may point into
// the same decoded bytes, so every field gets fresh memory.
func (u *urlencoded) endField(tail []byte) error {
	raw := tail
	if len(u.field) > 0 {
		raw = append(u.field, tail...)
	}
	defer func() { u.field = u.field[:0] }()
	if len(raw) == 0 {
		return nil
	}
	u.fields++
	if u.fields > u.lim.MaxFields {
		u.err = tooManyFields(u.lim.MaxFields)
		return u.err
	}
	name, value, _ := bytes.Cut(raw, []byte("="))
	data := decodeField(value)
	// Feed bounds the raw field; a raw byte above 0x7F decodes to two bytes of UTF-8, so the
	// value the reader gets is bounded again.
	if int64(len(data)) > u.lim.MaxFieldSize {
		u.err = fieldTooLarge("Field", u.lim.MaxFieldSize)
		return u.err
	}
	part := &Part{Name: decodeField(name)}
	u.events = append(u.events, Event{Kind: PartStart, Part: part},
		Event{Kind: PartData, Data: data}, Event{Kind: PartEnd})
	return nil
}

// decodeField decodes a name or value as Starlette does (unquote_plus of the latin-1
// text): '+' is a space, %XX escapes are bytes (UTF-8 text, for the reader to decode), and
// a raw byte above 0x7F, which a browser would have escaped, is the latin-1 character.
func decodeField(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		case c == '+':
			out = append(out, ' ')
		default:
			out = appendLatin1(out, c)
		}
	}
	return out
}

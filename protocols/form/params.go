package form

import "bytes"

// isTokenChar reports a tchar (RFC 9110 §5.6.2).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}

func trimOWS(b []byte) []byte { return bytes.Trim(b, " \t") }

// param is one parameter of a header value like Content-Type or Content-Disposition.
type param struct {
	name, value []byte
}

// splitParams splits `main *( OWS ";" OWS name "=" ( token / quoted-string ) )` (RFC 9110
// §5.6.6) into the main value and its parameters. Quoted-strings are unescaped (§5.6.4)
// into fresh memory; a parameter without "=" is skipped, as email.message does, and so is
// a quoted-string with no closing quote.
func splitParams(v []byte) (main []byte, params []param) {
	end := bytes.IndexByte(v, ';')
	if end < 0 {
		return trimOWS(v), nil
	}
	main, v = trimOWS(v[:end]), v[end+1:]
	for len(v) > 0 {
		v = trimOWS(v)
		eq := bytes.IndexAny(v, "=;")
		if eq < 0 {
			break
		}
		if v[eq] == ';' { // no value
			v = v[eq+1:]
			continue
		}
		name := trimOWS(v[:eq])
		v = trimOWS(v[eq+1:])
		var value []byte
		if len(v) > 0 && v[0] == '"' {
			var ok bool
			value, v, ok = quotedString(v)
			if !ok {
				break
			}
			if i := bytes.IndexByte(v, ';'); i >= 0 {
				v = v[i+1:]
			} else {
				v = nil
			}
		} else {
			if i := bytes.IndexByte(v, ';'); i >= 0 {
				value, v = trimOWS(v[:i]), v[i+1:]
			} else {
				value, v = trimOWS(v), nil
			}
		}
		if len(name) > 0 {
			params = append(params, param{name: name, value: value})
		}
	}
	return main, params
}

// quotedString reads a quoted-string at the start of v (RFC 9110 §5.6.4) and returns its
// unescaped content and what follows it.
func quotedString(v []byte) (value, rest []byte, ok bool) {
	out := make([]byte, 0, len(v))
	for i := 1; i < len(v); i++ {
		switch c := v[i]; c {
		case '"':
			return out, v[i+1:], true
		case '\\':
			if i+1 < len(v) {
				i++
				out = append(out, v[i])
			}
		default:
			out = append(out, c)
		}
	}
	return nil, nil, false
}

func lookup(params []param, name string) ([]byte, bool) {
	for i := len(params) - 1; i >= 0; i-- {
		if asciiEqualFold(params[i].name, name) {
			return params[i].value, true
		}
	}
	return nil, false
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// extValue decodes an RFC 8187 ext-value (`charset'language'pct-encoded`) to UTF-8;
// ok is false for another charset or a malformed value.
func extValue(v []byte) (decoded []byte, ok bool) {
	first := bytes.IndexByte(v, '\'')
	if first < 0 {
		return nil, false
	}
	second := bytes.IndexByte(v[first+1:], '\'')
	if second < 0 {
		return nil, false
	}
	charset, text := v[:first], v[first+1+second+1:]
	raw, ok := percentDecode(text)
	if !ok {
		return nil, false
	}
	switch {
	case asciiEqualFold(charset, "utf-8"):
		return raw, true
	case asciiEqualFold(charset, "iso-8859-1"):
		out := make([]byte, 0, 2*len(raw))
		for _, c := range raw {
			out = appendLatin1(out, c)
		}
		return out, true
	}
	return nil, false
}

func appendLatin1(out []byte, c byte) []byte {
	if c < 0x80 {
		return append(out, c)
	}
	return append(out, 0xC0|c>>6, 0x80|c&0x3F)
}

// percentDecode decodes the %XX escapes of an RFC 8187 value; ok is false when a '%' does
// not start one.
func percentDecode(b []byte) ([]byte, bool) {
	out := make([]byte, 0, len(b))
	ok := true
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		case c == '%':
			ok = false
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out, ok
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

package server

// percentDecode appends the percent-decoding of p to dst. Invalid escapes are kept literally,
// as Python's urllib.parse.unquote (which Starlette uses for scope["path"]) does.
func percentDecode(dst, p []byte) []byte {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '%' && i+2 < len(p) {
			h, ok1 := unhex(p[i+1])
			l, ok2 := unhex(p[i+2])
			if ok1 && ok2 {
				dst = append(dst, h<<4|l)
				i += 2
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func hasPercent(p []byte) bool {
	for _, c := range p {
		if c == '%' {
			return true
		}
	}
	return false
}

package http1

import "bytes"

// lineStatus is the outcome of a bounded search for a line terminator.
type lineStatus uint8

const (
	lineFound lineStatus = iota
	lineMore
	lineTooLong
)

// findLF locates the LF ending the line that starts at p.pos, looking no
// further than limit. Reporting lineTooLong as soon as limit bytes are in
// hand, instead of waiting for a terminator, is what keeps a peer from making
// us buffer an endless line.
func (p *Parser) findLF(buf []byte, limit int) (int, lineStatus) {
	from := max(p.scan, p.pos)
	to := min(len(buf), limit)
	if from < to {
		if i := bytes.IndexByte(buf[from:to], '\n'); i >= 0 {
			return from + i, lineFound
		}
		p.scan = to
	}
	if len(buf) >= limit {
		return -1, lineTooLong
	}
	return -1, lineMore
}

// crlfLine checks that the line [p.pos, lf] ends in CRLF and returns where
// its content ends. See the package documentation for why bare LF is
// rejected.
func (p *Parser) crlfLine(buf []byte, lf int) (int, *Error) {
	if lf == p.pos || buf[lf-1] != '\r' {
		return 0, errBareLF()
	}
	return lf - 1, nil
}

// window returns start+n, saturating, as the exclusive end of a bounded
// search.
func window(start, n int) int {
	if end := start + n; end >= start {
		return end
	}
	return int(^uint(0) >> 1)
}

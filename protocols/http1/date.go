package http1

import "time"

const (
	dayNames   = "SunMonTueWedThuFriSat"
	monthNames = "JanFebMarAprMayJunJulAugSepOctNovDec"
)

// AppendDate appends t in IMF-fixdate form, e.g.
// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7). It is written by hand
// rather than with time.Format so the per-response cost stays
// allocation-free; t is converted to UTC and its year must be 0-9999.
func AppendDate(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	wd := int(t.Weekday()) * 3
	mo := (int(month) - 1) * 3
	dst = append(dst, dayNames[wd:wd+3]...)
	dst = append(dst, ", "...)
	dst = append2(dst, day)
	dst = append(dst, ' ')
	dst = append(dst, monthNames[mo:mo+3]...)
	dst = append(dst, ' ')
	dst = append2(dst, year/100)
	dst = append2(dst, year)
	dst = append(dst, ' ')
	dst = append2(dst, hour)
	dst = append(dst, ':')
	dst = append2(dst, minute)
	dst = append(dst, ':')
	dst = append2(dst, sec)
	return append(dst, " GMT"...)
}

// append2 appends the last two decimal digits of n.
func append2(dst []byte, n int) []byte {
	return append(dst, byte('0'+n/10%10), byte('0'+n%10))
}

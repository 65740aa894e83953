package http1

// validStatus maps codes that cannot be written as the three-digit
// status-code of RFC 9112 §4 to 500, so a handler bug can never put an
// unparseable status line on the wire.
func validStatus(status int) int {
	if status < 100 || status > 999 {
		return 500
	}
	return status
}

// AppendStatusLine appends "HTTP/1.1 <code> <reason>\r\n" (RFC 9112 §4).
// Codes without a registered phrase get an empty reason ("HTTP/1.1 299 \r\n"),
// which the grammar allows; codes outside 100-999 are written as 500.
func AppendStatusLine(dst []byte, status int) []byte {
	status = validStatus(status)
	dst = append(dst, "HTTP/1.1 "...)
	dst = append(dst, byte('0'+status/100), byte('0'+status/10%10), byte('0'+status%10), ' ')
	dst = append(dst, reasonPhrase(status)...)
	return append(dst, "\r\n"...)
}

// BodyAllowed reports whether a response with this status may carry
// content: 1xx, 204 and 304 may not (RFC 9110 §6.4.1).
func BodyAllowed(status int) bool {
	return (status < 100 || status >= 200) && status != 204 && status != 304
}

// reasonPhrase returns the phrases of RFC 9110 §15, plus those of RFC 6585
// (428, 429, 431, 511), RFC 8297 (103), RFC 8470 (425) and RFC 7725 (451)
// because the server itself emits 431 and handlers commonly use the others.
// 306 and 418 are "(Unused)" in RFC 9110 and get no phrase.
func reasonPhrase(status int) string {
	switch status {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 103:
		return "Early Hints"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 203:
		return "Non-Authoritative Information"
	case 204:
		return "No Content"
	case 205:
		return "Reset Content"
	case 206:
		return "Partial Content"
	case 300:
		return "Multiple Choices"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 305:
		return "Use Proxy"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 402:
		return "Payment Required"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 406:
		return "Not Acceptable"
	case 407:
		return "Proxy Authentication Required"
	case 408:
		return "Request Timeout"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 411:
		return "Length Required"
	case 412:
		return "Precondition Failed"
	case 413:
		return "Content Too Large"
	case 414:
		return "URI Too Long"
	case 415:
		return "Unsupported Media Type"
	case 416:
		return "Range Not Satisfiable"
	case 417:
		return "Expectation Failed"
	case 421:
		return "Misdirected Request"
	case 422:
		return "Unprocessable Content"
	case 425:
		return "Too Early"
	case 426:
		return "Upgrade Required"
	case 428:
		return "Precondition Required"
	case 429:
		return "Too Many Requests"
	case 431:
		return "Request Header Fields Too Large"
	case 451:
		return "Unavailable For Legal Reasons"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	case 505:
		return "HTTP Version Not Supported"
	case 511:
		return "Network Authentication Required"
	}
	return ""
}

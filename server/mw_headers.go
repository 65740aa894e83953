package server

import (
	"bytes"

	"github.com/fasterapi/fasterapi/protocols/http1"
)

// Response heads travel through the server as "name: value\r\n" lines. The built-in
// middleware edit them the way Starlette's MutableHeaders edits its list: setting a field
// replaces its first line in place and drops the others, or appends it; names compare
// without case (the name given here in lower case).

// headValues returns every value of the field name, in order.
func headValues(head []byte, name string) []string {
	var values []string
	for line := range bytes.SplitSeq(head, []byte("\r\n")) {
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && http1.EqualFold(k, name) {
			values = append(values, string(bytes.TrimSpace(v)))
		}
	}
	return values
}

// headSet sets the field name to value: its first line is replaced in place and later ones
// are removed; without one, the line is appended.
func headSet(head []byte, name, value string) []byte {
	out := make([]byte, 0, len(head)+len(name)+len(value)+4)
	done := false
	for line := range bytes.SplitAfterSeq(head, []byte("\r\n")) {
		if k, _, ok := bytes.Cut(line, []byte(":")); ok && http1.EqualFold(k, name) {
			if !done {
				out = appendField(out, name, value)
				done = true
			}
			continue
		}
		out = append(out, line...)
	}
	if !done {
		out = appendField(out, name, value)
	}
	return out
}

// headDel removes every line of the field name.
func headDel(head []byte, name string) []byte {
	out := make([]byte, 0, len(head))
	for line := range bytes.SplitAfterSeq(head, []byte("\r\n")) {
		if k, _, ok := bytes.Cut(line, []byte(":")); ok && http1.EqualFold(k, name) {
			continue
		}
		out = append(out, line...)
	}
	return out
}

// headHas reports whether the field name is present.
func headHas(head []byte, name string) bool {
	_, ok := headerValue(head, name)
	return ok
}

// headAddVary appends a value to Vary, joining the values already there into one line
// (Starlette's `headers["Vary"] = ", ".join([*headers.getlist("Vary"), value])`).
func headAddVary(head []byte, value string) []byte {
	joined := value
	if values := headValues(head, "vary"); len(values) > 0 {
		joined = ""
		for _, v := range values {
			joined += v + ", "
		}
		joined += value
	}
	return headSet(head, "vary", joined)
}

package router

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxParams is the most parameters a pattern may declare; it is also the
// capacity of Params, which is why it is a hard limit.
const MaxParams = 16

// PatternError is the error Add returns for a pattern or method list it
// cannot register.
type PatternError struct {
	Pattern string // the pattern as passed to Add
	Problem string // what is wrong with it
}

// Error names the pattern and the problem.
func (e *PatternError) Error() string {
	return fmt.Sprintf("router: pattern %q: %s", e.Pattern, e.Problem)
}

// token is one piece of a parsed pattern: literal text, or a parameter.
type token struct {
	lit   string // literal text; empty for a parameter
	name  string // parameter name
	kind  kind   // parameter convertor
	param bool
}

// parsePattern splits a pattern into tokens and returns the parameter names
// in order of appearance.
func parsePattern(pattern string) (toks []token, names []string, err error) {
	fail := func(format string, args ...any) ([]token, []string, error) {
		return nil, nil, &PatternError{Pattern: pattern, Problem: fmt.Sprintf(format, args...)}
	}
	if !strings.HasPrefix(pattern, "/") {
		return fail(`must start with "/"`)
	}
	// Literals are matched as bytes against decoded paths; keeping them valid
	// UTF-8 guarantees a literal never ends inside a character, which the
	// str convertor relies on.
	if !utf8.ValidString(pattern) {
		return fail("is not valid UTF-8")
	}
	start := 0 // beginning of the pending literal
	flush := func(end int) {
		if end > start {
			toks = append(toks, token{lit: pattern[start:end]})
		}
	}
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '}':
			return fail(`"}" at offset %d closes no "{"`, i)
		case '{':
			j := strings.IndexAny(pattern[i+1:], "{}")
			if j < 0 || pattern[i+1+j] == '{' {
				return fail(`"{" at offset %d is not closed`, i)
			}
			inner := pattern[i+1 : i+1+j]
			name, conv, hasConv := strings.Cut(inner, ":")
			if !isIdentifier(name) {
				return fail("parameter name %q is not an identifier", name)
			}
			k := kindStr
			if hasConv {
				var ok bool
				if k, ok = kindByName[conv]; !ok {
					return fail("parameter %q has unknown convertor %q (want str, int, float, uuid or path)", name, conv)
				}
			}
			for _, n := range names {
				if n == name {
					return fail("parameter %q appears twice", name)
				}
			}
			end := i + 1 + j + 1
			if k == kindPath && end != len(pattern) {
				return fail("path parameter %q must end the pattern", name)
			}
			if len(names) == MaxParams {
				return fail("more than %d parameters", MaxParams)
			}
			flush(i)
			toks = append(toks, token{name: name, kind: k, param: true})
			names = append(names, name)
			start = end
			i = end - 1
		}
	}
	flush(len(pattern))
	return toks, names, nil
}

// isIdentifier reports whether s is an ASCII identifier, the form Starlette
// recognises as a parameter name.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

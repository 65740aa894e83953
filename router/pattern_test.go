package router

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// describe prints tokens compactly: literals quoted, parameters in braces.
func describe(toks []token) string {
	var parts []string
	for _, t := range toks {
		if t.param {
			parts = append(parts, fmt.Sprintf("{%s:%v}", t.name, t.kind))
		} else {
			parts = append(parts, fmt.Sprintf("%q", t.lit))
		}
	}
	return strings.Join(parts, " ")
}

func TestParsePattern(t *testing.T) {
	tests := []struct {
		pattern string
		toks    string
		names   []string
	}{
		{"/", `"/"`, nil},
		{"/users/me", `"/users/me"`, nil},
		{"/users/{id}", `"/users/" {id:str}`, []string{"id"}},
		{"/users/{id:int}/x", `"/users/" {id:int} "/x"`, []string{"id"}},
		{"/files/{name}.txt", `"/files/" {name:str} ".txt"`, []string{"name"}},
		{"/{a:float}{b:uuid}", `"/" {a:float} {b:uuid}`, []string{"a", "b"}},
		{"/static/{p:path}", `"/static/" {p:path}`, []string{"p"}},
		{"/{_x9:str}", `"/" {_x9:str}`, []string{"_x9"}},
		{"/é/{x}", `"/é/" {x:str}`, []string{"x"}},
		{manyParams(16), "", nil}, // checked for success only
	}
	for _, tc := range tests {
		toks, names, err := parsePattern(tc.pattern)
		if err != nil {
			t.Errorf("parsePattern(%q): %v", tc.pattern, err)
			continue
		}
		if tc.toks == "" {
			continue
		}
		if got := describe(toks); got != tc.toks {
			t.Errorf("parsePattern(%q) = %s, want %s", tc.pattern, got, tc.toks)
		}
		if !slices.Equal(names, tc.names) {
			t.Errorf("parsePattern(%q) names %q, want %q", tc.pattern, names, tc.names)
		}
	}
}

func TestIsIdentifier(t *testing.T) {
	for s, want := range map[string]bool{"a": true, "_": true, "A_1": true, "": false, "1a": false, "a-b": false, "é": false} {
		if isIdentifier(s) != want {
			t.Errorf("isIdentifier(%q) = %v", s, !want)
		}
	}
}

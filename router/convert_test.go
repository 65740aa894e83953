package router

import (
	"slices"
	"testing"
)

// lengths lists the candidate lengths of k on seg in the order tried.
func lengths(k kind, seg string) []int {
	var ls []int
	for l := k.longest([]byte(seg)); l > 0; l = k.shorter([]byte(seg), l) {
		ls = append(ls, l)
	}
	return ls
}

func TestCandidateLengths(t *testing.T) {
	tests := []struct {
		k    kind
		seg  string
		want []int
	}{
		{kindStr, "abc", []int{3, 2, 1}},
		{kindStr, "", nil},
		{kindStr, "aé", []int{3, 1}},       // never inside a character
		{kindStr, "\xa9\xa9", []int{2, 1}}, // stray bytes count one each
		{kindStr, "é\xa9", []int{3, 2}},    // as Go's regexp decodes them
		{kindInt, "123x", []int{3, 2, 1}},
		{kindInt, "x1", nil},
		{kindFloat, "12.34x", []int{5, 4, 2, 1}}, // "12.34", "12.3", "12", "1"
		{kindFloat, "1.", []int{1}},
		{kindFloat, "1.x", []int{1}},
		{kindFloat, ".5", nil},
		{kindUUID, "123e4567-e89b-12d3-a456-426614174000abc", []int{36}},
		{kindUUID, "123e4567-e89b-12d3-a456-42661417400", nil},
		{kindUUID, "123e4567-e89b-12d3-a456_426614174000", nil},
		{kindUUID, "123e4567-e89b-12d3-a456-42661417400G", nil},
	}
	for _, tc := range tests {
		if got := lengths(tc.k, tc.seg); !slices.Equal(got, tc.want) {
			t.Errorf("%v on %q: lengths %v, want %v", tc.k, tc.seg, got, tc.want)
		}
	}
}

func TestWhole(t *testing.T) {
	tests := []struct {
		k    kind
		seg  string
		want bool
	}{
		{kindStr, "x", true},
		{kindStr, "", false},
		{kindInt, "0042", true},
		{kindInt, "4a", false},
		{kindInt, "", false},
		{kindFloat, "4", true},
		{kindFloat, "4.5", true},
		{kindFloat, "4.", false},
		{kindFloat, "4.5.6", false},
		{kindFloat, "", false},
		{kindUUID, "00000000-0000-0000-0000-00000000000f", true},
		{kindUUID, "00000000-0000-0000-0000-00000000000F", false},
		{kindUUID, "00000000-0000-0000-0000-00000000000f0", false},
	}
	for _, tc := range tests {
		if got := tc.k.whole([]byte(tc.seg)); got != tc.want {
			t.Errorf("%v.whole(%q) = %v, want %v", tc.k, tc.seg, got, tc.want)
		}
		// whole must agree with the longest candidate covering everything.
		if want := tc.k.longest([]byte(tc.seg)) == len(tc.seg) && len(tc.seg) > 0; tc.k.whole([]byte(tc.seg)) != want {
			t.Errorf("%v.whole(%q) disagrees with longest", tc.k, tc.seg)
		}
	}
}

func TestKindNames(t *testing.T) {
	for name, k := range kindByName {
		if k.String() != name {
			t.Errorf("kind %d prints as %q, want %q", k, k.String(), name)
		}
	}
}

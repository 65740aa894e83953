package server

import "testing"

func TestMimeGuess(t *testing.T) {
	mt := newMimeTypes(testTypes)
	cases := map[string]string{
		"/x/a.txt":     "text/plain; charset=utf-8",
		"/x/A.TXT":     "text/plain; charset=utf-8",
		"/x/a.tgz":     "application/x-tar",
		"/x/a.tar.gz":  "application/x-tar",
		"/x/a.gz":      "application/octet-stream",
		"/x/.txt":      "application/octet-stream",
		"/x.d/noext":   "application/octet-stream",
		"/x/a.unknown": "application/octet-stream",
	}
	for path, want := range cases {
		if got := mt.contentType(path); got != want {
			t.Errorf("contentType(%q) = %q, want %q", path, got, want)
		}
	}
}

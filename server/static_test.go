package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormPath(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"", ".", true},
		{"/", ".", true},
		{"a.txt", "a.txt", true},
		{"/a//b/./c.txt", "a/b/c.txt", true},
		{"a/../b", "b", true},
		{"a/b/../../c", "c", true},
		{"..", "", false},
		{"../x", "", false},
		{"a/../../x", "", false},
		{"/..%2f", "..%2f", true}, // decoding happened before: a literal name
		{"a\x00b", "", false},
	}
	for _, tc := range cases {
		got, ok := normPath(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("normPath(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzNormPath checks that a normalised path never leaves the mount.
func FuzzNormPath(f *testing.F) {
	f.Add("a/b/../c")
	f.Add("../../etc/passwd")
	f.Add("/./x/..")
	f.Fuzz(func(t *testing.T, p string) {
		clean, ok := normPath(p)
		if !ok {
			return
		}
		if strings.HasPrefix(clean, "/") || strings.Contains(clean, "\x00") {
			t.Fatalf("normPath(%q) = %q", p, clean)
		}
		for _, seg := range strings.Split(clean, "/") {
			if seg == ".." || seg == "" || (seg == "." && clean != ".") {
				t.Fatalf("normPath(%q) = %q keeps segment %q", p, clean, seg)
			}
		}
	})
}

// staticTree builds root/{pub/a.txt, pub/sub/b.css, pub/site/index.html, pub/link-in ->
// a.txt, pub/link-out -> ../secret.txt, secret.txt}.
func staticTree(t *testing.T) (root, pub string) {
	t.Helper()
	root = t.TempDir()
	pub = filepath.Join(root, "pub")
	for _, d := range []string{"sub", "site"} {
		if err := os.MkdirAll(filepath.Join(pub, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{"pub/a.txt": "a", "pub/sub/b.css": "b{}", "pub/site/index.html": "<p>",
		"secret.txt": "secret"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(pub, "link-in")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret.txt", filepath.Join(pub, "link-out")); err != nil {
		t.Fatal(err)
	}
	return root, pub
}

var testTypes = map[string]any{
	"types_map":     map[string]any{".txt": "text/plain", ".css": "text/css", ".html": "text/html", ".tar": "application/x-tar"},
	"suffix_map":    map[string]any{".tgz": ".tar.gz"},
	"encodings_map": map[string]any{".gz": "gzip"},
}

func mount(t *testing.T, dir string, html, follow bool) *staticMount {
	t.Helper()
	opts := map[string]any{"directory": dir, "html": html, "follow_symlink": follow}
	for k, v := range testTypes {
		opts[k] = v
	}
	m, err := newStaticMount("/static", opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestStaticAnswer(t *testing.T) {
	_, pub := staticTree(t)
	m := mount(t, pub, false, false)
	if m.pattern != "/static/{path:path}" {
		t.Errorf("pattern %q", m.pattern)
	}
	cases := []struct {
		method, rel string
		slash       bool
		kind        staticKind
		ctype       string
	}{
		{"GET", "a.txt", false, staticFile, "text/plain; charset=utf-8"},
		{"HEAD", "sub/b.css", false, staticFile, "text/css; charset=utf-8"},
		{"GET", "link-in", false, staticFile, "text/plain; charset=utf-8"}, // typed by its target
		{"GET", "link-out", false, staticNotFound, ""},
		{"GET", "../secret.txt", false, staticNotFound, ""},
		{"GET", "sub/../../secret.txt", false, staticNotFound, ""},
		{"GET", "nope.txt", false, staticNotFound, ""},
		{"GET", "sub", false, staticNotFound, ""},
		{"GET", "site/", true, staticNotFound, ""}, // html=False: no index
		{"POST", "a.txt", false, staticNoMethod, ""},
	}
	for _, tc := range cases {
		a := m.answer([]byte(tc.method), []byte(tc.rel), tc.slash)
		a.f.close()
		if a.kind != tc.kind {
			t.Errorf("%s %q: kind %v, want %v", tc.method, tc.rel, a.kind, tc.kind)
			continue
		}
		if tc.ctype != "" && string(a.head) != "content-type: "+tc.ctype+"\r\naccept-ranges: bytes\r\n" {
			t.Errorf("%s %q: head %q, want type %q", tc.method, tc.rel, a.head, tc.ctype)
		}
	}
}

func TestStaticFollowSymlink(t *testing.T) {
	_, pub := staticTree(t)
	a := mount(t, pub, false, true).answer([]byte("GET"), []byte("link-out"), false)
	a.f.close()
	if a.kind != staticFile {
		t.Errorf("follow_symlink=True: link-out kind %v, want a file (Starlette's check is lexical then)", a.kind)
	}
}

func TestStaticHTML(t *testing.T) {
	_, pub := staticTree(t)
	m := mount(t, pub, true, false)
	if a := m.answer([]byte("GET"), []byte("site"), false); a.kind != staticRedirect {
		t.Errorf("directory without slash: kind %v, want redirect", a.kind)
	}
	a := m.answer([]byte("GET"), []byte("site/"), true)
	if a.kind != staticFile || a.status != 200 || !strings.Contains(string(a.head), "text/html") {
		t.Errorf("directory index: %+v", a)
	}
	a.f.close()
	if a := m.answer([]byte("GET"), []byte("nope"), false); a.kind != staticNotFound {
		t.Errorf("no 404.html: kind %v", a.kind)
	}
	if err := os.WriteFile(filepath.Join(pub, "404.html"), []byte("gone"), 0o644); err != nil {
		t.Fatal(err)
	}
	a = m.answer([]byte("GET"), []byte("nope"), false)
	if a.kind != staticFile || a.status != 404 {
		t.Errorf("with 404.html: %+v", a)
	}
	a.f.close()
}

// TestStaticSymlinkPaths covers the links openat2 refuses and the slow path decides:
// an absolute link that lands inside is served (Starlette compares real paths), a directory
// link that leaves is not.
func TestStaticSymlinkPaths(t *testing.T) {
	root, pub := staticTree(t)
	if err := os.Symlink(filepath.Join(pub, "a.txt"), filepath.Join(pub, "abs-in")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(pub, "dir-out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub", filepath.Join(pub, "dir-in")); err != nil {
		t.Fatal(err)
	}
	m := mount(t, pub, false, false)
	if m.rootFD < 0 {
		t.Log("openat2 unavailable: only the slow path is tested")
	}
	cases := map[string]staticKind{
		"abs-in": staticFile, "dir-out/secret.txt": staticNotFound, "dir-in/b.css": staticFile,
		"dir-out/pub/a.txt": staticFile, // out and back in: its real path is inside
	}
	for rel, want := range cases {
		a := m.answer([]byte("GET"), []byte(rel), false)
		a.f.close()
		if a.kind != want {
			t.Errorf("%q: kind %v, want %v", rel, a.kind, want)
		}
	}
}

func TestRootMount(t *testing.T) {
	_, pub := staticTree(t)
	m, err := newStaticMount("", map[string]any{"directory": pub})
	if err != nil {
		t.Fatal(err)
	}
	if m.pattern != "/{path:path}" {
		t.Errorf("pattern %q", m.pattern)
	}
	a := m.answer([]byte("GET"), []byte("a.txt"), false)
	a.f.close()
	if a.kind != staticFile || string(a.head) != "content-type: application/octet-stream\r\naccept-ranges: bytes\r\n" {
		t.Errorf("root mount without mimetypes tables: %+v", a)
	}
}

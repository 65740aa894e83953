package server

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("abcdef"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := openPath(path)
	if err != nil {
		t.Fatal(err)
	}
	if !f.regular || f.dir || f.size != 6 || f.name != path {
		t.Errorf("openPath = %+v", f)
	}
	b := make([]byte, 3)
	if err := f.readAt(b, 2); err != nil || string(b) != "cde" {
		t.Errorf("readAt = %q, %v", b, err)
	}
	if err := f.readAt(make([]byte, 5), 4); !errors.Is(err, errFileShrank) {
		t.Errorf("reading past the end: %v, want errFileShrank", err)
	}
	f.close()
	f.close() // harmless
	var none *openFile
	none.close()
	d, err := openPath(dir)
	if err != nil || !d.dir || d.regular {
		t.Errorf("directory: %+v, %v", d, err)
	}
	d.close()
}

package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tempFile writes content to a new file with a fixed modification time.
func tempFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.txt")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
	return p
}

func plan(t *testing.T, path string, status int, userHead string, fields map[string]string, head bool) filePlan {
	t.Helper()
	f, err := openRegular(path)
	if err != nil {
		t.Fatal(err)
	}
	conds := condHeaders{getOrHead: true}
	for k, v := range fields {
		conds.set(k, []byte(v))
	}
	p := planFile(f, status, []byte(userHead), &conds, head)
	t.Cleanup(p.close)
	return p
}

func TestPlanFileFull(t *testing.T) {
	path := tempFile(t, "hello world")
	p := plan(t, path, 200, "content-type: text/plain\r\n", nil, false)
	if p.status != 200 || p.length != 11 || p.f == nil || len(p.segs) != 1 || p.segs[0].off != 0 || p.segs[0].n != 11 {
		t.Fatalf("plan = %+v", p)
	}
	head := string(p.head)
	for _, want := range []string{"content-type: text/plain\r\n", "last-modified: Wed, 01 May 2024 10:00:00 GMT\r\n",
		"etag: " + fileETag(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), 11) + "\r\n", "accept-ranges: bytes\r\n"} {
		if !strings.Contains(head, want) {
			t.Errorf("head %q lacks %q", head, want)
		}
	}
}

func TestPlanFileHeadHasNoBody(t *testing.T) {
	p := plan(t, tempFile(t, "hello"), 200, "", nil, true)
	if p.f != nil || p.length != 5 || p.status != 200 {
		t.Fatalf("HEAD plan = %+v", p)
	}
}

func TestPlanFileNotModified(t *testing.T) {
	path := tempFile(t, "hello")
	full := plan(t, path, 200, "cache-control: max-age=5\r\nx-other: 1\r\n", nil, false)
	etag, _ := headerValue(full.head, "etag")
	p := plan(t, path, 200, "cache-control: max-age=5\r\nx-other: 1\r\n", map[string]string{"if-none-match": etag}, false)
	if p.status != 304 || p.f != nil || p.length != -1 {
		t.Fatalf("plan = %+v", p)
	}
	if got := string(p.head); got != "cache-control: max-age=5\r\netag: "+etag+"\r\n" {
		t.Errorf("304 head = %q: only the fields RFC 9110 §15.4.5 lists are kept", got)
	}
	p = plan(t, path, 200, "", map[string]string{"if-modified-since": "Wed, 01 May 2024 10:00:00 GMT"}, false)
	if p.status != 304 {
		t.Errorf("If-Modified-Since at mtime: status %d", p.status)
	}
	p = plan(t, path, 200, "", map[string]string{"if-match": `"nope"`}, false)
	if p.status != 412 || p.f != nil {
		t.Errorf("failed If-Match: plan %+v", p)
	}
}

func TestPlanFileRanges(t *testing.T) {
	path := tempFile(t, "0123456789")
	p := plan(t, path, 200, "", map[string]string{"range": "bytes=2-4"}, false)
	if p.status != 206 || p.segs[0].off != 2 || p.segs[0].n != 3 || p.length != 3 {
		t.Fatalf("plan = %+v", p)
	}
	if !strings.Contains(string(p.head), "content-range: bytes 2-4/10\r\n") {
		t.Errorf("head %q", p.head)
	}
	p = plan(t, path, 200, "", map[string]string{"range": "bytes=20-"}, false)
	if p.status != 416 || p.f != nil || !strings.HasPrefix(string(p.head), "content-range: bytes */10\r\n") {
		t.Errorf("unsatisfiable: plan %+v", p)
	}
	p = plan(t, path, 200, "", map[string]string{"range": "bytes=2-4", "if-range": `"stale"`}, false)
	if p.status != 200 || p.length != 10 {
		t.Errorf("stale If-Range: plan %+v", p)
	}
	p = plan(t, path, 201, "", map[string]string{"range": "bytes=2-4"}, false)
	if p.status != 201 || p.length != 10 {
		t.Errorf("status 201 with Range: plan %+v (Starlette ranges only 200)", p)
	}
}

func TestPlanFileKeepsUserValidators(t *testing.T) {
	path := tempFile(t, "hello")
	p := plan(t, path, 200, "etag: \"mine\"\r\naccept-ranges: none\r\n", map[string]string{"if-none-match": `"mine"`}, false)
	if p.status != 304 {
		t.Fatalf("the user's etag was not used: plan %+v", p)
	}
	p = plan(t, path, 200, "etag: \"mine\"\r\naccept-ranges: none\r\n", nil, false)
	if strings.Count(string(p.head), "etag:") != 1 || strings.Count(string(p.head), "accept-ranges:") != 1 {
		t.Errorf("duplicated fields in %q", p.head)
	}
}

func TestOpenRegularErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := openRegular(filepath.Join(dir, "nope")); !strings.Contains(fileOpenError("/x", err), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := openRegular(dir); fileOpenError(dir, err) != "File at path "+dir+" is not a file." {
		t.Errorf("directory: %v", err)
	}
}

func TestPlanFileMultipart(t *testing.T) {
	path := tempFile(t, "0123456789")
	p := plan(t, path, 200, "content-type: text/plain\r\n", map[string]string{"range": "bytes=6-7, 0-1"}, false)
	if p.status != 206 || p.f == nil {
		t.Fatalf("plan %+v", p)
	}
	ctype, _ := headerValue(p.head, "content-type")
	boundary, ok := strings.CutPrefix(ctype, "multipart/byteranges; boundary=")
	if !ok || len(boundary) != 26 || strings.Count(string(p.head), "content-type:") != 1 {
		t.Fatalf("head %q", p.head)
	}
	var body []byte
	for _, s := range p.segs {
		if s.lit != nil {
			body = append(body, s.lit...)
		} else {
			body = append(body, "0123456789"[s.off:s.off+s.n]...)
		}
	}
	want := "--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n" +
		"--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 6-7/10\r\n\r\n67\r\n" +
		"--" + boundary + "--"
	if string(body) != want || p.length != int64(len(want)) {
		t.Errorf("body %q (length %d), want %q", body, p.length, want)
	}
}

package server

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/fasterapi/fasterapi/pyhost"
)

// readRecordString reads one record string at *pos.
func readRecordString(t *testing.T, rec []byte, pos *int) []byte {
	t.Helper()
	n := int(binary.LittleEndian.Uint32(rec[*pos:]))
	s := rec[*pos+4 : *pos+4+n]
	*pos += 4 + n
	return s
}

func TestFormRecordSpillsLargeFiles(t *testing.T) {
	big := strings.Repeat("z", spoolThreshold+10)
	body := "--B\r\nContent-Disposition: form-data; name=small\r\n\r\nv\r\n" +
		"--B\r\nContent-Disposition: form-data; name=f; filename=big.bin\r\nContent-Type: a/b\r\n\r\n" + big +
		"\r\n--B--\r\n"
	srv := &Server{formRoutes: formRouteTable([]pyhost.Route{{Options: map[string]any{"form": true}}})}
	c, refusal := srv.parseForm(0, []byte("multipart/form-data; boundary=B"), []byte(body))
	if refusal != nil || c == nil {
		t.Fatalf("refused: %+v", refusal)
	}
	rec := c.record
	if !bytes.HasPrefix(rec, []byte(formMagic)) || rec[4] != 2 {
		t.Fatalf("bad record head %q", rec[:5])
	}
	pos := 5
	readRecordString(t, rec, &pos) // charset
	if rec[pos] != formField {
		t.Fatalf("first item %q", rec[pos])
	}
	pos++
	if n, v := readRecordString(t, rec, &pos), readRecordString(t, rec, &pos); string(n) != "small" || string(v) != "v" {
		t.Fatalf("field %q=%q", n, v)
	}
	if rec[pos] != formFileDisk {
		t.Fatalf("a %d-byte file should be on disk, tag %q", len(big), rec[pos])
	}
	pos++
	readRecordString(t, rec, &pos)
	if name := readRecordString(t, rec, &pos); string(name) != "big.bin" {
		t.Fatalf("filename %q", name)
	}
	headers := int(binary.LittleEndian.Uint32(rec[pos:]))
	pos += 4
	for range 2 * headers {
		readRecordString(t, rec, &pos)
	}
	path := string(readRecordString(t, rec, &pos))
	if size := binary.LittleEndian.Uint64(rec[pos:]); size != uint64(len(big)) {
		t.Fatalf("size %d", size)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != big {
		t.Fatalf("temporary file: %v", err)
	}
	c.discard()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the temporary file outlived discard: %v", err)
	}
}

func TestFormRefusalsAndOtherRoutes(t *testing.T) {
	srv := &Server{formRoutes: formRouteTable([]pyhost.Route{{}, {Options: map[string]any{"form": true}}})}
	if c, r := srv.parseForm(0, []byte("application/x-www-form-urlencoded"), []byte("a=1")); c != nil || r != nil {
		t.Fatal("a route without form parameters keeps its body")
	}
	if c, r := srv.parseForm(1, []byte("application/json"), []byte("{}")); c != nil || r != nil {
		t.Fatal("a JSON body is not parsed")
	}
	_, r := srv.parseForm(1, []byte("multipart/form-data"), []byte("--x--"))
	if r == nil || r.Status != 400 || string(r.Body) != `{"detail":"Missing boundary in multipart."}` {
		t.Fatalf("got %+v", r)
	}
	record, refusal := parseFormInMemory([]byte("multipart/form-data; boundary=B"),
		[]byte("--B\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n"+strings.Repeat("y", spoolThreshold+1)+"\r\n--B--"))
	// magic, kind, empty charset, then the file's tag: in memory however large.
	if refusal != "" || len(record) < 10 || record[9] != formFileBytes {
		t.Fatalf("in-memory parse: %q", refusal)
	}
}

package server

import (
	"bytes"
	"encoding/binary"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/transport"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// uploadCaller records the form record each handler call got, and what the temporary
// files it names held at that moment.
type uploadCaller struct {
	records  [][]byte
	contents []string
}

func (u *uploadCaller) Call(route int, token uint64, meta, body []byte) pybridge.Result {
	u.records = append(u.records, bytes.Clone(body))
	if route == 0 {
		for _, f := range recordFiles(body) {
			b, _ := os.ReadFile(f)
			u.contents = append(u.contents, string(b))
		}
	}
	return pybridge.Result{Status: 200, JSON: true, Body: []byte(`{}`)}
}

// recordFiles lists the temporary files a form record names.
func recordFiles(rec []byte) []string {
	str := func(pos *int) []byte {
		n := int(binary.LittleEndian.Uint32(rec[*pos:]))
		s := rec[*pos+4 : *pos+4+n]
		*pos += 4 + n
		return s
	}
	var files []string
	pos := 5
	str(&pos) // charset
	for pos < len(rec) {
		tag := rec[pos]
		pos++
		str(&pos) // name
		if tag == formField {
			str(&pos)
			continue
		}
		str(&pos) // filename
		headers := int(binary.LittleEndian.Uint32(rec[pos:]))
		pos += 4
		for range 2 * headers {
			str(&pos)
		}
		content := str(&pos)
		if tag == formFileDisk {
			files = append(files, string(content))
			pos += 8
		}
	}
	return files
}

// newUploadServer serves /up (a form route) and /plain (not one) with a body limit of
// 64 KiB and an upload limit of 8 MiB; temporary files go to a directory of the test's.
func newUploadServer(t *testing.T) (*session, *uploadCaller, string) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	routes := []pyhost.Route{
		{Path: "/up", Methods: []string{"POST"}, Status: 200, Options: map[string]any{"form": true}},
		{Path: "/plain", Methods: []string{"POST"}, Status: 200},
	}
	lim := http1.DefaultLimits()
	lim.MaxBodyBytes = 64 << 10
	opts := Options{Limits: lim, MaxUploadBytes: 8 << 20, KeepAliveTimeout: time.Second, HeaderTimeout: time.Second,
		BodyTimeout: time.Second}
	caller := &uploadCaller{}
	srv, err := New(routes, caller, opts, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	sess := srv.NewSession(transport.ConnInfo{RemoteHost: "127.0.0.1", LocalHost: "127.0.0.1", Wake: func() {}}).(*session)
	t.Cleanup(sess.OnClose)
	return sess, caller, tmp
}

func multipartFile(content string) (head, tail string) {
	return "--B\r\nContent-Disposition: form-data; name=note\r\n\r\nhi\r\n" +
			"--B\r\nContent-Disposition: form-data; name=f; filename=f.bin\r\n\r\n" + content,
		"\r\n--B--\r\n"
}

const multipartType = "Content-Type: multipart/form-data; boundary=B\r\n"

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// feed sends in by pieces of size n and returns what the session wrote and its last action.
func feed(sess *session, in string, n int) ([]byte, transport.Action) {
	var out []byte
	action := transport.Continue
	for i := 0; i < len(in) && action == transport.Continue; i += n {
		out, action = sess.OnData([]byte(in[i:min(i+n, len(in))]), out)
	}
	return out, action
}

func TestUploadStreamsToDiskAsItArrives(t *testing.T) {
	sess, caller, tmp := newUploadServer(t)
	content := strings.Repeat("0123456789abcdef", 256<<10) // 4 MiB, past the 64 KiB body limit
	head, tail := multipartFile(content)
	body := head + tail
	req := "POST /up HTTP/1.1\r\nHost: x\r\n" + multipartType + "Content-Length: " + strconv.Itoa(len(body)) +
		"\r\n\r\n"
	// Half the body: the file is on disk already and the connection holds little of it.
	half := req + body[:len(body)/2]
	out, action := feed(sess, half, 64<<10)
	if len(out) != 0 || action != transport.Continue || !sess.parser.Streaming() {
		t.Fatalf("wrote %q, action %v", out, action)
	}
	if cap(sess.pending) > 128<<10 {
		t.Fatalf("the connection holds %d bytes of the upload", cap(sess.pending))
	}
	files := tempFiles(t, tmp)
	if len(files) != 1 {
		t.Fatalf("temporary files %v", files)
	}
	if st, err := os.Stat(tmp + "/" + files[0]); err != nil || st.Size() < int64(len(body)/2-(1<<20)) {
		t.Fatalf("the file holds %v bytes halfway", st)
	}
	// The rest, and a pipelined request after it.
	out, action = feed(sess, body[len(body)/2:]+"POST /plain HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok", 64<<10)
	rs := parseResponses(t, out, 2)
	if rs[0].StatusCode != 200 || rs[1].StatusCode != 200 || action != transport.Continue {
		t.Fatalf("statuses %d %d, action %v", rs[0].StatusCode, rs[1].StatusCode, action)
	}
	if len(caller.contents) != 1 || caller.contents[0] != content {
		t.Fatalf("the handler saw %d files", len(caller.contents))
	}
	if string(caller.records[1]) != "ok" {
		t.Fatalf("the next request's body: %q", caller.records[1])
	}
	if files := tempFiles(t, tmp); len(files) != 0 {
		t.Fatalf("temporary files outlived the answer: %v", files)
	}
}

func TestChunkedUploadStreams(t *testing.T) {
	sess, caller, tmp := newUploadServer(t)
	content := strings.Repeat("z", 3<<20)
	head, tail := multipartFile(content)
	var chunked strings.Builder
	for rest := head + tail; len(rest) > 0; {
		n := min(len(rest), 40000)
		chunked.WriteString(strconv.FormatInt(int64(n), 16) + "\r\n" + rest[:n] + "\r\n")
		rest = rest[n:]
	}
	chunked.WriteString("0\r\n\r\n")
	req := "POST /up HTTP/1.1\r\nHost: x\r\n" + multipartType + "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
	out, _ := feed(sess, req, len(req))
	if string(out) != string(http1.ContinueResponse) {
		t.Fatalf("wrote %q", out)
	}
	out, _ = feed(sess, chunked.String(), 1000)
	if rs := parseResponses(t, out, 1); rs[0].StatusCode != 200 {
		t.Fatalf("status %d", rs[0].StatusCode)
	}
	if len(caller.contents) != 1 || caller.contents[0] != content || len(tempFiles(t, tmp)) != 0 {
		t.Fatalf("the handler saw %d files", len(caller.contents))
	}
}

func TestUploadRefusals(t *testing.T) {
	content := strings.Repeat("y", 2<<20)
	head, tail := multipartFile(content)
	cases := []struct {
		name, req, status, detail string
	}{
		{"declared over the upload limit", "POST /up HTTP/1.1\r\nHost: x\r\n" + multipartType + "Content-Length: 9000000\r\n\r\n",
			"413", `{"detail":"request body exceeds 8388608 bytes"}`},
		{"chunked past the upload limit", "POST /up HTTP/1.1\r\nHost: x\r\n" + multipartType + "Transfer-Encoding: chunked\r\n\r\n" +
			strconv.FormatInt(int64(len(head)), 16) + "\r\n" + head + "\r\n" +
			strings.Repeat("100000\r\n"+strings.Repeat("x", 1<<20)+"\r\n", 9), "413", `{"detail":"request body exceeds 8388608 bytes"}`},
		{"malformed multipart mid-stream", "POST /up HTTP/1.1\r\nHost: x\r\n" + multipartType + "Content-Length: 9999\r\n\r\n" +
			head[:3000] + "\r\n--B\r\nbroken header\r\n\r\n", "400", `{"detail":"Invalid multipart data."}`},
		{"fields past the memory limit", "POST /up HTTP/1.1\r\nHost: x\r\n" + multipartType + "Content-Length: 1999999\r\n\r\n" +
			strings.Repeat("--B\r\nContent-Disposition: form-data; name=a\r\n\r\n"+strings.Repeat("v", 400000)+"\r\n", 3), "413",
			`{"detail":"form fields exceed 1048576 bytes (--max-body-size)"}`},
		{"a plain body keeps the body limit", "POST /plain HTTP/1.1\r\nHost: x\r\n" + multipartType + "Content-Length: 70000\r\n\r\n",
			"413", ""},
		{"a form route's urlencoded body keeps the body limit", "POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n",
			"413", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sess, caller, tmp := newUploadServer(t)
			out, action := feed(sess, tc.req+head+tail, 1<<16)
			rs := parseResponses(t, out, 1)
			if strconv.Itoa(rs[0].StatusCode) != tc.status || action != transport.CloseAfterWrite || len(caller.records) != 0 {
				t.Fatalf("status %d, action %v, calls %d", rs[0].StatusCode, action, len(caller.records))
			}
			if got := body(rs[0]); tc.detail != "" && got != tc.detail {
				t.Fatalf("body %s", got)
			}
			if files := tempFiles(t, tmp); len(files) != 0 {
				t.Fatalf("temporary files left: %v", files)
			}
		})
	}
}

func TestUploadCutOffLeavesNoFile(t *testing.T) {
	sess, caller, tmp := newUploadServer(t)
	head, _ := multipartFile(strings.Repeat("q", 3<<20))
	feed(sess, "POST /up HTTP/1.1\r\nHost: x\r\n"+multipartType+"Content-Length: 8000000\r\n\r\n"+head, 1<<16)
	if len(tempFiles(t, tmp)) != 1 {
		t.Fatal("no temporary file while the upload runs")
	}
	sess.OnClose() // the client went away
	if files := tempFiles(t, tmp); len(files) != 0 || len(caller.records) != 0 {
		t.Fatalf("temporary files left: %v", files)
	}
}

// h2Post sends the head of a POST to path on stream id.
func h2Post(ht *h2Test, first bool, id uint32, path, contentType string, extra ...string) {
	ht.send(first, func(fr *http2.Framer, _ func(string) []byte) {
		var hb bytes.Buffer
		enc := hpack.NewEncoder(&hb)
		fields := []string{":method", "POST", ":scheme", "http", ":authority", "x", ":path", path, "content-type", contentType}
		for i := 0; i < len(fields); i += 2 {
			_ = enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		for i := 0; i < len(extra); i += 2 {
			_ = enc.WriteField(hpack.HeaderField{Name: extra[i], Value: extra[i+1]})
		}
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true})
	})
}

// h2Body sends data on stream id in frames of 16 KiB.
func h2Body(ht *h2Test, id uint32, data string, end bool) {
	for len(data) > 0 || end {
		n := min(len(data), 16384)
		piece := data[:n]
		data = data[n:]
		last := end && len(data) == 0
		ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteData(id, last, []byte(piece)) })
		if last {
			return
		}
	}
}

// h2Statuses maps streams to the :status they were answered and lists those reset.
func h2Statuses(fs []h2Frame) (map[uint32]string, map[uint32]http2.ErrCode) {
	statuses, resets := map[uint32]string{}, map[uint32]http2.ErrCode{}
	dec := hpack.NewDecoder(4096, nil)
	for _, f := range fs {
		switch fr := f.Frame.(type) {
		case *http2.HeadersFrame:
			hs, _ := dec.DecodeFull(f.payload)
			for _, h := range hs {
				if h.Name == ":status" {
					statuses[fr.StreamID] = h.Value
				}
			}
		case *http2.RSTStreamFrame:
			resets[fr.StreamID] = fr.ErrCode
		}
	}
	return statuses, resets
}

func newH2UploadTest(t *testing.T) (*h2Test, *uploadCaller, string) {
	sess, caller, tmp := newUploadServer(t)
	ht := &h2Test{t: t, sess: sess}
	sess.info.Outbound = func() int { return ht.unsent }
	return ht, caller, tmp
}

func TestH2UploadStreamsAndReopensItsWindow(t *testing.T) {
	ht, caller, tmp := newH2UploadTest(t)
	content := strings.Repeat("0123456789", 300000) // 3 MB: far past the 64 KiB body limit
	head, tail := multipartFile(content)
	h2Post(ht, true, 1, "/up", "multipart/form-data; boundary=B")
	h2Body(ht, 1, head, false)
	if w := windowUpdates(ht.frames()); w[1] == 0 || w[0] == 0 {
		t.Fatalf("the upload's window was not reopened: %v", w)
	}
	h := ht.sess.h2.Load()
	if len(tempFiles(t, tmp)) != 1 || h.bodyBytes != 0 {
		t.Fatalf("files %v, buffered %d", tempFiles(t, tmp), h.bodyBytes)
	}
	h2Body(ht, 1, tail, true)
	if statuses, _ := h2Statuses(ht.frames()); statuses[1] != "200" {
		t.Fatalf("statuses %v", statuses)
	}
	if len(caller.contents) != 1 || caller.contents[0] != content || len(tempFiles(t, tmp)) != 0 {
		t.Fatalf("the handler saw %d files; left %v", len(caller.contents), tempFiles(t, tmp))
	}
}

func TestH2UploadRefusals(t *testing.T) {
	ht, caller, tmp := newH2UploadTest(t)
	big := strings.Repeat("x", 100000)
	// A plain body keeps the body limit, which the core no longer applies by itself.
	h2Post(ht, true, 1, "/plain", "multipart/form-data; boundary=B")
	h2Body(ht, 1, big, false)
	// A declared upload over the limit is refused before its body.
	h2Post(ht, false, 3, "/up", "multipart/form-data; boundary=B", "content-length", "9000000")
	// An upload that passes the limit while it streams.
	h2Post(ht, false, 5, "/up", "multipart/form-data; boundary=B")
	head, _ := multipartFile("")
	h2Body(ht, 5, head, false)
	if len(tempFiles(t, tmp)) != 0 {
		t.Fatal("a file before the spool threshold")
	}
	ht.sess.srv.opts.MaxUploadBytes = 2 << 20
	for range 25 {
		h2Body(ht, 5, big, false)
	}
	// Malformed mid-stream.
	h2Post(ht, false, 7, "/up", "multipart/form-data; boundary=B")
	h2Body(ht, 7, "--B\r\nno colon\r\n\r\n", false)
	// Reset by the client mid-upload.
	h2Post(ht, false, 9, "/up", "multipart/form-data; boundary=B")
	h2Body(ht, 9, head+strings.Repeat("r", 1100<<10), false)
	if len(tempFiles(t, tmp)) != 1 {
		t.Fatalf("files %v", tempFiles(t, tmp))
	}
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteRSTStream(9, http2.ErrCodeCancel) })
	fs := ht.frames()
	statuses, resets := h2Statuses(fs)
	var detail3 string
	for _, f := range fs {
		if d, ok := f.Frame.(*http2.DataFrame); ok && d.StreamID == 3 {
			detail3 += string(f.payload)
		}
	}
	if detail3 != `{"detail":"request body exceeds 8388608 bytes"}` {
		t.Errorf("stream 3's body %q", detail3)
	}
	want := map[uint32]string{1: "413", 3: "413", 5: "413", 7: "400"}
	for id, status := range want {
		if statuses[id] != status || resets[id] != http2.ErrCodeNo {
			t.Errorf("stream %d: status %q, reset %v", id, statuses[id], resets[id])
		}
	}
	h := ht.sess.h2.Load()
	if files := tempFiles(t, tmp); len(files) != 0 || len(caller.records) != 0 || len(h.streams) != 0 ||
		len(h.uploads) != 0 || h.conn.Err() != nil {
		t.Fatalf("files %v, calls %d, streams %d, uploads %v, err %v", files, len(caller.records), len(h.streams),
			h.uploads, h.conn.Err())
	}
}

// BenchmarkUploadFeed measures what one read buffer of an upload costs the event loop
// once its file part is on disk: parsing it and writing it to the temporary file. It
// reports the slowest feed too, since the loop serves other connections meanwhile.
func BenchmarkUploadFeed(b *testing.B) {
	b.Setenv("TMPDIR", b.TempDir())
	c, err := newFormCollector([]byte("multipart/form-data; boundary=B"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.discard()
	head, _ := multipartFile(strings.Repeat("s", spoolThreshold+1))
	if err := c.feed([]byte(head)); err != nil {
		b.Fatal(err)
	}
	piece := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB, a read of the transport
	b.SetBytes(int64(len(piece)))
	var slowest time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := c.feed(piece); err != nil {
			b.Fatal(err)
		}
		slowest = max(slowest, time.Since(start))
	}
	b.ReportMetric(float64(slowest.Microseconds()), "max-µs/feed")
}

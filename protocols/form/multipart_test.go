package form

import (
	"reflect"
	"strings"
	"testing"
)

const mpType = "multipart/form-data; boundary=XyZ"

func TestMultipartFieldsAndFiles(t *testing.T) {
	body := multipartBody("XyZ",
		"Content-Disposition: form-data; name=\"user\"\n\nalice",
		"content-disposition: form-data; name=\"doc\"; filename=\"a b.txt\"\nContent-Type: text/plain\nX-Extra:   kept \n\nline1\r\nline2",
		"Content-Disposition: form-data; name=\"q\\\"x\"; filename=\"C:\\\\dir\\\\x.txt\"\n\n",
		"Content-Disposition: form-data; name=empty; filename=\"\"\n\n",
	)
	want := []collected{
		{Name: "user", Headers: []string{`content-disposition=form-data; name="user"`}, Data: "alice"},
		{Name: "doc", Filename: "a b.txt", ContentType: "text/plain", IsFile: true, Data: "line1\r\nline2",
			Headers: []string{`content-disposition=form-data; name="doc"; filename="a b.txt"`,
				"content-type=text/plain", "x-extra=kept "}},
		{Name: `q"x`, Filename: "x.txt", IsFile: true,
			Headers: []string{`content-disposition=form-data; name="q\"x"; filename="C:\\dir\\x.txt"`}},
		{Name: "empty", IsFile: true, Headers: []string{`content-disposition=form-data; name=empty; filename=""`}},
	}
	for _, step := range []int{0, 1, 2, 3, 5, 7, 64} {
		got, err := parseChunks(t, mpType, body, Limits{}, step)
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d:\n got %+v\nwant %+v", step, got, want)
		}
	}
}

func TestMultipartFilenameStar(t *testing.T) {
	cases := map[string]string{
		`filename*=UTF-8''caf%C3%A9.txt`:                  "café.txt",
		`filename*=iso-8859-1'en'caf%E9.txt`:              "café.txt",
		`filename="plain.txt"; filename*=UTF-8''other.txt`: "plain.txt", // Starlette reads filename
	}
	for disposition, want := range cases {
		body := multipartBody("XyZ", "Content-Disposition: form-data; name=f; "+disposition+"\n\nx")
		got, err := parseChunks(t, mpType, body, Limits{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !got[0].IsFile || got[0].Filename != want {
			t.Errorf("%s: got %+v, want filename %q", disposition, got[0], want)
		}
	}
	// An ext-value in an unknown charset is not a filename.
	body := multipartBody("XyZ", "Content-Disposition: form-data; name=f; filename*=koi8-r''x\n\nx")
	got, err := parseChunks(t, mpType, body, Limits{}, 0)
	if err != nil || got[0].IsFile {
		t.Fatalf("got %+v, %v; want a plain field", got, err)
	}
}

func TestMultipartBoundaryLookalikesStayContent(t *testing.T) {
	content := "a\r\n--XyYa\r\n--Xy\r\r\n-\r\n--XyZ"
	body := "--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n" +
		content[:len(content)-len("\r\n--XyZ")] + "\r\n--XyZ--"
	for step := 0; step < 12; step++ {
		got, err := parseChunks(t, mpType, body, Limits{}, step)
		if err != nil {
			t.Fatal(err)
		}
		if want := "a\r\n--XyYa\r\n--Xy\r\r\n-"; got[0].Data != want {
			t.Fatalf("step %d: data %q, want %q", step, got[0].Data, want)
		}
	}
}

func TestMultipartLeniency(t *testing.T) {
	ok := []string{
		"",                     // an empty body is an empty form
		"\r\n",                 // line breaks before the first boundary are skipped
		"--XyZ--",              // no parts
		"\r\n--XyZ--\r\nignored epilogue",
		"--XyZ  \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--", // transport padding
	}
	for _, body := range ok {
		if _, err := parseChunks(t, mpType, body, Limits{}, 1); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestMultipartErrors(t *testing.T) {
	cases := []struct {
		contentType, body string
		kind              ErrorKind
		message           string
	}{
		{"multipart/form-data", "--XyZ--", Malformed, "Missing boundary in multipart."},
		{mpType, "preamble\r\n--XyZ--", Malformed, "Invalid multipart data."},
		{mpType, "--XyZ\nContent-Disposition: form-data; name=a\n\n1\n--XyZ--", Malformed, "Invalid multipart data."},
		{mpType, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nBad Name: x\r\n\r\n1\r\n--XyZ--", Malformed, "Invalid multipart data."},
		{mpType, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nnocolon\r\n\r\n1\r\n--XyZ--", Malformed, "Invalid multipart data."},
		{mpType, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ\r\nContent-Disp", Malformed, "Invalid multipart data."},
		{mpType, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nno end", Malformed, "Invalid multipart data."},
		{mpType, "--Xy", Malformed, "Invalid multipart data."},
		{mpType, "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--", NoName,
			`The Content-Disposition header field "name" must be provided.`},
		{mpType, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--", NoName,
			`The Content-Disposition header field "name" must be provided.`},
	}
	for _, c := range cases {
		for _, step := range []int{0, 1} {
			_, err := parseChunks(t, c.contentType, c.body, Limits{}, step)
			if err == nil {
				t.Fatalf("%q step %d: no error", c.body, step)
			}
			fe := formError(t, err)
			if fe.Kind != c.kind || fe.Message != c.message {
				t.Errorf("%q step %d: got %v (kind %d), want %q", c.body, step, fe, fe.Kind, c.message)
			}
		}
	}
}

func TestMultipartLimits(t *testing.T) {
	field := "Content-Disposition: form-data; name=f\n\nv"
	file := "Content-Disposition: form-data; name=f; filename=x\n\nv"
	lim := Limits{MaxFields: 3, MaxFiles: 2, MaxFieldSize: 2048, MaxHeaderBytes: 100}
	check := func(body string, want string) {
		t.Helper()
		_, err := parseChunks(t, mpType, body, lim, 0)
		if want == "" {
			if err != nil {
				t.Fatalf("unexpected %v", err)
			}
			return
		}
		if err == nil || formError(t, err).Message != want {
			t.Fatalf("got %v, want %q", err, want)
		}
	}
	check(multipartBody("XyZ", field, field, field, file, file), "")
	check(multipartBody("XyZ", field, field, field, field), "Too many fields. Maximum number of fields is 3.")
	check(multipartBody("XyZ", file, file, file), "Too many files. Maximum number of files is 2.")
	check(multipartBody("XyZ", field+strings.Repeat("v", 2047)), "")
	check(multipartBody("XyZ", field+strings.Repeat("v", 2048)), "Part exceeded maximum size of 2KB.")
	check(multipartBody("XyZ", file+strings.Repeat("v", 1<<16)), "") // files are not bounded here
	check(multipartBody("XyZ", "Content-Disposition: form-data; name=f\nX: "+strings.Repeat("h", 100)+"\n\nv"),
		"Part headers exceed 100 bytes.")
	// A header line that never ends is refused before it is whole.
	p, _ := New([]byte(mpType), lim)
	if _, err := p.Feed([]byte("--XyZ\r\nX: " + strings.Repeat("h", 200))); err == nil {
		t.Fatal("an endless header line was buffered")
	}
}

func TestMultipartContentIsNotBuffered(t *testing.T) {
	p, _ := New([]byte(mpType), Limits{})
	if _, err := p.Feed([]byte("--XyZ\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat("z", 64<<10))
	for range 64 {
		events, err := p.Feed(chunk)
		if err != nil || len(events) != 1 || len(events[0].Data) != len(chunk) {
			t.Fatalf("a content chunk should pass through whole: %v %d", err, len(events))
		}
	}
	if held := len(p.(*multipart).buf); held != 0 {
		t.Fatalf("the parser holds %d bytes of content", held)
	}
}

func TestKindAndCharset(t *testing.T) {
	if KindOf([]byte("Multipart/Form-Data; boundary=a")) != Multipart ||
		KindOf([]byte("application/x-www-form-urlencoded")) != URLEncoded ||
		KindOf([]byte("application/json")) != NotForm || KindOf(nil) != NotForm {
		t.Fatal("KindOf")
	}
	if got := Charset([]byte(`multipart/form-data; charset="latin-1"; boundary=a`)); got != "latin-1" {
		t.Fatalf("Charset = %q", got)
	}
	if _, err := New([]byte("text/plain"), Limits{}); err == nil {
		t.Fatal("New accepted a non-form type")
	}
	if _, err := New([]byte(`multipart/form-data; boundary="q u o ted"`), Limits{}); err != nil {
		t.Fatal(err)
	}
}

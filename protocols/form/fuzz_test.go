package form

import (
	"reflect"
	"testing"
)

// fuzzLimits are small so the fuzzer reaches every limit with short inputs.
var fuzzLimits = Limits{MaxFields: 4, MaxFiles: 3, MaxFieldSize: 1024, MaxHeaderBytes: 64}

// FuzzParse checks that any body, fed whole or byte by byte, gives the same parts or an
// *Error of a known kind, and that no non-file field exceeds its limit.
func FuzzParse(f *testing.F) {
	f.Add(true, []byte(multipartBody("XyZ", "Content-Disposition: form-data; name=a\n\n1",
		"Content-Disposition: form-data; name=f; filename=\"x\"\nContent-Type: text/plain\n\nabc\r\n--Xy")))
	f.Add(true, []byte("--XyZ\r\nContent-Disposition: form-data; name=f; filename*=UTF-8''%C3%A9\r\n\r\nx\r\n--XyZ--"))
	f.Add(false, []byte("a=1&b=%41+c&&d"))
	f.Fuzz(func(t *testing.T, multipart bool, body []byte) {
		contentType := ueType
		if multipart {
			contentType = mpType
		}
		whole, errWhole := parseChunks(t, contentType, string(body), fuzzLimits, 0)
		split, errSplit := parseChunks(t, contentType, string(body), fuzzLimits, 1)
		if (errWhole == nil) != (errSplit == nil) {
			t.Fatalf("whole: %v, byte by byte: %v", errWhole, errSplit)
		}
		if errWhole != nil {
			if k := formError(t, errWhole).Kind; k < Malformed || k > NoName {
				t.Fatalf("unknown error kind %d", k)
			}
			return
		}
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("whole %+v\nsplit %+v", whole, split)
		}
		fields, files := 0, 0
		for _, p := range whole {
			if p.IsFile {
				files++
				continue
			}
			fields++
			if int64(len(p.Data)) > fuzzLimits.MaxFieldSize {
				t.Fatalf("field of %d bytes passed", len(p.Data))
			}
		}
		if fields > fuzzLimits.MaxFields || files > fuzzLimits.MaxFiles {
			t.Fatalf("%d fields, %d files passed", fields, files)
		}
	})
}

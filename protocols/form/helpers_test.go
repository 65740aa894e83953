package form

import (
	"errors"
	"strings"
	"testing"
)

// collected is a whole parsed form, for comparing outcomes.
type collected struct {
	Name, Filename, ContentType string
	IsFile                      bool
	Headers                     []string
	Data                        string
}

// parseChunks feeds body to a parser in pieces of at most step bytes (0: whole) and
// collects the parts, or returns the error.
func parseChunks(t testing.TB, contentType, body string, lim Limits, step int) ([]collected, error) {
	t.Helper()
	p, err := New([]byte(contentType), lim)
	if err != nil {
		return nil, err
	}
	var parts []collected
	var data []byte // the current part's content (appending to a string is quadratic)
	open := false
	take := func(events []Event) {
		for _, e := range events {
			switch e.Kind {
			case PartStart:
				if open {
					t.Fatalf("PartStart inside a part")
				}
				open = true
				c := collected{Name: string(e.Part.Name), Filename: string(e.Part.Filename),
					ContentType: string(e.Part.ContentType), IsFile: e.Part.IsFile}
				for _, h := range e.Part.Headers {
					c.Headers = append(c.Headers, string(h.Name)+"="+string(h.Value))
				}
				parts = append(parts, c)
			case PartData:
				if !open {
					t.Fatalf("PartData outside a part")
				}
				data = append(data, e.Data...)
			case PartEnd:
				if !open {
					t.Fatalf("PartEnd outside a part")
				}
				open = false
				parts[len(parts)-1].Data = string(data)
				data = data[:0]
			default:
				t.Fatalf("unknown event kind %d", e.Kind)
			}
		}
	}
	rest := []byte(body)
	for len(rest) > 0 {
		n := len(rest)
		if step > 0 && step < n {
			n = step
		}
		// A fresh copy per Feed: the parser must not rely on earlier chunks staying put.
		chunk := append([]byte(nil), rest[:n]...)
		events, err := p.Feed(chunk)
		if err != nil {
			return nil, err
		}
		take(events)
		clear(chunk)
		rest = rest[n:]
	}
	events, err := p.Close()
	if err != nil {
		return nil, err
	}
	take(events)
	if open {
		t.Fatalf("Close succeeded inside a part")
	}
	return parts, nil
}

func formError(t testing.TB, err error) *Error {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *form.Error", err)
	}
	return fe
}

// multipartBody joins parts written as header lines + "\n\n" + content with the boundary.
func multipartBody(boundary string, parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		head, content, _ := strings.Cut(p, "\n\n")
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString(strings.ReplaceAll(head, "\n", "\r\n"))
		b.WriteString("\r\n\r\n" + content + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.String()
}

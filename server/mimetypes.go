package server

import "strings"

// mimeTypes guesses a file's media type with the tables of Python's mimetypes module, which
// the app passes along with each mount, and its guess_type algorithm, so a static file gets
// the content-type Starlette would give it (FileResponse uses mimetypes.guess_type).
type mimeTypes struct {
	types     map[string]string // extension (".html") -> type
	suffixes  map[string]string // ".tgz" -> ".tar.gz"
	encodings map[string]string // ".gz" -> "gzip"
}

func newMimeTypes(opts map[string]any) mimeTypes {
	return mimeTypes{
		types:     stringMap(opts["types_map"]),
		suffixes:  stringMap(opts["suffix_map"]),
		encodings: stringMap(opts["encodings_map"]),
	}
}

func stringMap(v any) map[string]string {
	src, _ := v.(map[string]any)
	out := make(map[string]string, len(src))
	for k, x := range src {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

// guess is mimetypes.guess_type(path, strict=True)[0] for a file system path; "" when the
// type is unknown.
func (m *mimeTypes) guess(path string) string {
	base, ext := splitExt(path)
	for i := 0; i < 8; i++ { // suffix_map entries expand to longer names; a cycle would not end
		next, ok := m.suffixes[strings.ToLower(ext)]
		if !ok {
			break
		}
		base, ext = splitExt(base + next)
	}
	if _, ok := m.encodings[ext]; ok {
		_, ext = splitExt(base)
	} else if _, ok := m.encodings[strings.ToLower(ext)]; ok {
		_, ext = splitExt(base)
	}
	if t, ok := m.types[ext]; ok {
		return t
	}
	return m.types[strings.ToLower(ext)]
}

// contentType is Starlette's content-type for a file: the guessed type or
// application/octet-stream, with "; charset=utf-8" added to text types.
func (m *mimeTypes) contentType(path string) string {
	t := m.guess(path)
	if t == "" {
		t = "application/octet-stream"
	}
	if strings.HasPrefix(t, "text/") && !strings.Contains(strings.ToLower(t), "charset=") {
		t += "; charset=utf-8"
	}
	return t
}

// splitExt is posixpath.splitext: the extension starts at the last dot of the last path
// segment, unless only dots precede it there (".bashrc" has none).
func splitExt(p string) (string, string) {
	sep := strings.LastIndexByte(p, '/')
	dot := strings.LastIndexByte(p, '.')
	if dot > sep {
		for i := sep + 1; i < dot; i++ {
			if p[i] != '.' {
				return p[:dot], p[dot:]
			}
		}
	}
	return p, ""
}

package form

import "bytes"

// Kind is the form media type of a body.
type Kind uint8

// The body kinds a Parser exists for.
const (
	// NotForm is any other media type: the body is not a form.
	NotForm Kind = iota
	// URLEncoded is application/x-www-form-urlencoded.
	URLEncoded
	// Multipart is multipart/form-data.
	Multipart
)

// KindOf tells which form media type a Content-Type value names (RFC 9110 §8.3.1: type and
// subtype are case-insensitive).
func KindOf(contentType []byte) Kind {
	main, _ := splitParams(contentType)
	switch {
	case asciiEqualFold(main, "application/x-www-form-urlencoded"):
		return URLEncoded
	case asciiEqualFold(main, "multipart/form-data"):
		return Multipart
	}
	return NotForm
}

// Charset is the charset parameter of a Content-Type value, "" when absent.
func Charset(contentType []byte) string {
	_, params := splitParams(contentType)
	v, _ := lookup(params, "charset")
	return string(v)
}

// EventKind says what an Event reports.
type EventKind uint8

// The events of a form body.
const (
	// PartStart begins a field or file; Event.Part describes it.
	PartStart EventKind = iota + 1
	// PartData carries the next piece of the current part's content in Event.Data.
	PartData
	// PartEnd ends the current part.
	PartEnd
)

// Event is one step through the body.
type Event struct {
	Kind EventKind
	Part *Part
	Data []byte
}

// Header is one part header; Name is lower-cased.
type Header struct {
	Name, Value []byte
}

// Part describes a field or a file.
type Part struct {
	// Name is the field name (Content-Disposition's name parameter, RFC 7578 §4.2), raw
	// bytes in the body's charset.
	Name []byte
	// IsFile is true when Content-Disposition has a filename (or filename*) parameter; an
	// empty filename still makes a file, as in Starlette.
	IsFile bool
	// Filename is the file's name: the filename parameter, else filename* decoded to UTF-8
	// (RFC 8187).
	Filename []byte
	// ContentType is the part's Content-Type value, nil when absent.
	ContentType []byte
	// Headers are the part's header lines in order (multipart only).
	Headers []Header
}

// Parser turns a form body into events. Feed it the body's bytes in order, then call
// Close at the end of the body.
type Parser interface {
	// Feed parses the next bytes of the body.
	Feed(data []byte) ([]Event, error)
	// Close reports the end of the body; it fails when the body ended too early.
	Close() ([]Event, error)
}

// New returns a parser for a body of the given Content-Type value. It fails for a media
// type that is not a form and for a multipart type without a usable boundary.
func New(contentType []byte, lim Limits) (Parser, error) {
	main, params := splitParams(contentType)
	lim = lim.normalized()
	switch {
	case asciiEqualFold(main, "application/x-www-form-urlencoded"):
		return &urlencoded{lim: lim}, nil
	case asciiEqualFold(main, "multipart/form-data"):
		boundary, _ := lookup(params, "boundary")
		if err := checkBoundary(boundary); err != nil {
			return nil, err
		}
		return newMultipart(boundary, lim), nil
	}
	return nil, &Error{Kind: Malformed, Message: "The content type is not a form."}
}

// maxBoundary is RFC 2046 §5.1.1's 70 characters, with room for clients that exceed it.
const maxBoundary = 200

func checkBoundary(b []byte) *Error {
	switch {
	case len(b) == 0:
		return &Error{Kind: Malformed, Message: "Missing boundary in multipart."}
	case len(b) > maxBoundary:
		return invalidMultipart("the boundary is longer than 200 bytes")
	case bytes.ContainsAny(b, "\r\n"):
		return invalidMultipart("the boundary contains a line break")
	}
	return nil
}

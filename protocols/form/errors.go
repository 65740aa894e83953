package form

import "strconv"

// ErrorKind classifies why a body was refused, so that a server can pick the status.
type ErrorKind uint8

// The kinds of Error.
const (
	// Malformed: the body does not follow its media type's syntax (a missing or wrong
	// boundary, a truncated body, a broken part header).
	Malformed ErrorKind = iota + 1
	// TooManyFields: more non-file fields than Limits.MaxFields.
	TooManyFields
	// TooManyFiles: more file parts than Limits.MaxFiles.
	TooManyFiles
	// FieldTooLarge: a non-file part longer than Limits.MaxFieldSize.
	FieldTooLarge
	// HeaderTooLarge: a part's header section longer than Limits.MaxHeaderBytes.
	HeaderTooLarge
	// NoName: a part whose Content-Disposition has no name parameter.
	NoName
)

// Error is why a form body was refused. After one the parser stays failed.
type Error struct {
	Kind ErrorKind
	// Message is a sentence safe to show to the client (Starlette's, where it has one).
	Message string
	// Detail names the syntax error more precisely than Message, when there is one.
	Detail string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Detail != "" {
		return "form: " + e.Message + " (" + e.Detail + ")"
	}
	return "form: " + e.Message
}

// errInvalidMultipart is Starlette's one message for every syntax error of a multipart
// body; Detail says more for logs and tests.
func invalidMultipart(detail string) *Error {
	return &Error{Kind: Malformed, Message: "Invalid multipart data.", Detail: detail}
}

func tooManyFields(limit int) *Error {
	return &Error{Kind: TooManyFields,
		Message: "Too many fields. Maximum number of fields is " + strconv.Itoa(limit) + "."}
}

func tooManyFiles(limit int) *Error {
	return &Error{Kind: TooManyFiles,
		Message: "Too many files. Maximum number of files is " + strconv.Itoa(limit) + "."}
}

// fieldTooLarge words the error as Starlette does: "Part" for multipart, "Field" for
// urlencoded bodies, in KB of 1024 bytes.
func fieldTooLarge(what string, limit int64) *Error {
	return &Error{Kind: FieldTooLarge,
		Message: what + " exceeded maximum size of " + strconv.FormatInt(limit/1024, 10) + "KB."}
}

func headerTooLarge(limit int) *Error {
	return &Error{Kind: HeaderTooLarge,
		Message: "Part headers exceed " + strconv.Itoa(limit) + " bytes."}
}

var errNoName = &Error{Kind: NoName, Message: `The Content-Disposition header field "name" must be provided.`}

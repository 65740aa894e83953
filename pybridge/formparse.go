package pybridge

/*
#include <stddef.h>
#include <stdlib.h>
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// FormParser parses a whole form body, given its Content-Type value, into the server's
// form record; refusal is the message of why the body is refused ("" when it is not).
// pybridge knows nothing of forms: the server registers one with SetFormParser.
type FormParser func(contentType, body []byte) (record []byte, refusal string)

var formParser atomic.Pointer[FormParser]

// SetFormParser registers the parser behind _fasterapi.parse_form, which Request.form()
// uses on routes whose bodies the server did not parse already.
func SetFormParser(f FormParser) { formParser.Store(&f) }

// faParseForm runs the registered FormParser. It returns 0 with *out a malloc'ed record
// (or, with *refused set, a malloc'ed message) that the caller frees; -1 when no parser
// is registered.
//
//export faParseForm
func faParseForm(ct *C.char, ctLen C.size_t, body *C.char, bodyLen C.size_t, out **C.char, outLen *C.size_t,
	refused *C.int) C.int {
	f := formParser.Load()
	if f == nil {
		return -1
	}
	record, refusal := (*f)(cBytes(ct, ctLen), cBytes(body, bodyLen))
	result := record
	*refused = 0
	if refusal != "" {
		result, *refused = []byte(refusal), 1
	}
	*out = (*C.char)(C.CBytes(result))
	*outLen = C.size_t(len(result))
	return 0
}

// cBytes views C memory as a Go slice, valid while the caller keeps the memory.
func cBytes(p *C.char, n C.size_t) []byte {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

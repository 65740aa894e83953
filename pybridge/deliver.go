package pybridge

/*
#include <stdint.h>
#include <stddef.h>
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// DeliverFunc receives the answer of a deferred call. It runs on the interpreter's asyncio
// thread (a thread Go did not create) and must not block; Head and Body are Go copies.
type DeliverFunc func(token uint64, r Result)

var deliver atomic.Pointer[DeliverFunc]

// SetDeliver installs the receiver of deferred answers; call it before serving.
func SetDeliver(f DeliverFunc) { deliver.Store(&f) }

// faDeliver hands Go a deferred call's answer. The outbox of inbox (0: none) is drained
// first: a long-lived handler's last operations must reach its connection before its end.
//
//export faDeliver
func faDeliver(inbox C.int, token C.uint64_t, status, kind C.int, head *C.char, headLen C.size_t, body *C.char, bodyLen C.size_t) {
	f := deliver.Load()
	if f == nil {
		return
	}
	if in := InboxByID(int(inbox)); in != nil {
		in.outbox.drain()
	}
	r := Result{
		Status: int(status),
		JSON:   kind == bodyJSON,
		Head:   C.GoBytes(unsafe.Pointer(head), C.int(headLen)),
	}
	if kind == bodyFile {
		r.File = C.GoStringN(body, C.int(bodyLen))
	} else {
		r.Body = C.GoBytes(unsafe.Pointer(body), C.int(bodyLen))
	}
	(*f)(uint64(token), r)
}

// The FA_BODY_* values of fa.h (this file's preamble does not include it).
const (
	bodyJSON = 1
	bodyFile = 2
)

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

//export faDeliver
func faDeliver(token C.uint64_t, status, isJSON C.int, head *C.char, headLen C.size_t, body *C.char, bodyLen C.size_t) {
	f := deliver.Load()
	if f == nil {
		return
	}
	(*f)(uint64(token), Result{
		Status: int(status),
		JSON:   isJSON != 0,
		Head:   C.GoBytes(unsafe.Pointer(head), C.int(headLen)),
		Body:   C.GoBytes(unsafe.Pointer(body), C.int(bodyLen)),
	})
}

// Package pybridge is the cgo boundary to CPython: a C shim (fa_*.c) with the built-in
// _fasterapi module, and Go wrappers around it. It knows nothing of HTTP: requests cross as
// a flat Meta buffer plus a body, results come back as status, header lines and body bytes.
//
// Threading rules (see shared/notes/pyprobe/REPORT.md): Init and BootMain run on the process's
// main thread; BootThread and Call run on an OS thread locked with runtime.LockOSThread that
// never unlocks while the process lives, and Call only after BootThread succeeded there.
package pybridge

/*
#cgo CFLAGS: -O2 -Wall -Wno-unused-parameter
#include <stdlib.h>
#include "fa.h"
*/
import "C"

import (
	"errors"
	"time"
	"unsafe"
)

// CompiledVersion is the Python version this binary was built against, e.g. "3.13.0".
const CompiledVersion = C.PY_VERSION

const errLen = 16 << 10

func cError(buf []C.char) error {
	return errors.New(C.GoString(&buf[0]))
}

// Init starts the CPython runtime. home is the Python installation prefix holding the standard
// library (sys.base_prefix of the launching interpreter) and executable the venv's python; both
// may be empty to use the compiled-in defaults.
func Init(home, executable string) error {
	ch, ce := C.CString(home), C.CString(executable)
	defer C.free(unsafe.Pointer(ch))
	defer C.free(unsafe.Pointer(ce))
	var errBuf [errLen]C.char
	if C.fa_runtime_init(ch, ce, &errBuf[0], errLen) != 0 {
		return cError(errBuf[:])
	}
	return nil
}

type bootFunc func(spec, appDir *C.char, out **C.char, outLen *C.size_t, err *C.char, errLen C.size_t) C.int

func boot(f bootFunc, spec, appDir string) ([]byte, error) {
	cs, cd := C.CString(spec), C.CString(appDir)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(cd))
	var out *C.char
	var outLen C.size_t
	errBuf := make([]C.char, errLen)
	if f(cs, cd, &out, &outLen, &errBuf[0], errLen) != 0 {
		return nil, cError(errBuf)
	}
	defer C.free(unsafe.Pointer(out))
	return C.GoBytes(unsafe.Pointer(out), C.int(outLen)), nil
}

// BootMain imports the app in the main interpreter and returns its route table as JSON.
func BootMain(spec, appDir string) ([]byte, error) {
	return boot(func(s, d *C.char, o **C.char, n *C.size_t, e *C.char, el C.size_t) C.int {
		return C.fa_boot_main(s, d, o, n, e, el)
	}, spec, appDir)
}

// BootThread creates the calling thread's own-GIL sub-interpreter, imports the app in it and
// returns its route table as JSON.
func BootThread(spec, appDir string) ([]byte, error) {
	return boot(func(s, d *C.char, o **C.char, n *C.size_t, e *C.char, el C.size_t) C.int {
		return C.fa_thread_boot(s, d, o, n, e, el)
	}, spec, appDir)
}

// JoinMain makes the calling (locked) thread run handlers in the main interpreter, whose
// single GIL all such threads share: the "shared" mode, for apps whose C extensions refuse
// sub-interpreters. It works after a failed BootThread on the same thread.
func JoinMain() error {
	var errBuf [errLen]C.char
	if C.fa_thread_join_main(&errBuf[0], errLen) != 0 {
		return cError(errBuf[:])
	}
	return nil
}

// ThreadState tells whether the calling thread owns a booted interpreter.
type ThreadState int

// The states of a thread's interpreter.
const (
	ThreadNotBooted ThreadState = 0
	ThreadReady     ThreadState = 1
	ThreadFailed    ThreadState = -1
)

// CurrentThread reports the calling thread's interpreter state.
func CurrentThread() ThreadState { return ThreadState(C.fa_thread_ready()) }

// Result is a handler's answer. Head and Body point into C memory owned by the calling thread
// and are valid only until its next Call: copy them out before that.
type Result struct {
	Status int
	// JSON is true when Body is the JSON encoding of a plain returned value; the caller then
	// adds the application/json content type. Otherwise Head holds all header lines.
	JSON bool
	Head []byte
	Body []byte
	// Deferred means the handler answers later through the DeliverFunc.
	Deferred bool
	// File, when not empty, is the path of a file to send as the body (a FileResponse):
	// Head holds the response's own header lines, Body is empty.
	File string
}

// Call runs route's handler in the calling thread's interpreter. A Deferred result means an
// async handler is still running: its answer reaches the DeliverFunc later, with token.
func Call(route, defaultStatus int, token uint64, meta, body []byte) Result {
	var bodyPtr *C.char
	if len(body) > 0 {
		bodyPtr = (*C.char)(unsafe.Pointer(&body[0]))
	}
	r := C.fa_call(C.int(route), C.int(defaultStatus), C.uint64_t(token), (*C.char)(unsafe.Pointer(&meta[0])),
		C.size_t(len(meta)), bodyPtr, C.size_t(len(body)))
	if r.status == 0 {
		return Result{Deferred: true}
	}
	res := Result{
		Status: int(r.status),
		JSON:   r.kind == C.FA_BODY_JSON,
		Head:   unsafe.Slice((*byte)(unsafe.Pointer(r.head)), int(r.head_len)),
		Body:   unsafe.Slice((*byte)(unsafe.Pointer(r.body)), int(r.body_len)),
	}
	if r.kind == C.FA_BODY_FILE {
		res.File, res.Body = string(res.Body), nil
	}
	return res
}

// ShutdownAll runs the app's shutdown in every idle interpreter and flushes their output;
// call it on the main thread before the process exits.
func ShutdownAll() { C.fa_shutdown_all() }

// MainStartup runs the app's start-up in the main interpreter, for shared mode.
func MainStartup() error {
	var errBuf [errLen]C.char
	if C.fa_main_startup(&errBuf[0], errLen) != 0 {
		return cError(errBuf[:])
	}
	return nil
}

// EnableCallTiming makes every Call record when it starts, which WatchdogScan needs; call it
// before the first Call when handlers have a timeout (untimed calls skip the clock read).
func EnableCallTiming() { C.fa_enable_call_timing() }

// WatchdogScan raises HandlerTimeout in every handler that has run longer than timeout and
// returns how many it interrupted. Call it periodically from one goroutine that stays locked
// to its OS thread: the thread states it uses belong to that thread.
func WatchdogScan(timeout time.Duration) int {
	return int(C.fa_watchdog_scan(C.fa_monotonic_ns(), C.int64_t(timeout.Nanoseconds())))
}

// StartPool starts n interpreter threads (pooled mode) that take calls from a queue of at most
// queueCap waiting calls; routesJSON is the main interpreter's route table, which each
// interpreter must reproduce. It returns once all have imported the app.
func StartPool(n, queueCap int, spec, appDir string, routesJSON []byte) error {
	cs, cd, cr := C.CString(spec), C.CString(appDir), C.CString(string(routesJSON))
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(cd))
	defer C.free(unsafe.Pointer(cr))
	var errBuf [errLen]C.char
	if C.fa_pool_start(C.int(n), C.int(queueCap), cs, cd, cr, &errBuf[0], errLen) != 0 {
		return cError(errBuf[:])
	}
	return nil
}

// Submit queues a call for the pool; its answer reaches the DeliverFunc with token. It
// returns false when the queue is full.
func Submit(route, defaultStatus int, token uint64, meta, body []byte) bool {
	var bodyPtr *C.char
	if len(body) > 0 {
		bodyPtr = (*C.char)(unsafe.Pointer(&body[0]))
	}
	return C.fa_pool_submit(C.int(route), C.int(defaultStatus), C.uint64_t(token),
		(*C.char)(unsafe.Pointer(&meta[0])), C.size_t(len(meta)), bodyPtr, C.size_t(len(body))) == 0
}

package pybridge

/*
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
*/
import "C"

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// StreamOp is what a long-lived handler (WebSocket, streamed response, SSE) asks of its
// connection through _fasterapi.send. The values are shared with fasterapi/_stream.py.
type StreamOp int

const (
	// OpAttach routes the connection's events to the inbox whose id is in Code.
	OpAttach StreamOp = 1
	// OpWSAccept completes the WebSocket handshake; Data holds extra header lines.
	OpWSAccept StreamOp = 2
	// OpWSText sends a text message.
	OpWSText StreamOp = 3
	// OpWSBinary sends a binary message.
	OpWSBinary StreamOp = 4
	// OpWSClose starts the closing handshake with status Code and reason Data.
	OpWSClose StreamOp = 5
	// OpHTTPStart sends a streamed response's head: status Code, header lines Data.
	OpHTTPStart StreamOp = 6
	// OpHTTPBody sends a piece of a streamed response's body.
	OpHTTPBody StreamOp = 7
	// OpAbort cuts the connection: a streamed response failed after its head was sent, and
	// only an incomplete body can tell the client so (RFC 9112 §8).
	OpAbort StreamOp = 8
	// OpSubscribe adds the WebSocket to the channel named by Data.
	OpSubscribe StreamOp = 9
	// OpUnsubscribe removes the WebSocket from the channel named by Data.
	OpUnsubscribe StreamOp = 10
	// OpPublish sends "channel\x00payload" (Data) to every subscriber of the channel, as a
	// text message when Code is 1, else binary; the token is unused. It returns how many
	// subscribers the message reached.
	OpPublish StreamOp = 11
)

// EventKind is what the server tells a long-lived handler through its interpreter's inbox.
// The values are shared with fasterapi/_stream.py.
type EventKind uint8

const (
	// EventText is a received WebSocket text message.
	EventText EventKind = 1
	// EventBinary is a received WebSocket binary message.
	EventBinary EventKind = 2
	// EventDisconnect says the peer went away or closed; Code holds the close status.
	EventDisconnect EventKind = 3
	// EventDrained says the connection's send queue fell below its low-water mark.
	EventDrained EventKind = 4
)

// StreamSink receives the operations of long-lived handlers. It runs on an interpreter's
// asyncio thread, must not block, and returns the bytes queued on the connection (for the
// handler's backpressure) or -1 when the connection is gone. data is only valid during the
// call.
type StreamSink func(token uint64, op StreamOp, code int, data []byte) int64

var sink atomic.Pointer[StreamSink]

// SetStreamSink installs the receiver of stream operations; call it before serving.
func SetStreamSink(f StreamSink) { sink.Store(&f) }

//export faStreamSend
func faStreamSend(token C.uint64_t, op, code C.int, data *C.char, n C.size_t) C.int64_t {
	f := sink.Load()
	if f == nil {
		return -1
	}
	var b []byte
	if n > 0 {
		b = unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n))
	}
	return C.int64_t((*f)(uint64(token), StreamOp(op), int(code), b))
}

// Inbox carries events from the event loops to one interpreter's asyncio loop: the loops
// append and signal an eventfd the asyncio loop watches; the asyncio loop takes them all at
// once, so a burst of messages costs one wake-up.
type Inbox struct {
	mu     sync.Mutex
	events []byte // records in native byte order: token u64, kind u8, code u16, length u32, data
	fd     int
	raised bool
}

var inboxes struct {
	mu   sync.RWMutex
	list []*Inbox
}

// InboxByID returns the inbox an interpreter opened, or nil.
func InboxByID(id int) *Inbox {
	inboxes.mu.RLock()
	defer inboxes.mu.RUnlock()
	if id <= 0 || id > len(inboxes.list) {
		return nil
	}
	return inboxes.list[id-1]
}

const recordHead = 8 + 1 + 2 + 4

// Post queues an event for the handler of token and wakes the interpreter's asyncio loop. It
// may be called from any goroutine.
func (in *Inbox) Post(token uint64, kind EventKind, code int, data []byte) {
	in.mu.Lock()
	var h [recordHead]byte
	binary.NativeEndian.PutUint64(h[0:], token)
	h[8] = byte(kind)
	binary.NativeEndian.PutUint16(h[9:], uint16(code))
	binary.NativeEndian.PutUint32(h[11:], uint32(len(data)))
	in.events = append(append(in.events, h[:]...), data...)
	wake := !in.raised
	in.raised = true
	in.mu.Unlock()
	if wake {
		var one [8]byte
		binary.NativeEndian.PutUint64(one[:], 1)
		_, _ = unix.Write(in.fd, one[:])
	}
}

//export faInboxOpen
func faInboxOpen(fd C.int) C.int {
	inboxes.mu.Lock()
	defer inboxes.mu.Unlock()
	inboxes.list = append(inboxes.list, &Inbox{fd: int(fd)})
	return C.int(len(inboxes.list))
}

// drain hands the queued event records to f and forgets them; f must copy what it keeps.
func (in *Inbox) drain(f func(records []byte)) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.raised = false
	if len(in.events) == 0 {
		return
	}
	f(in.events)
	if cap(in.events) > 256<<10 {
		in.events = nil // a burst's buffer is not kept
	} else {
		in.events = in.events[:0]
	}
}

// faInboxTake hands the queued event records to C in a malloc'd buffer the caller frees;
// it returns the buffer's length (0: nothing queued, *out untouched).
//
//export faInboxTake
func faInboxTake(id C.int, out **C.char) C.size_t {
	in := InboxByID(int(id))
	if in == nil {
		return 0
	}
	var n int
	in.drain(func(records []byte) {
		n = len(records)
		buf := C.malloc(C.size_t(n))
		C.memcpy(buf, unsafe.Pointer(&records[0]), C.size_t(n))
		*out = (*C.char)(buf)
	})
	return C.size_t(n)
}

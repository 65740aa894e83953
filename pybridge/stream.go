package pybridge

/*
#include <stdlib.h>
#include "fa_mailbox.h"
*/
import "C"

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"unsafe"
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
	// OpProbe asks whether the request's connection is still open (0) or gone (-1), for
	// Request.is_disconnected(); it queues nothing.
	OpProbe StreamOp = 12
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

// StreamSink receives the operations of long-lived handlers: on an event loop thread when it
// drains an interpreter's outbox, or on the interpreter's asyncio thread for the operations
// Go answers at once (channel subscriptions and publishes, and every operation while no
// doorbell could be made). It must not block, and returns -1 when the connection is gone
// (-2 when it cannot carry the operation) or, for OpPublish, how many subscribers the message
// reached. data is only valid during the call.
type StreamSink func(token uint64, op StreamOp, code int, data []byte) int64

// StreamAttacher connects a long-lived handler to its connection: the connection's events go
// to inbox, and its send queue reports what it writes to out. It returns false when the
// connection is gone. It runs on the interpreter's asyncio thread or the loop thread running
// the handler's call.
type StreamAttacher func(token uint64, inbox *Inbox, out *Outlet) bool

// Doorbell makes a descriptor that an event loop polls: a byte written to it makes the loop
// call ring, on its thread. The descriptor stays open for the process's life. failed is
// called if the loop turns out unable to poll it after all.
type Doorbell func(ring, failed func()) (fd int, err error)

var (
	sink     atomic.Pointer[StreamSink]
	attacher atomic.Pointer[StreamAttacher]
	doorbell atomic.Pointer[Doorbell]
)

// SetStreamSink installs the receiver of stream operations; call it before serving.
func SetStreamSink(f StreamSink) { sink.Store(&f) }

// SetStreamAttacher installs what attaches long-lived handlers; call it before serving.
func SetStreamAttacher(f StreamAttacher) { attacher.Store(&f) }

// SetDoorbell installs the maker of outbox doorbells; call it before serving. Without one,
// operations are handed to the sink directly by the asyncio thread.
func SetDoorbell(f Doorbell) { doorbell.Store(&f) }

func sendToSink(token uint64, op StreamOp, code int, data []byte) int64 {
	f := sink.Load()
	if f == nil || *f == nil {
		return -1
	}
	return (*f)(token, op, code, data)
}

// faStreamSend hands Go an operation it answers at once; the outbox of inbox (0: none) is
// drained first so that the interpreter's earlier operations come before it.
//
//export faStreamSend
func faStreamSend(inbox C.int, token C.uint64_t, op, code C.int, data *C.char, n C.size_t) C.int64_t {
	if in := InboxByID(int(inbox)); in != nil {
		in.outbox.drain()
	}
	var b []byte
	if n > 0 {
		b = unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n))
	}
	return C.int64_t(sendToSink(uint64(token), StreamOp(op), int(code), b))
}

//export faStreamAttach
func faStreamAttach(inbox C.int, token C.uint64_t, out *C.fa_outlet) C.int {
	in := InboxByID(int(inbox))
	f := attacher.Load()
	if in == nil || f == nil {
		return 0
	}
	in.outbox.drain()
	if !(*f)(uint64(token), in, &Outlet{p: out}) {
		return 0
	}
	return 1
}

// Outlet is the connection's side of what a handler sends it: the count of the handler's bytes
// not yet written, shared with the interpreter (fa_mailbox.h).
type Outlet struct {
	p      *C.fa_outlet
	closed atomic.Bool
}

// Taken records that the loop wrote n bytes the handler sent; it reports true once when the
// handler waits for a drain and fewer than lowWater bytes remain.
func (o *Outlet) Taken(n int64, lowWater int64) bool {
	return C.fa_outlet_taken(o.p, C.int64_t(n), C.int64_t(lowWater)) != 0
}

// Close tells the handler that the connection is gone (its sends answer -1) and lets go of
// the outlet; later calls do nothing.
func (o *Outlet) Close() {
	if o.closed.Swap(true) {
		return
	}
	C.fa_outlet_close(o.p)
	C.fa_outlet_release(o.p)
}

// NewOutlet makes an outlet with no interpreter behind it, for tests of the connection side:
// the caller plays the interpreter with Add, and its reference is never released.
func NewOutlet(token uint64) *Outlet {
	return &Outlet{p: C.fa_outlet_new(C.uint64_t(token), nil)}
}

// Gone reports whether the connection side closed the outlet.
func (o *Outlet) Gone() bool { return atomic.LoadInt32((*int32)(unsafe.Pointer(&o.p.gone))) != 0 }

// Queued is the count of the handler's bytes not yet written.
func (o *Outlet) Queued() int64 {
	return atomic.LoadInt64((*int64)(unsafe.Pointer(&o.p.queued)))
}

// Add counts n more bytes as the interpreter does when it sends, for tests of the connection
// side; it returns the new count.
func (o *Outlet) Add(n int64) int64 {
	q := atomic.AddInt64((*int64)(unsafe.Pointer(&o.p.queued)), n)
	if q > highWaterC {
		atomic.StoreInt32((*int32)(unsafe.Pointer(&o.p.want_drain)), 1)
	}
	return q
}

const highWaterC = C.FA_HIGH_WATER

// Inbox carries events from the event loops to one interpreter's asyncio loop: the loops
// append them to a C mailbox, which signals an eventfd the asyncio loop watches; the asyncio
// loop takes them all at once, without entering Go, so a burst of messages costs one wake-up.
type Inbox struct {
	mb     *C.fa_mailbox
	outbox *outbox
}

// outbox is where one interpreter's handlers queue their operations, drained by the event
// loop its doorbell rings (or by any Go call from the interpreter that must keep their order).
type outbox struct {
	mu sync.Mutex // one drain at a time, so operations reach the sink in order
	mb *C.fa_mailbox
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

// Post queues an event for the handler of token and wakes the interpreter's asyncio loop. It
// may be called from any goroutine.
func (in *Inbox) Post(token uint64, kind EventKind, code int, data []byte) {
	var p *C.char
	if len(data) > 0 {
		p = (*C.char)(unsafe.Pointer(&data[0]))
	}
	if C.fa_mailbox_post(in.mb, C.uint64_t(token), C.int(kind), C.int(code), p, C.size_t(len(data))) != 0 {
		panic("pybridge: out of memory queueing a stream event")
	}
}

//export faInboxOpen
func faInboxOpen(in, out *C.fa_mailbox) C.int {
	ob := &outbox{mb: out}
	if f := doorbell.Load(); f != nil {
		if fd, err := (*f)(ob.drain, ob.withoutBell); err == nil {
			setOutboxBell(ob, fd)
		}
	}
	inboxes.mu.Lock()
	defer inboxes.mu.Unlock()
	inboxes.list = append(inboxes.list, &Inbox{mb: in, outbox: ob})
	return C.int(len(inboxes.list))
}

// NewInbox makes an inbox signalled on eventfd fd, with an outbox that has no doorbell, for
// tests of the connection side (an interpreter opens its own through _fasterapi.inbox_open).
func NewInbox(fd int) *Inbox {
	return &Inbox{mb: C.fa_mailbox_new(C.int(fd), 1), outbox: &outbox{mb: C.fa_mailbox_new(-1, 0)}}
}

// setOutboxBell makes the outbox signal its doorbell, a socket, when operations wait; without
// one the interpreter hands them to Go itself.
func setOutboxBell(o *outbox, fd int) { C.fa_mailbox_set_fd(o.mb, C.int(fd), 0) }

// outboxHasBell reports whether the outbox rings a doorbell.
func outboxHasBell(o *outbox) bool { return C.fa_mailbox_has_fd(o.mb) != 0 }

// withoutBell turns an outbox whose doorbell nobody polls into one the interpreter hands to
// Go itself (as when no doorbell could be made), and delivers what waits in it.
func (o *outbox) withoutBell() {
	C.fa_mailbox_set_fd(o.mb, -1, 0)
	o.drain()
}

// takeRecords hands the queued records of a mailbox to f and frees them; f must copy what it keeps.
func takeRecords(mb *C.fa_mailbox, f func(records []byte)) {
	var p *C.char
	n := C.fa_mailbox_take(mb, &p)
	if n == 0 {
		return
	}
	defer C.free(unsafe.Pointer(p))
	f(unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
}

// drain hands the outbox's operations to the sink, in order.
func (o *outbox) drain() {
	o.mu.Lock()
	defer o.mu.Unlock()
	takeRecords(o.mb, func(b []byte) {
		for len(b) >= recordHead {
			token := binary.NativeEndian.Uint64(b)
			op := StreamOp(b[8])
			code := int(binary.NativeEndian.Uint16(b[9:]))
			n := int(binary.NativeEndian.Uint32(b[11:]))
			sendToSink(token, op, code, b[recordHead:recordHead+n])
			b = b[recordHead+n:]
		}
	})
}

const recordHead = C.FA_RECORD_HEAD

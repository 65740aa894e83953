package server

import (
	"time"

	"github.com/fasterapi/fasterapi/protocols/http2"
	"github.com/fasterapi/fasterapi/transport"
)

// Bounds on what one HTTP/2 connection may make the process hold for a peer that does not
// read. The HTTP/2 core counts what it generates itself (SETTINGS and PING ACKs, resets:
// http2.Config.MaxQueuedControlFrames) only while it sits in its own output, so the session
// stops handing that output to the transport once the transport has this much unsent; a
// SETTINGS or PING flood from a peer that never reads then ends in GOAWAY ENHANCE_YOUR_CALM
// instead of a growing socket buffer (what x/net/http2's server calls maxQueuedControlFrames).
const (
	// h2OutboundHigh is how many unsent bytes the transport may hold before the session keeps
	// further output in the HTTP/2 core.
	h2OutboundHigh = 256 << 10
	// h2ResponseBacklog bounds the response bytes waiting for the peer (flow-control queues,
	// the core's output and the transport's): past it, complete requests wait undispatched,
	// as a blocked writer holds back handlers in other servers. One response may exceed it.
	h2ResponseBacklog = 1 << 20
	// h2PollInterval is how often a session whose output is held checks whether the socket
	// drained: the transport reports reads, not drained writes.
	h2PollInterval = 20 * time.Millisecond
	// h2Linger is how long a closing connection waits on a peer that takes none of its output,
	// and how long after a graceful GOAWAY it waits for the client to close.
	h2Linger = 2 * time.Second
	// h2ErrorGrace is how long a failed connection stays open once its GOAWAY has left, so
	// frames the peer sent meanwhile arrive and are dropped rather than answered with a TCP
	// reset; RFC 9113 §5.4.1 then requires closing it.
	h2ErrorGrace = 200 * time.Millisecond
)

// outbound is what the transport holds unsent.
func (h *h2session) outbound() int { return h.c.outbound() }

// backedUp reports that responses already wait on the peer, so new requests should too.
func (h *h2session) backedUp() bool {
	return h.conn.BufferedTotal()+len(h.conn.Pending())+h.outbound() > h2ResponseBacklog
}

// handOff moves the core's output to out while the transport keeps up with the peer.
func (h *h2session) handOff(out []byte) []byte {
	p := h.conn.Pending()
	if len(p) == 0 || h.outbound() > h2OutboundHigh {
		return out
	}
	out = append(out, p...)
	h.handed += uint64(len(p))
	h.conn.Consumed(len(p))
	return out
}

// taken is how many of the bytes handed to the transport before this OnData call the kernel
// has accepted, given what the transport still holds. (Signed: after an h2c upgrade the
// transport may also hold the HTTP/1.1 101 response, which was never counted as handed.)
func (h *h2session) taken(unsent int) int64 {
	return int64(h.handedBefore) - int64(unsent)
}

// held reports output the session is keeping because the peer is not reading.
func (h *h2session) held() bool {
	return len(h.conn.Pending()) > 0 || len(h.waiting) > 0
}

// progressClock measures how long a quantity that should grow has stood still.
type progressClock struct {
	since int64 // unix ns when mark last grew; 0: not running
	mark  int64 // the highest value seen
}

// stillFor records the quantity's value at now and returns how long it has not grown.
func (p *progressClock) stillFor(now, mark int64) int64 {
	if p.since == 0 || mark > p.mark {
		p.since, p.mark = now, mark
	}
	return now - p.since
}

// stop clears the clock: nothing is waiting.
func (p *progressClock) stop() { p.since = 0 }

// checkProgress ends a connection on which nothing moved for the body timeout while responses
// waited. Two things can hold them: the peer's flow-control windows (zero-window slowloris),
// which only DATA it lets through counts against, so answering its PINGs meanwhile does not
// keep it alive; and the socket, when the peer does not read, which bytes the kernel takes
// count against. Slow but live peers keep both clocks moving.
func (h *h2session) checkProgress(now int64) {
	limit := int64(h.c.srv.opts.BodyTimeout)
	if limit <= 0 || h.conn.Err() != nil {
		return
	}
	var still int64
	if h.conn.StalledStreams() > 0 {
		still = h.stall.stillFor(now, int64(h.conn.DataSent()))
	} else {
		h.stall.stop()
	}
	if unsent := h.outbound(); h.held() || unsent > 0 {
		// Bytes handed over before this call minus those still unsent: what the kernel took.
		still = max(still, h.drain.stillFor(now, h.taken(unsent)))
	} else {
		h.drain.stop()
	}
	if h.stall.since == 0 && h.drain.since == 0 {
		return
	}
	if still >= limit {
		h.conn.Abort(http2.ErrCodeEnhanceYourCalm, "no progress: the peer reads nothing or opens no flow-control window")
		return
	}
	h.wakeIn(time.Duration(limit - still))
}

// finish decides the connection's fate once an OnData call's work is done.
func (h *h2session) finish(out []byte, now int64) ([]byte, transport.Action) {
	out = h.handOff(out)
	if h.conn.Err() != nil || h.goawaySent && h.conn.Closed() {
		return h.closing(out, now)
	}
	h.checkUploads(now)
	out = h.handOff(out)
	h.checkProgress(now)
	if h.conn.Err() != nil { // checkProgress gave up on the peer
		return h.finish(out, now)
	}
	if h.held() || h.outbound() > 0 {
		h.wakeIn(h2PollInterval)
	}
	h.recheckBlocked()
	switch {
	case len(h.files) > 0: // downloads keep their own stall deadline (h2files.go)
		h.idleAt = 0
	case len(h.streams) > 0 || h.held():
		h.idleAt = 0
		h.c.deadline.Store(0)
	default:
		// Idle: after the keep-alive timeout OnData sends GOAWAY before the connection goes
		// (RFC 9113 §9.1: "SHOULD first send a GOAWAY frame"). Control frames do not keep a
		// connection with no streams alive. The transport's deadline is the backstop should
		// the GOAWAY not get out. The wake is asked for on every call, as an earlier timer
		// (a poll, a previous idle spell) may be the one pending.
		if h.idleAt == 0 {
			h.idleAt = now + int64(h.c.srv.opts.KeepAliveTimeout)
			h.c.deadline.Store(h.idleAt + int64(h2Linger+time.Second))
		}
		h.wakeIn(time.Duration(h.idleAt - now))
	}
	// Never idle for the transport's shutdown: an HTTP/2 connection is closed by the session,
	// after its GOAWAY (RFC 9113 §6.8), or when the graceful timeout runs out.
	h.c.busy.Store(true)
	return out, transport.Continue
}

// recheckBlocked looks again soon at long-lived streams held back because their output was
// waiting on flow control: the hand-off has moved output since pumpStreams ran, and the peer
// may send nothing more (its WINDOW_UPDATEs may all have come already) to prompt another look.
func (h *h2session) recheckBlocked() {
	if len(h.blocked) == 0 {
		return
	}
	if !h.held() {
		for _, id := range h.blocked {
			if h.conn.Buffered(id) < streamBudget {
				h.c.info.Wake()
				return
			}
		}
	}
	h.wakeIn(h2PollInterval)
}

// closing runs a connection that failed, or that we shut down and whose streams are done, to
// its end. The GOAWAY and everything before it must leave first (closing with output unsent
// would lose it); as long as the peer takes bytes we wait, and h2Linger without any is enough.
// Then, after a graceful GOAWAY, the client gets h2Linger to close first (RFC 9113 §6.8): it
// still reads what we sent, and closing while its last frames (ACKs, WINDOW_UPDATEs) are in
// flight would answer them with a TCP reset, which can discard our last response on its side
// before it reads it. A failed connection gets only h2ErrorGrace. Input is read and dropped
// after a connection error and served (up to the GOAWAY's last stream) after a graceful one.
func (h *h2session) closing(out []byte, now int64) ([]byte, transport.Action) {
	h.c.busy.Store(true)
	linger := int64(h2Linger)
	wait := linger
	if h.conn.Err() != nil {
		wait = int64(h2ErrorGrace)
	}
	if len(h.conn.Pending()) > 0 || h.outbound() > 0 {
		h.lingerUntil = 0
		if h.drain.stillFor(now, h.taken(h.outbound())) >= linger {
			return out, transport.CloseAfterWrite
		}
		h.c.deadline.Store(now + 2*linger)
		h.wakeIn(h2PollInterval)
		return out, transport.Continue
	}
	if h.lingerUntil == 0 {
		h.lingerUntil = now + wait
		h.c.deadline.Store(h.lingerUntil + int64(time.Second))
	}
	if now >= h.lingerUntil {
		return out, transport.CloseAfterWrite
	}
	h.wakeIn(time.Duration(h.lingerUntil - now))
	return out, transport.Continue
}

// wakeIn asks the transport to call OnData again after d (or sooner, if already asked).
func (h *h2session) wakeIn(d time.Duration) {
	d = max(d, time.Millisecond)
	at := time.Now().Add(d)
	if h.timer != nil && !h.timerAt.IsZero() && !at.Before(h.timerAt) {
		return
	}
	h.timerAt = at
	if h.timer == nil {
		wake := h.c.info.Wake
		h.timer = time.AfterFunc(d, func() { wake() })
		return
	}
	h.timer.Reset(d)
}

// onWake is called at the start of OnData: a timer that fired is no longer pending.
func (h *h2session) onWake(now time.Time) {
	if !h.timerAt.IsZero() && !now.Before(h.timerAt) {
		h.timerAt = time.Time{}
	}
}

// close releases the session's timer and the calls still parked when the connection goes.
func (h *h2session) close() {
	if h.timer != nil {
		h.timer.Stop()
	}
	h.closeQueues()
	for _, st := range h.streams {
		if st.parked {
			h.c.srv.inflight.Add(-1)
		}
		stopStreamPing(st)
	}
	h.streams = nil
}

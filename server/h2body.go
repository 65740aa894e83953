package server

import (
	"slices"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http2"
)

// Request bodies reach the handler whole, so an HTTP/2 session buffers each one until its
// stream ends (uploads to form routes excepted: they stream into their form, upload.go). --max-body-size bounds one body (the core answers 413), but a connection may
// upload on up to SETTINGS_MAX_CONCURRENT_STREAMS streams at once. Flow control (RFC 9113
// §5.2) is the brake: a stream's window is reopened (ConsumeData) only while the
// connection's buffered bodies stay within one maximal body, except for the oldest upload,
// which always proceeds so that some request can always finish. Memory per connection stays
// under about twice the body limit plus the connection window, and an honest client that
// uploads many bodies at once is slowed down, not refused.

// bodyBudget is how many buffered body bytes let uploads other than the oldest continue.
func (h *h2session) bodyBudget() int64 {
	return max(h.c.srv.opts.Limits.MaxBodyBytes, 1<<20)
}

// startUpload records a stream whose request head came without END_STREAM.
func (h *h2session) startUpload(id uint32, st *h2stream, now int64) {
	h.uploads = append(h.uploads, id)
	st.lastData = now
}

// received buffers body bytes of stream id and reopens its window if the budget allows.
func (h *h2session) received(id uint32, st *h2stream, data []byte, now int64) {
	st.lastData = now
	if st.upload {
		h.uploadData(id, st, data)
		return
	}
	st.body = append(st.body, data...)
	h.bodyBytes += int64(len(data))
	st.unacked += len(data)
	h.credit(id, st)
}

// credit returns a stream's buffered bytes to its flow-control windows when it is the
// oldest upload or the connection is within its body budget.
func (h *h2session) credit(id uint32, st *h2stream) {
	if st.unacked == 0 {
		return
	}
	if (len(h.uploads) > 0 && h.uploads[0] == id) || h.bodyBytes <= h.bodyBudget() {
		h.conn.ConsumeData(id, st.unacked)
		st.unacked = 0
	}
}

// endUpload forgets an upload that finished or was reset; others may proceed now.
func (h *h2session) endUpload(id uint32) {
	if i := slices.Index(h.uploads, id); i >= 0 {
		h.uploads = slices.Delete(h.uploads, i, i+1)
		h.reopen()
	}
}

// releaseBody drops a stream's buffered body once the handler has it (or the stream died).
func (h *h2session) releaseBody(st *h2stream) {
	if st.body == nil {
		return
	}
	h.bodyBytes -= int64(len(st.body))
	st.body, st.unacked = nil, 0
	h.reopen()
}

// reopen credits waiting uploads, oldest first, as far as the budget now allows.
func (h *h2session) reopen() {
	for _, id := range h.uploads {
		if st, ok := h.streams[id]; ok {
			h.credit(id, st)
		}
	}
}

// checkUploads answers 408 to uploads that received nothing for the body timeout, as
// --timeout-body-read does for HTTP/1.1, so a client cannot hold a stream (and its buffered
// body) by trickling DATA or none at all. A complete response then RST_STREAM(NO_ERROR)
// tells the client to stop sending (RFC 9113 §8.1).
func (h *h2session) checkUploads(now int64) {
	limit := int64(h.c.srv.opts.BodyTimeout)
	if limit <= 0 || h.conn.Err() != nil {
		return
	}
	var next int64
	for i := 0; i < len(h.uploads); {
		id := h.uploads[i]
		st, ok := h.streams[id]
		switch {
		case !ok:
			i++
		case now-st.lastData >= limit:
			_ = h.conn.WriteHeaders(id, 408, nil, true)
			_ = h.conn.ResetStream(id, http2.ErrCodeNo)
			delete(h.streams, id)
			h.releaseBody(st)
			st.endForm()
			h.endUpload(id) // removes uploads[i]
		default:
			if at := st.lastData + limit; next == 0 || at < next {
				next = at
			}
			i++
		}
	}
	if next > 0 {
		h.wakeIn(time.Duration(next - now))
	}
}

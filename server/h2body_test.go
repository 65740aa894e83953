package server

import (
	"bytes"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// windowUpdates sums the WINDOW_UPDATE increments per stream (0: the connection).
func windowUpdates(fs []h2Frame) map[uint32]uint32 {
	got := map[uint32]uint32{}
	for _, f := range fs {
		if w, ok := f.Frame.(*http2.WindowUpdateFrame); ok {
			got[w.StreamID] += w.Increment
		}
	}
	return got
}

func TestH2UploadsBeyondTheBodyBudgetWait(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.sess.srv.opts.Limits.MaxBodyBytes = 1 << 20 // the budget: one maximal body
	post := func(id uint32) func(fr *http2.Framer, _ func(string) []byte) {
		return func(fr *http2.Framer, _ func(string) []byte) {
			var hb bytes.Buffer
			enc := hpack.NewEncoder(&hb)
			for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/items"}} {
				_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
			}
			_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true})
		}
	}
	chunk := make([]byte, 16384)
	data := func(id uint32, n int, end bool) {
		for i := range n {
			ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteData(id, end && i == n-1, chunk) })
		}
	}
	ht.send(true, post(1))
	ht.send(false, post(3))
	ht.send(false, post(5))
	h := ht.sess.h2.Load()
	// Streams 3 and 5 each stay under the body limit but together pass the budget.
	data(3, 33, false)
	data(5, 33, false)
	ht.frames()
	if h.bodyBytes <= h.bodyBudget() || h.conn.Err() != nil {
		t.Fatalf("buffered %d, budget %d, err %v", h.bodyBytes, h.bodyBudget(), h.conn.Err())
	}
	// Over budget, stream 5 (not the oldest upload) gets no more window...
	data(5, 2, false)
	if w := windowUpdates(ht.frames()); w[5] != 0 {
		t.Fatalf("stream 5 reopened over budget: %v", w)
	}
	// ...while stream 1, the oldest, always proceeds, so some request can finish.
	data(1, 10, false)
	if w := windowUpdates(ht.frames()); w[1] == 0 {
		t.Fatalf("the oldest upload got no window: %v", w)
	}
	// Once stream 3's handler has its body, stream 5 is credited again.
	ht.send(false, func(fr *http2.Framer, _ func(string) []byte) { _ = fr.WriteData(3, true, nil) })
	if w := windowUpdates(ht.frames()); w[5] == 0 {
		t.Fatalf("stream 5 not reopened after a body left: %v", w)
	}
	if len(h.uploads) != 2 || h.uploads[0] != 1 || h.uploads[1] != 5 || h.conn.Err() != nil {
		t.Fatalf("uploads %v, err %v", h.uploads, h.conn.Err())
	}
}

func TestH2UploadWithoutDataTimesOutWith408(t *testing.T) {
	ht := newH2Test(t, nil)
	ht.send(true, func(fr *http2.Framer, _ func(string) []byte) {
		var hb bytes.Buffer
		enc := hpack.NewEncoder(&hb)
		for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/items"}} {
			_ = enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
		}
		_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true})
		_ = fr.WriteData(1, false, []byte("a trickle"))
	})
	ht.frames()
	h := ht.sess.h2.Load()
	last := h.streams[1].lastData
	limit := int64(ht.sess.srv.opts.BodyTimeout)
	h.checkUploads(last + limit - 1)
	if len(h.uploads) != 1 {
		t.Fatal("timed out early")
	}
	h.checkUploads(last + limit)
	out, _ := h.finish(nil, last+limit)
	ht.out = out
	var status408, rst bool
	dec := hpack.NewDecoder(4096, func(f hpack.HeaderField) { status408 = status408 || f.Name == ":status" && f.Value == "408" })
	for _, f := range ht.frames() {
		switch fr := f.Frame.(type) {
		case *http2.HeadersFrame:
			_, _ = dec.Write(f.payload)
		case *http2.RSTStreamFrame:
			rst = fr.ErrCode == http2.ErrCodeNo
		}
	}
	if !status408 || !rst || len(h.uploads) != 0 || len(h.streams) != 0 || h.bodyBytes != 0 || h.conn.Err() != nil {
		t.Fatalf("408 %v, RST(NO_ERROR) %v, uploads %v, streams %d, buffered %d, err %v",
			status408, rst, h.uploads, len(h.streams), h.bodyBytes, h.conn.Err())
	}
}

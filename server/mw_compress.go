package server

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/fasterapi/fasterapi/protocols/http1"
)

// compressPolicy is GZipMiddleware: Starlette's rules for what is compressed, with gzip, or
// zstd or brotli when the client prefers those (RFC 9110 §12.5.3).
type compressPolicy struct {
	MinimumSize   int      `json:"minimum_size"`
	CompressLevel int      `json:"compresslevel"`
	Exclude       []string `json:"exclude_content_types"` // media types, lower case; "type/*" too
}

func newCompressPolicy(options []byte) (*compressPolicy, error) {
	p := &compressPolicy{}
	if err := json.Unmarshal(options, p); err != nil {
		return nil, fmt.Errorf("GZipMiddleware options: %w", err)
	}
	if p.CompressLevel < -1 || p.CompressLevel > 9 {
		return nil, fmt.Errorf("GZipMiddleware compresslevel %d is not in -1..9", p.CompressLevel)
	}
	return p, nil
}

// eligible reports whether an answer may be compressed at all: not one that has a
// Content-Encoding already, not a 206 (its ranges are of the identity body), not an
// excluded media type.
func (p *compressPolicy) eligible(status int, head []byte) bool {
	if status == 206 || headHas(head, "content-encoding") {
		return false
	}
	ct, _ := headerValue(head, "content-type")
	media, _, _ := strings.Cut(ct, ";")
	media = strings.ToLower(strings.TrimSpace(media))
	major, _, _ := strings.Cut(media, "/")
	for _, ex := range p.Exclude {
		if ex == media || ex == major+"/*" || ex == "application/grpc" && strings.HasPrefix(media, "application/grpc+") {
			return false
		}
	}
	return true
}

// whole handles a complete body: one shorter than minimum_size is left alone; a longer one
// gets "Vary: Accept-Encoding" and, when the client accepts a coding, is compressed.
func (p *compressPolicy) whole(c coding, status int, head, body []byte) ([]byte, []byte) {
	if !p.varies(status, head, len(body)) {
		return head, body
	}
	head = headAddVary(head, "Accept-Encoding")
	if c == codingIdentity {
		return head, body
	}
	return headSet(head, "content-encoding", c.String()), compressWhole(c, p.CompressLevel, body)
}

// varies reports whether a complete body of size bytes gets "Vary: Accept-Encoding" (and is
// compressed when the client accepts a coding).
func (p *compressPolicy) varies(status int, head []byte, size int) bool {
	return p.eligible(status, head) && size >= p.MinimumSize
}

// stream handles a body that comes in pieces (Starlette compresses those whatever their
// size): the head is changed and the encoder for the pieces returned.
func (p *compressPolicy) stream(c coding, status int, head []byte) ([]byte, *bodyEncoder) {
	if !p.eligible(status, head) {
		return head, nil
	}
	head = headAddVary(head, "Accept-Encoding")
	if c == codingIdentity {
		return head, nil
	}
	head = headDel(headSet(head, "content-encoding", c.String()), "content-length")
	return head, newBodyEncoder(c, p.CompressLevel)
}

// coding is a content coding the server can apply (RFC 9110 §8.4.1).
type coding int

const (
	codingIdentity coding = iota
	codingGzip
	codingBrotli
	codingZstd
)

func (c coding) String() string {
	switch c {
	case codingGzip:
		return "gzip"
	case codingBrotli:
		return "br"
	case codingZstd:
		return "zstd"
	}
	return "identity"
}

// chooseCoding picks the coding for a response from Accept-Encoding (RFC 9110 §12.5.3): the
// one of gzip ("x-gzip" too), br and zstd with the highest q-value above 0; on a tie zstd,
// then br, then gzip (fastest first). "*" is not taken to mean any of them, as Starlette,
// which looks for "gzip" only, does not either.
func chooseCoding(accept optString) coding {
	if !accept.ok {
		return codingIdentity
	}
	best, bestQ := codingIdentity, 0
	for item := range strings.SplitSeq(accept.v, ",") {
		name, params, _ := strings.Cut(item, ";")
		var c coding
		switch n := strings.TrimSpace(name); {
		case http1.EqualFold([]byte(n), "gzip") || http1.EqualFold([]byte(n), "x-gzip"):
			c = codingGzip
		case http1.EqualFold([]byte(n), "br"):
			c = codingBrotli
		case http1.EqualFold([]byte(n), "zstd"):
			c = codingZstd
		default:
			continue
		}
		q := qValue(params)
		if q > bestQ || q == bestQ && q > 0 && c > best {
			best, bestQ = c, q
		}
	}
	return best
}

// qValue reads a "q=0.5" parameter in thousandths (RFC 9110 §12.4.2); 1000 when absent, 0
// when malformed.
func qValue(params string) int {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1 || len(v) > 5 {
			return 0
		}
		return int(f*1000 + 0.5)
	}
	return 1000
}

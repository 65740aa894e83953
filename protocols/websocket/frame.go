package websocket

import (
	"encoding/binary"
	"math/bits"
)

// Opcode is a frame's opcode (RFC 6455 §5.2, §11.8).
type Opcode uint8

// The opcodes defined by RFC 6455 §5.2; the others are reserved and a
// frame using one fails the connection.
const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xa
)

// isControl reports whether op is a control opcode: the most significant
// opcode bit is set (RFC 6455 §5.5).
func (op Opcode) isControl() bool { return op&0x8 != 0 }

func (op Opcode) defined() bool {
	switch op {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
		return true
	}
	return false
}

// Bits of the first two header bytes (RFC 6455 §5.2).
const (
	finBit     = 0x80
	rsv1Bit    = 0x40 // "Per-Message Compressed" under permessage-deflate (RFC 7692 §6)
	rsv2Bit    = 0x20
	rsv3Bit    = 0x10
	opcodeBits = 0x0f
	maskBit    = 0x80
	len7Bits   = 0x7f
)

// MaxControlPayload is the largest payload a control frame may carry
// (RFC 6455 §5.5).
const MaxControlPayload = 125

// AppendFrame appends one unmasked server frame (RFC 6455 §5.2; servers
// must not mask, §5.1). It writes exactly what it is given, so fragmenting
// a message is up to the caller: the first frame has op OpText or OpBinary,
// the following ones OpContinuation, and only the last has fin set.
//
// Control frames cannot be fragmented or exceed 125 bytes (§5.5): for a
// control op, fin is forced and the payload is truncated to
// MaxControlPayload bytes.
func AppendFrame(dst []byte, op Opcode, payload []byte, fin bool) []byte {
	b0 := byte(op) & opcodeBits
	if op.isControl() {
		fin = true
		payload = payload[:min(len(payload), MaxControlPayload)]
	}
	if fin {
		b0 |= finBit
	}
	return appendFrame(dst, b0, payload)
}

// AppendPing appends a Ping frame (RFC 6455 §5.5.2). The peer answers with
// a Pong carrying the same payload, which Next reports as EventPong; the
// transport can use that for keep-alive and round-trip measurements. The
// payload is truncated to MaxControlPayload bytes.
func AppendPing(dst, payload []byte) []byte { return AppendFrame(dst, OpPing, payload, true) }

// AppendPong appends a Pong frame (RFC 6455 §5.5.3). The Conn answers
// pings by itself (see Conn.AppendOutput); an unsolicited Pong serves as a
// one-way heartbeat. The payload is truncated to MaxControlPayload bytes.
func AppendPong(dst, payload []byte) []byte { return AppendFrame(dst, OpPong, payload, true) }

func appendFrame(dst []byte, b0 byte, payload []byte) []byte {
	dst = appendHeader(dst, b0, len(payload))
	return append(dst, payload...)
}

// appendHeader writes an unmasked header with the minimal length encoding,
// which RFC 6455 §5.2 requires of senders.
func appendHeader(dst []byte, b0 byte, n int) []byte {
	switch {
	case n <= 125:
		return append(dst, b0, byte(n))
	case n <= 0xffff:
		return append(dst, b0, 126, byte(n>>8), byte(n))
	}
	dst = append(dst, b0, 127)
	return binary.BigEndian.AppendUint64(dst, uint64(n))
}

// maskBytes XORs b in place with the masking key (RFC 6455 §5.3), the
// first byte of b lining up with key[pos&3], and returns the key position
// for the byte after b. Eight bytes are processed per step.
func maskBytes(key [4]byte, pos int, b []byte) int {
	next := (pos + len(b)) & 3
	if len(b) >= 8 {
		// Rotate the key so that its first byte applies to b[0]; 8 is a
		// multiple of 4, so the rotation holds for every 8-byte step.
		k := bits.RotateLeft32(binary.LittleEndian.Uint32(key[:]), -8*(pos&3))
		k64 := uint64(k)<<32 | uint64(k)
		for len(b) >= 8 {
			binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^k64)
			b = b[8:]
		}
	}
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return next
}

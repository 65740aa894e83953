package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wsMaxSize is the server's --ws-max-size in these tests: small, so a message over it is cheap.
const wsMaxSize = 4096

// RFC 6455 opcodes.
const (
	wsOpContinuation = 0x0
	wsOpText         = 0x1
	wsOpBinary       = 0x2
	wsOpClose        = 0x8
	wsOpPing         = 0x9
	wsOpPong         = 0xA
)

// wsFrame is one frame as the raw client builds it: fin and rsv (the three reserved bits,
// already shifted into 0x70) spelled out so the tests can set them wrong.
type wsFrame struct {
	fin      bool
	rsv      byte
	opcode   byte
	payload  []byte
	unmasked bool
}

func (f wsFrame) bytes() []byte {
	b0 := f.rsv | f.opcode
	if f.fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	maskBit := byte(0x80)
	if f.unmasked {
		maskBit = 0
	}
	switch n := len(f.payload); {
	case n < 126:
		out = append(out, maskBit|byte(n))
	case n < 1<<16:
		out = append(out, maskBit|126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, maskBit|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	if f.unmasked {
		return append(out, f.payload...)
	}
	var key [4]byte
	_, _ = rand.Read(key[:])
	out = append(out, key[:]...)
	for i, c := range f.payload {
		out = append(out, c^key[i%4])
	}
	return out
}

// Frames the tests send, all final and masked unless they say otherwise.
func wsText(s string) wsFrame              { return wsFrame{fin: true, opcode: wsOpText, payload: []byte(s)} }
func wsFragment(op byte, p []byte) wsFrame { return wsFrame{opcode: op, payload: p} }
func wsFinal(op byte, p []byte) wsFrame    { return wsFrame{fin: true, opcode: op, payload: p} }

func wsCloseFrame(code uint16, reason string) wsFrame {
	return wsFinal(wsOpClose, append(binary.BigEndian.AppendUint16(nil, code), reason...))
}

// wsDial opens a WebSocket to path with a raw handshake, offering no extension (so every
// reserved bit is a protocol error), and returns the connection and its reader.
func wsDial(t *testing.T, s *server, path string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c := dial(t, s)
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	_, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"+
		"Connection: Upgrade\r\nSec-WebSocket-Key: "+key+"\r\nSec-WebSocket-Version: 13\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp := readResponse(t, br, "GET")
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("handshake: %d %v %q", resp.StatusCode, resp.Header, resp.body)
	}
	if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Fatalf("extension %q negotiated though none was offered", ext)
	}
	return c, br
}

type wsServerFrame struct {
	fin     bool
	opcode  byte
	payload []byte
}

// readFrame reads one frame of the server's; the server must never mask nor set reserved
// bits when no extension was negotiated.
func wsReadFrame(t *testing.T, br *bufio.Reader) (wsServerFrame, error) {
	t.Helper()
	var head [2]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return wsServerFrame{}, err
	}
	if head[0]&0x70 != 0 || head[1]&0x80 != 0 {
		t.Fatalf("server frame with reserved bits or a mask: % x", head)
	}
	n := uint64(head[1] & 0x7F)
	switch n {
	case 126:
		var ext [2]byte
		if _, err := io.ReadFull(br, ext[:]); err != nil {
			return wsServerFrame{}, err
		}
		n = uint64(binary.BigEndian.Uint16(ext[:]))
	case 127:
		var ext [8]byte
		if _, err := io.ReadFull(br, ext[:]); err != nil {
			return wsServerFrame{}, err
		}
		n = binary.BigEndian.Uint64(ext[:])
	}
	if n > 1<<24 {
		t.Fatalf("server frame of %d bytes", n)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(br, payload); err != nil {
		return wsServerFrame{}, err
	}
	return wsServerFrame{fin: head[0]&0x80 != 0, opcode: head[0] & 0x0F, payload: payload}, nil
}

// readClose reads past any data frames to the server's Close frame and returns its code
// and reason.
func wsReadClose(t *testing.T, br *bufio.Reader) (uint16, string) {
	t.Helper()
	for {
		f, err := wsReadFrame(t, br)
		if err != nil {
			t.Fatalf("connection ended without a Close frame: %v", err)
		}
		if f.opcode != wsOpClose {
			continue
		}
		if len(f.payload) < 2 {
			t.Fatalf("Close frame without a code: % x", f.payload)
		}
		return binary.BigEndian.Uint16(f.payload), string(f.payload[2:])
	}
}

// expectEOF checks that the server closes the TCP connection within d, as RFC 6455 §7.1.1
// has it do once the closing handshake is over.
func wsExpectEOF(t *testing.T, c net.Conn, br *bufio.Reader, d time.Duration) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(d))
	if f, err := wsReadFrame(t, br); !errors.Is(err, io.EOF) {
		t.Fatalf("the server did not close the connection within %v: %+v %v", d, f, err)
	}
}

// expectClose checks the server's Close code, then that the server ends the TCP connection
// without waiting for anything more from the client.
func wsExpectClose(t *testing.T, c net.Conn, br *bufio.Reader, code uint16) {
	t.Helper()
	if got, reason := wsReadClose(t, br); got != code {
		t.Fatalf("close code %d (reason %q), want %d", got, reason, code)
	}
	wsExpectEOF(t, c, br, 5*time.Second)
}

// expectFailure checks that the server failed the connection (§7.1.7) with one of codes,
// then replies as a client that is done: its own Close and the end of its half of the TCP
// connection, after which the server closes too.
func wsExpectFailure(t *testing.T, c net.Conn, br *bufio.Reader, codes ...uint16) {
	t.Helper()
	got, reason := wsReadClose(t, br)
	if !slices.Contains(codes, got) {
		t.Fatalf("close code %d (reason %q), want one of %v", got, reason, codes)
	}
	wsSend(t, c, wsCloseFrame(got, ""))
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	wsExpectEOF(t, c, br, 5*time.Second)
}

func wsSend(t *testing.T, c net.Conn, frames ...wsFrame) {
	t.Helper()
	var buf bytes.Buffer
	for _, f := range frames {
		buf.Write(f.bytes())
	}
	if _, err := c.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
}

// TestWebSocketRFC6455 drives /ws/echo of tests/apps/stream_app.py with a raw TCP client
// through the edge cases of RFC 6455, one server per Python.
func TestWebSocketRFC6455(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "stream_app:app",
			"--ws-max-size", strconv.Itoa(wsMaxSize))
		t.Run("protocol_errors", func(t *testing.T) { protocolErrorsCloseWithTheRFCCode(t, s) })
		t.Run("legal_use", func(t *testing.T) { fragmentsPingsAndCloseHandshake(t, s) })
		t.Run("failed_connection_closes_on_the_clients_close", func(t *testing.T) {
			failedConnectionClosesOnTheClientsClose(t, s)
		})
	})
}

// protocolErrorsCloseWithTheRFCCode sends what RFC 6455 forbids a client to send and checks the server's Close code (§7.4.1) and that it then drops the connection.
func protocolErrorsCloseWithTheRFCCode(t *testing.T, s *server) {
	euro := []byte("€") // e2 82 ac: split across fragments below
	cases := []struct {
		name   string
		frames []wsFrame
		codes  []uint16 // the Close codes RFC 6455 allows for the case
	}{
		{"unmasked frame", []wsFrame{{fin: true, opcode: wsOpText, payload: []byte("hi"), unmasked: true}}, []uint16{1002}},
		{"invalid UTF-8 in one frame", []wsFrame{wsFinal(wsOpText, []byte{0xff, 0xfe})}, []uint16{1007}},
		{"invalid UTF-8 across fragments", []wsFrame{
			wsFragment(wsOpText, euro[:2]), wsFinal(wsOpContinuation, []byte{0x41})}, []uint16{1007}},
		{"UTF-8 truncated at the final fragment", []wsFrame{
			wsFragment(wsOpText, []byte("ok")), wsFinal(wsOpContinuation, euro[:2])}, []uint16{1007}},
		{"message over --ws-max-size", []wsFrame{wsFinal(wsOpBinary, make([]byte, wsMaxSize+1))}, []uint16{1009}},
		{"fragments over --ws-max-size", []wsFrame{
			wsFragment(wsOpBinary, make([]byte, wsMaxSize/2+1)),
			wsFinal(wsOpContinuation, make([]byte, wsMaxSize/2+1))}, []uint16{1009}},
		{"RSV1 without an extension", []wsFrame{{fin: true, rsv: 0x40, opcode: wsOpText, payload: []byte("x")}}, []uint16{1002}},
		{"RSV2", []wsFrame{{fin: true, rsv: 0x20, opcode: wsOpText, payload: []byte("x")}}, []uint16{1002}},
		{"RSV3 on a ping", []wsFrame{{fin: true, rsv: 0x10, opcode: wsOpPing}}, []uint16{1002}},
		{"close code 1005 (never sent)", []wsFrame{wsCloseFrame(1005, "")}, []uint16{1002}},
		{"close code 1006 (never sent)", []wsFrame{wsCloseFrame(1006, "")}, []uint16{1002}},
		{"close code 1015 (never sent)", []wsFrame{wsCloseFrame(1015, "")}, []uint16{1002}},
		{"close code 999", []wsFrame{wsCloseFrame(999, "")}, []uint16{1002}},
		{"close code 1016 (unassigned)", []wsFrame{wsCloseFrame(1016, "")}, []uint16{1002}},
		{"close code 5000", []wsFrame{wsCloseFrame(5000, "")}, []uint16{1002}},
		{"close payload of one byte", []wsFrame{wsFinal(wsOpClose, []byte{0x03})}, []uint16{1002}},
		// §8.1 requires failing the connection; the reason is not a text message, so 1002
		// fits as well as 1007 (Autobahn's case 7.5.1 accepts either).
		{"close reason not UTF-8", []wsFrame{wsCloseFrame(1000, "\xc3\x28")}, []uint16{1007, 1002}},
		{"continuation without a start", []wsFrame{wsFinal(wsOpContinuation, []byte("orphan"))}, []uint16{1002}},
		{"new message inside a fragmented one", []wsFrame{
			wsFragment(wsOpText, []byte("a")), wsFinal(wsOpText, []byte("b"))}, []uint16{1002}},
		{"fragmented ping", []wsFrame{wsFragment(wsOpPing, []byte("p"))}, []uint16{1002}},
		{"ping over 125 bytes", []wsFrame{wsFinal(wsOpPing, make([]byte, 126))}, []uint16{1002}},
		{"reserved data opcode 0x3", []wsFrame{wsFinal(0x3, nil)}, []uint16{1002}},
		{"reserved control opcode 0xB", []wsFrame{wsFinal(0xB, nil)}, []uint16{1002}},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			c, br := wsDial(t, s, "/ws/echo")
			wsSend(t, c, tc.frames...)
			wsExpectFailure(t, c, br, tc.codes...)
		})
	}
	// After all that the server still echoes.
	c, br := wsDial(t, s, "/ws/echo")
	wsSend(t, c, wsText("still here"))
	if f, err := wsReadFrame(t, br); err != nil || string(f.payload) != "still here" {
		t.Fatalf("echo after the protocol errors: %+v %v\n%s", f, err, s.Output())
	}
}

// fragmentsPingsAndCloseHandshake covers what a client may legally do: fragment a message
// (even inside a UTF-8 character) with a ping in between, and close with any valid code,
// which the server echoes (§5.5.1).
func fragmentsPingsAndCloseHandshake(t *testing.T, s *server) {
	t.Run("fragments_with_an_interleaved_ping", func(t *testing.T) {
		c, br := wsDial(t, s, "/ws/echo")
		euro := []byte("€")
		wsSend(t, c, wsFragment(wsOpText, append([]byte("price "), euro[:1]...)),
			wsFinal(wsOpPing, []byte("are you there")),
			wsFragment(wsOpContinuation, euro[1:]),
			wsFinal(wsOpPong, []byte("unsolicited pongs are ignored")),
			wsFinal(wsOpContinuation, []byte(" 5")))
		// §5.5.2 wants the Pong "as soon as is practical" but does not order it against
		// the echo of the message around the Ping, so either may come first.
		var pong, message []byte
		for gotPong, gotMessage := false, false; !gotPong || !gotMessage; {
			f, err := wsReadFrame(t, br)
			if err != nil {
				t.Fatalf("pong %v %q, message %v %q: %v", gotPong, pong, gotMessage, message, err)
			}
			switch {
			case f.opcode == wsOpPong && !gotPong:
				gotPong, pong = f.fin, f.payload
			case (f.opcode == wsOpText || f.opcode == wsOpContinuation) && !gotMessage:
				message = append(message, f.payload...)
				gotMessage = f.fin
			default:
				t.Fatalf("unexpected frame %+v", f)
			}
		}
		if string(pong) != "are you there" {
			t.Fatalf("pong %q", pong)
		}
		if string(message) != "price € 5" {
			t.Fatalf("echo %q", message)
		}
		wsSend(t, c, wsCloseFrame(1000, ""))
		wsExpectClose(t, c, br, 1000)
	})

	t.Run("binary_message_of_exactly_the_max_size", func(t *testing.T) {
		c, br := wsDial(t, s, "/ws/echo")
		payload := bytes.Repeat([]byte{0xA5}, wsMaxSize)
		wsSend(t, c, wsFinal(wsOpBinary, payload))
		var got []byte
		for {
			f, err := wsReadFrame(t, br)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, f.payload...)
			if f.fin {
				break
			}
		}
		if !bytes.Equal(got, payload) {
			t.Fatalf("echo of %d bytes came back as %d", len(payload), len(got))
		}
	})

	for _, code := range []uint16{1000, 1001, 1003, 1011, 3000, 4999} {
		t.Run("close_"+strconv.Itoa(int(code)), func(t *testing.T) {
			c, br := wsDial(t, s, "/ws/echo")
			wsSend(t, c, wsText("before"), wsCloseFrame(code, "client says bye"))
			wsExpectClose(t, c, br, code)
		})
	}

	t.Run("empty_close_is_answered_with_an_empty_close", func(t *testing.T) {
		c, br := wsDial(t, s, "/ws/echo")
		wsSend(t, c, wsFinal(wsOpClose, nil))
		f, err := wsReadFrame(t, br)
		if err != nil || f.opcode != wsOpClose {
			t.Fatalf("want a Close frame: %+v %v", f, err)
		}
		// §5.5.1: no status in the client's Close; the reply carries none or 1000.
		if len(f.payload) != 0 && binary.BigEndian.Uint16(f.payload) != 1000 {
			t.Fatalf("reply to an empty Close: % x", f.payload)
		}
	})

	t.Run("server_initiated_close_then_client_reply", func(t *testing.T) {
		c, br := wsDial(t, s, "/ws/flood?count=2&size=10")
		for range 2 {
			if f, err := wsReadFrame(t, br); err != nil || f.opcode != wsOpBinary || len(f.payload) != 10 {
				t.Fatalf("want a 10-byte binary message: %+v %v", f, err)
			}
		}
		f, err := wsReadFrame(t, br)
		if err != nil || f.opcode != wsOpClose || binary.BigEndian.Uint16(f.payload) != 1000 {
			t.Fatalf("want the handler's Close 1000: %+v %v", f, err)
		}
		wsSend(t, c, wsCloseFrame(1000, ""))
		wsExpectEOF(t, c, br, 5*time.Second)
	})
}

// failedConnectionClosesOnTheClientsClose: after failing a connection the server lingers
// (server/wsession.go closeLinger) so its Close frame is not lost to a TCP reset; a compliant
// client answers with its own Close and then waits for the server to end the TCP connection
// (§7.1.1, §5.5.1), which ends the linger once the client is quiet.
func failedConnectionClosesOnTheClientsClose(t *testing.T, s *server) {
	c, br := wsDial(t, s, "/ws/echo")
	wsSend(t, c, wsFinal(wsOpText, []byte{0xff}))
	code, _ := wsReadClose(t, br)
	if code != 1007 {
		t.Fatalf("close code %d, want 1007", code)
	}
	wsSend(t, c, wsCloseFrame(code, ""))
	began := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := wsReadFrame(t, br)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("the server did not close the connection: %v", err)
	}
	if waited := time.Since(began); waited > time.Second {
		t.Fatalf("the server closed %v after the client's Close; it should stop lingering once "+
			"the client is quiet", waited.Round(time.Millisecond))
	}
}

package websocket

import (
	"strings"
	"testing"
)

func TestNegotiateDeflate(t *testing.T) {
	on := HandshakeOptions{Deflate: true}
	keep := HandshakeOptions{Deflate: true, ServerContextTakeover: true, ClientContextTakeover: true}
	tests := []struct {
		name   string
		opts   HandshakeOptions
		values []string
		want   DeflateParams
		resp   string // the Sec-WebSocket-Extensions answer, "" when declined
	}{
		{"plain offer, server resets both contexts", on, []string{"permessage-deflate"},
			DeflateParams{Enabled: true, ServerNoContextTakeover: true, ClientNoContextTakeover: true},
			"permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
		{"plain offer, context takeover allowed", keep, []string{"permessage-deflate"},
			DeflateParams{Enabled: true}, "permessage-deflate"},
		{"client asks for no server context", keep, []string{"permessage-deflate; server_no_context_takeover"},
			DeflateParams{Enabled: true, ServerNoContextTakeover: true}, "permessage-deflate; server_no_context_takeover"},
		{"client offers no client context", keep, []string{"permessage-deflate; client_no_context_takeover"},
			DeflateParams{Enabled: true, ClientNoContextTakeover: true}, "permessage-deflate; client_no_context_takeover"},
		{"browser offer", keep, []string{"permessage-deflate; client_max_window_bits"},
			DeflateParams{Enabled: true, ClientMaxWindowBits: 15}, "permessage-deflate"},
		{"client window value", keep, []string{"permessage-deflate; client_max_window_bits=9"},
			DeflateParams{Enabled: true, ClientMaxWindowBits: 9}, "permessage-deflate"},
		{"server window echoed", keep, []string{"permessage-deflate; server_max_window_bits=10"},
			DeflateParams{Enabled: true, ServerMaxWindowBits: 10}, "permessage-deflate; server_max_window_bits=10"},
		{"server window 8", keep, []string{"permessage-deflate;server_max_window_bits=8"},
			DeflateParams{Enabled: true, ServerMaxWindowBits: 8}, "permessage-deflate; server_max_window_bits=8"},
		{"quoted value, spaces around =", keep, []string{`permessage-deflate; server_max_window_bits = "15"`},
			DeflateParams{Enabled: true, ServerMaxWindowBits: 15}, "permessage-deflate; server_max_window_bits=15"},
		{"case-insensitive", keep, []string{"PerMessage-Deflate; Client_Max_Window_Bits=12; SERVER_NO_CONTEXT_TAKEOVER"},
			DeflateParams{Enabled: true, ServerNoContextTakeover: true, ClientMaxWindowBits: 12}, "permessage-deflate; server_no_context_takeover"},
		{"first acceptable offer wins", keep, []string{"permessage-deflate; server_max_window_bits, permessage-deflate; client_no_context_takeover, permessage-deflate"},
			DeflateParams{Enabled: true, ClientNoContextTakeover: true}, "permessage-deflate; client_no_context_takeover"},
		{"other extensions skipped", keep, []string{`x-webkit-deflate-frame, foo; a="x,y;z", permessage-deflate; server_max_window_bits=9`},
			DeflateParams{Enabled: true, ServerMaxWindowBits: 9}, "permessage-deflate; server_max_window_bits=9"},
		{"offers over several lines", keep, []string{"foo", "permessage-deflate; bogus", "permessage-deflate; client_max_window_bits"},
			DeflateParams{Enabled: true, ClientMaxWindowBits: 15}, "permessage-deflate"},
		{"disabled by options", HandshakeOptions{}, []string{"permessage-deflate"}, DeflateParams{}, ""},
		{"no offer", on, []string{"x-webkit-deflate-frame"}, DeflateParams{}, ""},
		{"empty elements", on, []string{" , ,"}, DeflateParams{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var values [][]byte
			for _, v := range tt.values {
				values = append(values, []byte(v))
			}
			var got DeflateParams
			if tt.opts.Deflate {
				got = negotiateDeflate(values, tt.opts)
			}
			if got != tt.want {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
			resp := ""
			if got.Enabled {
				resp = string(appendDeflateResponse(nil, got))
			}
			if resp != tt.resp {
				t.Fatalf("response %q, want %q", resp, tt.resp)
			}
		})
	}
}

// RFC 7692 §7.1: an offer with an unknown or duplicated parameter, or an
// invalid value, must be declined (and the next offer considered).
func TestDeclinedOffers(t *testing.T) {
	for _, offer := range []string{
		"permessage-deflate; foo",
		"permessage-deflate; server_no_context_takeover=1",
		"permessage-deflate; client_no_context_takeover; client_no_context_takeover",
		"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
		"permessage-deflate; server_max_window_bits",
		"permessage-deflate; server_max_window_bits=7",
		"permessage-deflate; server_max_window_bits=16",
		"permessage-deflate; server_max_window_bits=08",
		"permessage-deflate; server_max_window_bits=",
		"permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
		"permessage-deflate; client_max_window_bits=1x",
		"permessage-deflate; client_max_window_bits; client_max_window_bits",
		`permessage-deflate; client_max_window_bits="1\0"`,
		`permessage-deflate; client_max_window_bits="10`,
		"permessage-deflate; =10",
		"permessage-deflate; a b",
		"permessage-deflate;",
		"permessage-deflate x",
	} {
		if p, ok := parseDeflateOffer([]byte(offer)); ok {
			t.Errorf("%q accepted as %+v", offer, p)
		}
		got := negotiateDeflate([][]byte{[]byte(offer + ", permessage-deflate")}, HandshakeOptions{Deflate: true, ServerContextTakeover: true, ClientContextTakeover: true})
		want := DeflateParams{Enabled: true}
		if strings.Count(offer, `"`) == 1 {
			// An unterminated quoted-string runs to the end of the field,
			// swallowing the fallback offer too.
			want = DeflateParams{}
		}
		if got != want {
			t.Errorf("%q: fallback offer gave %+v", offer, got)
		}
	}
}

func TestWindowBits(t *testing.T) {
	for v, want := range map[string]int{"8": 8, "9": 9, "10": 10, "15": 15, "7": 0, "16": 0, "08": 0, "": 0, "1": 0, "100": 0, "+9": 0} {
		if got := windowBits([]byte(v)); got != want {
			t.Errorf("%q: %d", v, got)
		}
	}
}

// Through Accept, with the extension header split over two lines.
func TestAcceptNegotiatesDeflate(t *testing.T) {
	req := parseRequest(t, upgradeRequest("Sec-WebSocket-Extensions: x-foo\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))
	hs, err := Accept(req, HandshakeOptions{Deflate: true})
	if err != nil {
		t.Fatal(err)
	}
	want := DeflateParams{Enabled: true, ServerNoContextTakeover: true, ClientNoContextTakeover: true, ClientMaxWindowBits: 15}
	if hs.Deflate != want {
		t.Fatalf("%+v", hs.Deflate)
	}
}

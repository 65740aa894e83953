package server

import (
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/protocols/http1"
	"github.com/fasterapi/fasterapi/pyhost"
	"github.com/fasterapi/fasterapi/transport"
)

func TestStaticMountThroughSession(t *testing.T) {
	_, pub := staticTree(t)
	opts := map[string]any{"directory": pub}
	for k, v := range testTypes {
		opts[k] = v
	}
	routes := []pyhost.Route{
		{Path: "/static/special", Methods: []string{"GET"}, Status: 200, Name: "special"},
		{Path: "/static", Methods: []string{staticMethod}, Status: 200, Name: "static", Options: opts},
	}
	srv, err := New(routes, &scriptedCaller{}, Options{Limits: http1.DefaultLimits(), KeepAliveTimeout: time.Second,
		HeaderTimeout: time.Second, BodyTimeout: time.Second}, func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	sess := srv.NewSession(transport.ConnInfo{Wake: func() {}}).(*session)
	in := "GET /static/a.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /static/special HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /static/%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
		"DELETE /static/a.txt HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /static HTTP/1.1\r\nHost: x\r\n\r\n"
	out, _ := sess.OnData([]byte(in), nil)
	rs := parseResponses(t, out, 5)
	want := []int{200, 200, 404, 405, 307}
	for i, r := range rs {
		if r.StatusCode != want[i] {
			t.Errorf("response %d: status %d, want %d", i, r.StatusCode, want[i])
		}
	}
	if body(rs[0]) != "a" || body(rs[1]) != `{"item_id":5}` || rs[3].Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("bodies %q %q, allow %q", body(rs[0]), body(rs[1]), rs[3].Header.Get("Allow"))
	}
}

package pybridge

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func init() { runtime.LockOSThread() }

// TestMain starts CPython on the main thread, as the server does, with a minimal stand-in of
// the fasterapi package (testdata/fasterapi) that speaks the bridge contract.
func TestMain(m *testing.M) {
	// The embedded interpreters keep their default sys.path; boot puts testdata first.
	os.Unsetenv("FASTERAPI_SYS_PATH")
	if err := Init("", ""); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

func testdata(t *testing.T) string {
	td, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return td
}

// onLockedThread runs f on a fresh OS thread that is never given back, like an event loop.
func onLockedThread(f func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		f()
		close(done)
	}()
	<-done
}

func buildMeta(method, path, query string, headers [][2]string, params [][2]string) []byte {
	var m Meta
	m.Reset()
	m.SetFieldString(FieldMethod, method)
	m.SetFieldString(FieldPath, path)
	m.SetFieldString(FieldRawPath, path)
	m.SetFieldString(FieldQuery, query)
	m.SetFieldString(FieldClientHost, "127.0.0.1")
	m.SetFieldString(FieldServerHost, "127.0.0.1")
	m.SetFieldString(FieldScheme, "http")
	m.SetFieldString(FieldHTTPVersion, "1.1")
	m.SetPorts(5555, 8000)
	for _, h := range headers {
		m.AddHeader([]byte(h[0]), []byte(h[1]))
	}
	for _, p := range params {
		m.AddParam(p[0], []byte(p[1]))
	}
	return m.Bytes()
}

func TestBootAndCall(t *testing.T) {
	td := testdata(t)
	routes, err := BootMain("bridgeapp:app", td)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(routes), `["/items/{id}",["GET","HEAD"],200,"item"]`) {
		t.Fatalf("route table: %s", routes)
	}
	onLockedThread(func() {
		if CurrentThread() != ThreadNotBooted {
			t.Error("fresh thread claims an interpreter")
		}
		subRoutes, err := BootThread("bridgeapp:app", td)
		if err != nil {
			t.Error(err)
			return
		}
		if string(subRoutes) != string(routes) {
			t.Errorf("sub route table %s != main %s", subRoutes, routes)
		}
		r := Call(0, 200, 0, buildMeta("GET", "/", "", nil, nil), nil)
		if r.Status != 200 || !r.JSON || string(r.Body) != `{"message":"Hello, World!"}` {
			t.Errorf("root: %d %v %q", r.Status, r.JSON, r.Body)
		}
		meta := buildMeta("GET", "/items/5", "q=x", [][2]string{{"Host", "a"}, {"X-Y", "z"}}, [][2]string{{"id", "5"}})
		r = Call(1, 200, 0, meta, nil)
		want := `{"id":{"id":"5"},"q":"q=x","h":[["host","a"],["x-y","z"]],"m":"GET","c":["127.0.0.1",5555],` +
			`"d":"2020-01-02","e":"a","x":"é\n\"","f":1.5,"big":1180591620717411303424,"t":[1,null,true],` +
			`"sha":"e3b0c442","dec":"1.1"}`
		if r.Status != 200 || string(r.Body) != want {
			t.Errorf("item:\n got %s\nwant %s", r.Body, want)
		}
		r = Call(2, 200, 0, buildMeta("GET", "/resp", "", nil, nil), []byte("body"))
		if r.Status != 201 || r.JSON || string(r.Head) != "content-type: text/plain\r\nx-a: 1\r\n" || string(r.Body) != "hi" {
			t.Errorf("response object: %d %q %q", r.Status, r.Head, r.Body)
		}
		r = Call(3, 200, 0, buildMeta("GET", "/boom", "", nil, nil), nil)
		if r.Status != 500 || string(r.Body) != "Internal Server Error" {
			t.Errorf("raising dispatcher: %d %q", r.Status, r.Body)
		}
		r = Call(4, 200, 0, buildMeta("GET", "/odd", "", nil, nil), nil)
		if r.Status != 200 || string(r.Body) != `{"a":1}` {
			t.Errorf("enum key: %d %q", r.Status, r.Body)
		}
		// Text routes: a returned str is the body, with the route's content type and status.
		for route, head := range map[int]string{6: "content-type: text/plain; charset=utf-8\r\n",
			7: "content-type: text/html; charset=utf-8\r\n"} {
			r = Call(route, 201, 0, buildMeta("GET", "/text", "", nil, nil), nil)
			if r.Status != 201 || r.JSON || string(r.Head) != head || string(r.Body) != "téxt" {
				t.Errorf("text route %d: %d %v %q %q", route, r.Status, r.JSON, r.Head, r.Body)
			}
		}
		r = Call(8, 200, 0, buildMeta("GET", "/str", "", nil, nil), nil)
		if r.Status != 200 || !r.JSON || string(r.Body) != `"téxt"` {
			t.Errorf("str from a JSON route: %d %v %q", r.Status, r.JSON, r.Body)
		}
		r = Call(9, 200, 0, buildMeta("GET", "/shapes", "", nil, nil), nil)
		if want := `[true,false,true,false,true,false,true,false,true,true,false]`; string(r.Body) != want {
			t.Errorf("ShapeCheck: got %s, want %s", r.Body, want)
		}
		r = Call(10, 200, 0, buildMeta("GET", "/bad-shape", "", nil, nil), nil)
		if r.Status != 500 {
			t.Errorf("ShapeCheck of a malformed shape: %d %q", r.Status, r.Body)
		}
		r = Call(5, 200, 0, buildMeta("GET", "/file", "", nil, nil), nil)
		if r.Status != 206 || r.JSON || r.File != "/srv/fé.txt" || len(r.Body) != 0 ||
			string(r.Head) != "content-type: text/plain\r\n" {
			t.Errorf("file response: %d %q %q %q", r.Status, r.File, r.Head, r.Body)
		}
	})
}

func TestBootErrorIsClear(t *testing.T) {
	td := testdata(t)
	onLockedThread(func() {
		_, err := BootThread("no_such_module:app", td)
		if err == nil || !strings.Contains(err.Error(), "Could not import module 'no_such_module'") {
			t.Errorf("error = %v", err)
		}
		if CurrentThread() != ThreadFailed {
			t.Errorf("state after failed boot = %v", CurrentThread())
		}
	})
}

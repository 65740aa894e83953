package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// h2cClient speaks HTTP/2 with prior knowledge over cleartext TCP (RFC 9113 §3.3).
func h2cClient() *http.Client {
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &protocols}}
}

func TestH2CPriorKnowledgeManyStreamsOneConnection(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		client := h2cClient()
		var wg sync.WaitGroup
		errs := make(chan error, 60)
		for i := 0; i < 20; i++ {
			for _, path := range []string{"/sync", "/sleep?seconds=0.05", "/nope"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := client.Get("http://" + s.addr + path)
					if err != nil {
						errs <- err
						return
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					want := map[string]string{"/sync": `{"sync":"ok"}`, "/sleep?seconds=0.05": `{"slept":0.05}`,
						"/nope": `{"detail":"Not Found"}`}[path]
					if resp.ProtoMajor != 2 || string(b) != want {
						errs <- fmt.Errorf("%s over HTTP/%d: %d %s", path, resp.ProtoMajor, resp.StatusCode, b)
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// h2spec is the HTTP/2 conformance suite; make test installs it with go install.
func TestH2SpecCleartext(t *testing.T) {
	h2spec := os.Getenv("H2SPEC") // make test installs h2spec and sets this
	if h2spec == "" {
		t.Skip("H2SPEC is not set: run through make test, which installs h2spec")
	}
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		host, port, _ := net.SplitHostPort(s.addr)
		out, err := exec.Command(h2spec, "-h", host, "-p", port, "--path", "/sync", "-S").CombinedOutput()
		if err != nil || !strings.Contains(string(out), " 0 failed") {
			t.Fatalf("h2spec: %v\n%s", err, out)
		}
		t.Log(strings.TrimSpace(string(out[strings.LastIndex(string(out), "Finished"):])))
	})
}

// curl --http2 on a cleartext URL asks for "Upgrade: h2c" (RFC 7540 §3.2); the first request
// is answered over HTTP/2 as stream 1 and later ones reuse the connection.
func TestH2CUpgradeWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is required (make test installs it)")
	}
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, repoDir(t, "tests", "apps"), "async_app:app", "--workers", "1")
		out, err := exec.Command(curl, "-s", "--http2", "-w", " %{http_version}\n",
			"http://"+s.addr+"/sleep?seconds=0.01", "http://"+s.addr+"/sync").CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v\n%s", err, out)
		}
		if want := "{\"slept\":0.01} 2\n{\"sync\":\"ok\"} 2\n"; string(out) != want {
			t.Fatalf("curl --http2 printed %q, want %q", out, want)
		}
	})
}

package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/internal/testcert"
)

// certAuthority writes the certificates of these tests, generated at test time, as files
// the server's --ssl-* flags read.
type certAuthority struct {
	*testcert.Authority
	pemFile string
	dir     string
}

func newCertAuthority(t *testing.T) *certAuthority {
	t.Helper()
	ca := &certAuthority{Authority: testcert.New(t), dir: t.TempDir()}
	ca.pemFile = ca.write(t, "ca.pem", ca.PEM)
	return ca
}

func (ca *certAuthority) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(ca.dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// issue writes name.crt and name.key for a certificate with the given serial number and
// subject alternative names, and returns their paths.
func (ca *certAuthority) issue(t *testing.T, name string, serial int64, client bool, sans ...string) (string, string) {
	t.Helper()
	certPEM, keyPEM := ca.Issue(t, serial, client, sans...)
	return ca.write(t, name+".crt", certPEM), ca.write(t, name+".key", keyPEM)
}

func tlsApps(t *testing.T) string { return repoDir(t, "tests", "apps") }

// httpsClient trusts nothing but does not verify (the tests check which certificate came by
// its serial number instead); http2 chooses HTTP/2 by ALPN or HTTP/1.1 only.
func httpsClient(http2 bool, version uint16) *http.Client {
	cfg := &tls.Config{InsecureSkipVerify: true, MinVersion: version, MaxVersion: version}
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: http2}
	if !http2 {
		cfg.NextProtos = []string{"http/1.1"}
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

type whoami struct {
	Scheme      string `json:"scheme"`
	URL         string `json:"url"`
	HTTPVersion string `json:"http_version"`
	Client      string `json:"client"`
}

func getWhoami(t *testing.T, c *http.Client, url string) (whoami, *http.Response) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var w whoami
	if err := json.NewDecoder(resp.Body).Decode(&w); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return w, resp
}

func TestTLSServesHTTP1AndHTTP2ByALPN(t *testing.T) {
	ca := newCertAuthority(t)
	crt, key := ca.issue(t, "server", 10, false, "127.0.0.1", "localhost")
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, tlsApps(t), "tls_app:app", "--ssl-certfile", crt, "--ssl-keyfile", key)
		url := "https://" + s.addr + "/whoami"
		for _, c := range []struct {
			http2   bool
			version uint16
			proto   string
		}{{false, tls.VersionTLS12, "1.1"}, {false, tls.VersionTLS13, "1.1"}, {true, tls.VersionTLS12, "2"}, {true, tls.VersionTLS13, "2"}} {
			w, resp := getWhoami(t, httpsClient(c.http2, c.version), url)
			if resp.TLS == nil || resp.TLS.Version != c.version || w.HTTPVersion != c.proto || w.Scheme != "https" ||
				w.URL != url || w.Client != "127.0.0.1" {
				t.Errorf("TLS %x, http2 %v: %+v over HTTP/%d", c.version, c.http2, w, resp.ProtoMajor)
			}
		}
		// Async handlers park and resume across the bridge; many streams on one connection.
		client := httpsClient(true, tls.VersionTLS13)
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := client.Get("https://" + s.addr + "/slow?seconds=0.05")
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.ProtoMajor != 2 || string(b) != `{"slept":0.05}` {
					t.Errorf("HTTP/%d %s", resp.ProtoMajor, b)
				}
			}()
		}
		wg.Wait()
	})
}

func TestTLSWithCurlHTTP2(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatal("curl is required (make test installs it)")
	}
	ca := newCertAuthority(t)
	crt, key := ca.issue(t, "server", 10, false, "127.0.0.1")
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, tlsApps(t), "tls_app:app", "--ssl-certfile", crt, "--ssl-keyfile", key)
		out, err := exec.Command(curl, "-s", "--http2", "--cacert", ca.pemFile, "-w", " %{http_version}\n",
			"https://"+s.addr+"/slow?seconds=0.01", "https://"+s.addr+"/slow?seconds=0").CombinedOutput()
		if err != nil {
			t.Fatalf("curl: %v\n%s", err, out)
		}
		if want := "{\"slept\":0.01} 2\n{\"slept\":0.0} 2\n"; string(out) != want {
			t.Fatalf("curl --http2 printed %q, want %q", out, want)
		}
	})
}

func TestTLSBesideCleartext(t *testing.T) {
	ca := newCertAuthority(t)
	crt, key := ca.issue(t, "server", 10, false, "127.0.0.1")
	forEachPython(t, func(t *testing.T, venv string) {
		tlsPort := freePort(t)
		s := start(t, venv, tlsApps(t), "tls_app:app", "--ssl-certfile", crt, "--ssl-keyfile", key,
			"--ssl-port", strconv.Itoa(tlsPort))
		if !strings.Contains(s.Output(), "running on http://"+s.addr+" and https://127.0.0.1:"+strconv.Itoa(tlsPort)) {
			t.Errorf("start-up line does not name both listeners:\n%s", s.Output())
		}
		plain, _ := getWhoami(t, http.DefaultClient, "http://"+s.addr+"/whoami")
		secure, _ := getWhoami(t, httpsClient(true, tls.VersionTLS13), "https://127.0.0.1:"+strconv.Itoa(tlsPort)+"/whoami")
		if plain.Scheme != "http" || secure.Scheme != "https" || secure.HTTPVersion != "2" {
			t.Fatalf("cleartext %+v, TLS %+v", plain, secure)
		}
		// SIGTERM with an idle TLS connection open still ends cleanly.
		idle, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tlsPort), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		s.stop(t, true)
	})
}

// serial dials the server asking for serverName and returns the certificate's serial number.
func serial(t *testing.T, addr, serverName string) int64 {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{ServerName: serverName, InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

func waitOutput(t *testing.T, s *server, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.Output(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", want, s.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTLSChoosesBySNIAndReloadsOnSIGHUP(t *testing.T) {
	forEachPython(t, func(t *testing.T, venv string) {
		ca := newCertAuthority(t)
		aCrt, aKey := ca.issue(t, "a", 100, false, "a.test", "127.0.0.1")
		bCrt, bKey := ca.issue(t, "b", 200, false, "b.test")
		s := start(t, venv, tlsApps(t), "tls_app:app", "--timeout-keep-alive", "60",
			"--ssl-certfile", aCrt, "--ssl-keyfile", aKey, "--ssl-certfile", bCrt, "--ssl-keyfile", bKey)
		if a, b, none := serial(t, s.addr, "a.test"), serial(t, s.addr, "b.test"), serial(t, s.addr, ""); a != 100 || b != 200 || none != 100 {
			t.Fatalf("SNI a.test got %d, b.test %d, none %d; want 100, 200, 100", a, b, none)
		}
		// A connection opened before the reload.
		old, err := tls.Dial("tcp", s.addr, &tls.Config{ServerName: "a.test", InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		_ = old.SetDeadline(time.Now().Add(20 * time.Second))
		oldReader := bufio.NewReader(old)
		ask := func() string {
			fmt.Fprintf(old, "GET /whoami HTTP/1.1\r\nHost: a.test\r\n\r\n")
			return readResponse(t, oldReader, "GET").body
		}
		if got := ask(); !strings.Contains(got, `"scheme":"https"`) {
			t.Fatalf("before reload: %s", got)
		}
		ca.issue(t, "a", 300, false, "a.test", "127.0.0.1") // overwrites a.crt and a.key
		_ = s.cmd.Process.Signal(syscall.SIGHUP)
		waitOutput(t, s, "SIGHUP: certificates reloaded")
		if a, b := serial(t, s.addr, "a.test"), serial(t, s.addr, "b.test"); a != 300 || b != 200 {
			t.Fatalf("after reload a.test got %d, b.test %d; want 300, 200", a, b)
		}
		if got := ask(); !strings.Contains(got, `"scheme":"https"`) {
			t.Fatalf("the connection opened before the reload: %s", got)
		}
		// A broken file keeps the certificates in use.
		ca.write(t, "a.key", []byte("broken"))
		_ = s.cmd.Process.Signal(syscall.SIGHUP)
		waitOutput(t, s, "SIGHUP: keeping the certificates in use: --ssl-keyfile")
		if a := serial(t, s.addr, "a.test"); a != 300 {
			t.Fatalf("after a failed reload a.test got %d, want 300", a)
		}
		if got := ask(); !strings.Contains(got, `"scheme":"https"`) {
			t.Fatalf("after a failed reload: %s", got)
		}
	})
}

func TestTLSRequiredClientCertificate(t *testing.T) {
	ca := newCertAuthority(t)
	crt, key := ca.issue(t, "server", 10, false, "127.0.0.1")
	clientCrt, clientKey := ca.issue(t, "client", 20, true, "client")
	pair, err := tls.LoadX509KeyPair(clientCrt, clientKey)
	if err != nil {
		t.Fatal(err)
	}
	forEachPython(t, func(t *testing.T, venv string) {
		s := start(t, venv, tlsApps(t), "tls_app:app", "--ssl-certfile", crt, "--ssl-keyfile", key,
			"--ssl-ca-certs", ca.pemFile, "--ssl-cert-reqs", "2")
		if resp, err := httpsClient(true, tls.VersionTLS13).Get("https://" + s.addr + "/whoami"); err == nil {
			resp.Body.Close()
			t.Fatalf("a client without a certificate got %d", resp.StatusCode)
		}
		c := httpsClient(true, tls.VersionTLS13)
		c.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{pair}
		if w, _ := getWhoami(t, c, "https://"+s.addr+"/whoami"); w.Scheme != "https" {
			t.Fatalf("with a certificate: %+v", w)
		}
	})
}

// Bad certificate input stops the server before Python starts, with one line naming the
// problem and the fix.
func TestTLSBadInputIsOneClearLine(t *testing.T) {
	ca := newCertAuthority(t)
	crt, key := ca.issue(t, "server", 10, false, "127.0.0.1")
	_, otherKey := ca.issue(t, "other", 11, false, "127.0.0.1")
	keyPEM, _ := os.ReadFile(key)
	block, _ := pem.Decode(keyPEM)
	enc, err := x509.EncryptPEMBlock(rand.Reader, "PRIVATE KEY", block.Bytes, []byte("right"), x509.PEMCipherAES256) //nolint:staticcheck // the legacy format, made on purpose
	if err != nil {
		t.Fatal(err)
	}
	encrypted := ca.write(t, "encrypted.key", pem.EncodeToMemory(enc))
	cases := map[string][]string{
		"--ssl-certfile: open":               {"--ssl-certfile", filepath.Join(ca.dir, "missing.crt"), "--ssl-keyfile", key},
		"does not belong to the certificate": {"--ssl-certfile", crt, "--ssl-keyfile", otherKey},
		"wrong password: check --ssl-keyfile-password": {"--ssl-certfile", crt, "--ssl-keyfile", encrypted,
			"--ssl-keyfile-password", "wrong"},
		"give its password with --ssl-keyfile-password": {"--ssl-certfile", crt, "--ssl-keyfile", encrypted},
	}
	venv := venvs(t)[0]
	for want, args := range cases {
		cmd := exec.Command(filepath.Join(venv, "bin", "fasterapi"), append([]string{"serve", "tls_app:app",
			"--app-dir", tlsApps(t), "--port", strconv.Itoa(freePort(t))}, args...)...)
		out, err := cmd.CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err == nil || cmd.ProcessState.ExitCode() != 1 || len(lines) != 1 || !strings.Contains(lines[0], want) ||
			strings.Contains(string(out), "panic") {
			t.Errorf("%v: exit %v, output:\n%s\nwant one line containing %q", args, err, out, want)
		}
	}
	// The right password serves.
	s := start(t, venv, tlsApps(t), "tls_app:app", "--ssl-certfile", crt, "--ssl-keyfile", encrypted,
		"--ssl-keyfile-password", "right")
	if w, _ := getWhoami(t, httpsClient(false, tls.VersionTLS12), "https://"+s.addr+"/whoami"); w.Scheme != "https" {
		t.Fatalf("%+v", w)
	}
}

// h2spec against the TLS listener. The TLS layer is Go's and the same for every Python, so
// this runs against the first test venv only.
func TestH2SpecTLS(t *testing.T) {
	h2spec := os.Getenv("H2SPEC")
	if h2spec == "" {
		t.Skip("H2SPEC is not set: run through make test, which installs h2spec")
	}
	ca := newCertAuthority(t)
	crt, key := ca.issue(t, "server", 10, false, "127.0.0.1")
	s := start(t, venvs(t)[0], tlsApps(t), "async_app:app", "--workers", "1", "--ssl-certfile", crt, "--ssl-keyfile", key)
	host, port, _ := net.SplitHostPort(s.addr)
	out, err := exec.Command(h2spec, "-t", "-k", "-h", host, "-p", port, "--path", "/sync", "-S").CombinedOutput()
	if err != nil || !strings.Contains(string(out), " 0 failed") {
		t.Fatalf("h2spec over TLS: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out[strings.LastIndex(string(out), "Finished"):])))
}

// A real browser over TLS with a self-signed certificate must fetch the page over h2 (ALPN).
// Like h2spec, it runs against the first test venv only.
func TestChromiumFetchesOverH2(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (scripts/setup.sh installs it): cannot run the browser test")
	}
	ca := newCertAuthority(t)
	crt, key := ca.issue(t, "server", 10, false, "127.0.0.1")
	s := start(t, venvs(t)[0], tlsApps(t), "tls_app:app", "--ssl-certfile", crt, "--ssl-keyfile", key)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--ignore-certificate-errors", "--dump-dom", "https://"+s.addr+"/page").Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "proto=h2<") {
		t.Fatalf("the page was not fetched over h2:\n%s", out)
	}
}

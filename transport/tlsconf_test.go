package transport

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fasterapi/fasterapi/internal/testcert"
)

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// handshake runs a real TLS handshake against cfg over an in-memory pipe and returns what the
// client saw.
func handshake(t *testing.T, cfg *tls.Config, client *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	// Loopback TCP rather than net.Pipe: an unbuffered pipe deadlocks when both sides write
	// at once (a rejection alert against the client's first data).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	go func() {
		// Echo one byte: TLS 1.3 checks the client's certificate after the client considers
		// the handshake done, so a rejection reaches the client only on its first read.
		s := tls.Server(b, cfg)
		buf := make([]byte, 1)
		if _, err := s.Read(buf); err == nil {
			_, _ = s.Write(buf)
		}
		_ = s.Close()
	}()
	c := tls.Client(a, client)
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Write([]byte("x"))
	if err == nil {
		var n int
		// The echo comes with the server's close_notify, which Read may report with it.
		if n, err = c.Read(make([]byte, 1)); n == 1 {
			err = nil
		}
	}
	return c.ConnectionState(), err
}

func TestTLSStoreChoosesTheCertificateBySNI(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.New(t)
	c1, k1 := ca.Issue(t, 10, false, "one.test", "127.0.0.1")
	c2, k2 := ca.Issue(t, 20, false, "two.test")
	store, err := NewTLSStore(TLSFiles{Certs: []CertKey{
		{writeFile(t, dir, "c1.pem", c1), writeFile(t, dir, "k1.pem", k1)},
		{writeFile(t, dir, "c2.pem", c2), writeFile(t, dir, "k2.pem", k2)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	for name, serial := range map[string]int64{"one.test": 10, "two.test": 20, "": 10, "other.test": 10} {
		st, err := handshake(t, store.Config(), &tls.Config{ServerName: name, RootCAs: roots, InsecureSkipVerify: name == "" || name == "other.test"})
		if err != nil {
			t.Fatalf("SNI %q: %v", name, err)
		}
		if got := st.PeerCertificates[0].SerialNumber.Int64(); got != serial {
			t.Errorf("SNI %q got certificate %d, want %d", name, got, serial)
		}
	}
}

func TestTLSStoreNegotiatesALPNAndVersions(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.New(t)
	c, k := ca.Issue(t, 10, false, "one.test")
	store, err := NewTLSStore(TLSFiles{Certs: []CertKey{{writeFile(t, dir, "c.pem", c), writeFile(t, dir, "k.pem", k)}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		for _, offer := range [][]string{{"h2", "http/1.1"}, {"http/1.1"}} {
			st, err := handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true, MinVersion: v, MaxVersion: v, NextProtos: offer})
			if err != nil {
				t.Fatalf("version %x offer %v: %v", v, offer, err)
			}
			if st.Version != v || st.NegotiatedProtocol != offer[0] {
				t.Errorf("offer %v at %x: got version %x ALPN %q", offer, v, st.Version, st.NegotiatedProtocol)
			}
		}
	}
	if _, err := handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS11}); err == nil {
		t.Error("a TLS 1.1 client was accepted; RFC 9113 §9.2 needs 1.2 or later")
	}
	// A TLS 1.2 client offering only a suite on RFC 9113's h2 block list gets no handshake.
	_, err = handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}})
	if err == nil {
		t.Error("a CBC suite was negotiated")
	}
}

func TestTLSStoreReloadSwapsAndKeepsTheOldOnError(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.New(t)
	c1, k1 := ca.Issue(t, 10, false, "one.test")
	certFile, keyFile := writeFile(t, dir, "c.pem", c1), writeFile(t, dir, "k.pem", k1)
	store, err := NewTLSStore(TLSFiles{Certs: []CertKey{{certFile, keyFile}}})
	if err != nil {
		t.Fatal(err)
	}
	serial := func() int64 {
		st, err := handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		return st.PeerCertificates[0].SerialNumber.Int64()
	}
	c2, k2 := ca.Issue(t, 20, false, "one.test")
	writeFile(t, dir, "c.pem", c2)
	writeFile(t, dir, "k.pem", k2)
	if got := serial(); got != 10 {
		t.Fatalf("before reload: certificate %d", got)
	}
	if err := store.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := serial(); got != 20 {
		t.Fatalf("after reload: certificate %d, want 20", got)
	}
	writeFile(t, dir, "k.pem", k1) // the wrong key for c2
	if err := store.Reload(); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Fatalf("reload with a mismatched key: %v", err)
	}
	if got := serial(); got != 20 {
		t.Fatalf("a failed reload changed the certificate to %d", got)
	}
}

func TestTLSStoreClientCertificates(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.New(t)
	c, k := ca.Issue(t, 10, false, "one.test")
	cc, ck := ca.Issue(t, 30, true, "client")
	clientCert, err := tls.X509KeyPair(cc, ck)
	if err != nil {
		t.Fatal(err)
	}
	files := TLSFiles{Certs: []CertKey{{writeFile(t, dir, "c.pem", c), writeFile(t, dir, "k.pem", k)}},
		CACerts: writeFile(t, dir, "ca.pem", ca.PEM)}
	for reqs, wantBare := range map[int]bool{0: true, 1: true, 2: false} {
		files.CertReqs = reqs
		store, err := NewTLSStore(files)
		if err != nil {
			t.Fatal(err)
		}
		_, err = handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true})
		if (err == nil) != wantBare {
			t.Errorf("cert-reqs %d, client without a certificate: %v", reqs, err)
		}
		if _, err := handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true, Certificates: []tls.Certificate{clientCert}}); err != nil {
			t.Errorf("cert-reqs %d, client with a certificate: %v", reqs, err)
		}
	}
}

func TestTLSStoreReadsTheKeyFromTheCertificateFile(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.New(t)
	c, k := ca.Issue(t, 10, false, "one.test")
	store, err := NewTLSStore(TLSFiles{Certs: []CertKey{{CertFile: writeFile(t, dir, "both.pem", append(c, k...))}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true}); err != nil {
		t.Fatal(err)
	}
}

func TestTLSStoreErrorsNameTheFileAndTheFix(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.New(t)
	c1, k1 := ca.Issue(t, 10, false, "one.test")
	_, k2 := ca.Issue(t, 20, false, "two.test")
	cert, key := writeFile(t, dir, "c.pem", c1), writeFile(t, dir, "k.pem", k1)
	other := writeFile(t, dir, "other.pem", k2)
	garbage := writeFile(t, dir, "garbage.pem", []byte("not pem"))
	cases := map[string]TLSFiles{
		"give --ssl-certfile and --ssl-keyfile":     {},
		"no such file or directory":                 {Certs: []CertKey{{filepath.Join(dir, "missing.pem"), key}}},
		"holds no private key: give the key with":   {Certs: []CertKey{{cert, ""}}},
		"does not belong to the certificate":        {Certs: []CertKey{{cert, other}}},
		"holds no PEM certificate":                  {Certs: []CertKey{{garbage, key}}},
		"holds no PEM private key":                  {Certs: []CertKey{{cert, garbage}}},
		"give the authorities to verify them with":  {Certs: []CertKey{{cert, key}}, CertReqs: 2},
		"use 0 (none), 1 (optional) or 2":           {Certs: []CertKey{{cert, key}}, CertReqs: 3},
		"--ssl-ca-certs " + garbage + " holds no":   {Certs: []CertKey{{cert, key}}, CACerts: garbage},
		"--ssl-ca-certs: open " + dir + "/none.pem": {Certs: []CertKey{{cert, key}}, CACerts: filepath.Join(dir, "none.pem")},
	}
	for want, files := range cases {
		_, err := NewTLSStore(files)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v: got %v, want one line containing %q", files, err, want)
		}
	}
}

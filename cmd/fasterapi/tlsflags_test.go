package main

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/fasterapi/fasterapi/transport"
)

func TestTLSFlagsPairCertificatesAndKeysInOrder(t *testing.T) {
	f, err := parseServe("serve", []string{"app:app", "--ssl-certfile", "a.crt", "--ssl-keyfile", "a.key",
		"--ssl-certfile=b.crt", "--ssl-keyfile=b.key", "--ssl-keyfile-password", "pw", "--ssl-ca-certs", "ca.pem",
		"--ssl-cert-reqs", "2", "--ssl-port", "8443"})
	if err != nil {
		t.Fatal(err)
	}
	files := f.tls.files()
	want := []transport.CertKey{{CertFile: "a.crt", KeyFile: "a.key"}, {CertFile: "b.crt", KeyFile: "b.key"}}
	if len(files.Certs) != 2 || files.Certs[0] != want[0] || files.Certs[1] != want[1] || files.KeyPassword != "pw" ||
		files.CACerts != "ca.pem" || files.CertReqs != 2 || f.tls.port != 8443 {
		t.Fatalf("%+v port %d", files, f.tls.port)
	}
}

func TestTLSFlagsWithoutKeyfileReadTheKeyFromTheCertfile(t *testing.T) {
	f, err := parseServe("serve", []string{"app:app", "--ssl-certfile", "both.pem"})
	if err != nil {
		t.Fatal(err)
	}
	if files := f.tls.files(); len(files.Certs) != 1 || files.Certs[0] != (transport.CertKey{CertFile: "both.pem"}) {
		t.Fatalf("%+v", files)
	}
}

func TestTLSFlagErrorsNameTheFix(t *testing.T) {
	cases := map[string][]string{
		"--ssl-keyfile needs --ssl-certfile":    {"app:app", "--ssl-keyfile", "k"},
		"need --ssl-certfile and --ssl-keyfile": {"app:app", "--ssl-port", "8443"},
		"give one --ssl-keyfile per":            {"app:app", "--ssl-certfile", "c", "--ssl-certfile", "d", "--ssl-keyfile", "k"},
		"is also --port":                        {"app:app", "--ssl-certfile", "c", "--ssl-keyfile", "k", "--port", "8443", "--ssl-port", "8443"},
		"use 0 (none), 1 (optional)":            {"app:app", "--ssl-certfile", "c", "--ssl-keyfile", "k", "--ssl-cert-reqs", "5"},
		"--ssl-port 70000 is out of range":      {"app:app", "--ssl-certfile", "c", "--ssl-keyfile", "k", "--ssl-port", "70000"},
	}
	for want, args := range cases {
		if _, err := parseServe("serve", args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseServe(%q) = %v, want an error containing %q", args, err, want)
		}
	}
}

func TestListeningNamesEveryURL(t *testing.T) {
	c := transport.Config{Host: "127.0.0.1", Port: 8000}
	if got := listening(c); got != "http://127.0.0.1:8000" {
		t.Error(got)
	}
	c.TLS, c.TLSPort = &tls.Config{}, 8443
	if got := listening(c); got != "http://127.0.0.1:8000 and https://127.0.0.1:8443" {
		t.Error(got)
	}
	c.NoCleartext = true
	if got := listening(c); got != "https://127.0.0.1:8443" {
		t.Error(got)
	}
}

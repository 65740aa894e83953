package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"testing"
)

func TestIssuedCertificatesVerifyAgainstTheAuthority(t *testing.T) {
	ca := New(t)
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca.PEM) {
		t.Fatal("the authority's PEM does not parse")
	}
	for _, client := range []bool{false, true} {
		certPEM, keyPEM := ca.Issue(t, 7, client, "localhost", "127.0.0.1")
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		usage := x509.ExtKeyUsageServerAuth
		if client {
			usage = x509.ExtKeyUsageClientAuth
		}
		leaf := pair.Leaf
		if leaf.SerialNumber.Int64() != 7 || len(leaf.IPAddresses) != 1 || leaf.DNSNames[0] != "localhost" {
			t.Fatalf("serial %v, IPs %v, DNS names %v", leaf.SerialNumber, leaf.IPAddresses, leaf.DNSNames)
		}
		opts := x509.VerifyOptions{Roots: roots, DNSName: "localhost", KeyUsages: []x509.ExtKeyUsage{usage}}
		if _, err := leaf.Verify(opts); err != nil {
			t.Fatalf("client=%v: %v", client, err)
		}
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth + x509.ExtKeyUsageClientAuth - usage}
		if _, err := leaf.Verify(opts); err == nil {
			t.Fatalf("client=%v: verified for the other key usage", client)
		}
	}
}

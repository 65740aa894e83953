package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// CertKey is one certificate chain file and the file of its private key; without KeyFile
// the key is read from CertFile.
type CertKey struct {
	CertFile string
	KeyFile  string
}

// TLSFiles names what a TLS listener is built from; the flags are uvicorn's.
type TLSFiles struct {
	// Certs are chosen per connection by the name the client asks for (SNI, RFC 6066 §3);
	// the first one answers clients that ask for no name or an unknown one.
	Certs []CertKey
	// KeyPassword decrypts encrypted private keys (--ssl-keyfile-password).
	KeyPassword string
	// CACerts is a PEM file of the authorities client certificates must chain to
	// (--ssl-ca-certs).
	CACerts string
	// CertReqs is Python's ssl.VerifyMode (--ssl-cert-reqs): 0 no client certificate is asked
	// for, 1 one is verified if given, 2 one is required.
	CertReqs int
}

// TLSStore holds the TLS configuration built from TLSFiles. Reload re-reads the files and
// swaps the configuration atomically: a handshake uses the configuration current when it
// starts, so connections already open are not touched.
type TLSStore struct {
	files   TLSFiles
	current atomic.Pointer[tls.Config]
	base    *tls.Config
}

// NewTLSStore reads the files; the error names the file at fault and what to do about it.
func NewTLSStore(files TLSFiles) (*TLSStore, error) {
	if len(files.Certs) == 0 {
		return nil, errors.New("TLS needs a certificate: give --ssl-certfile and --ssl-keyfile")
	}
	if files.CertReqs < 0 || files.CertReqs > 2 {
		return nil, fmt.Errorf("--ssl-cert-reqs %d: use 0 (none), 1 (optional) or 2 (required)", files.CertReqs)
	}
	if files.CertReqs > 0 && files.CACerts == "" {
		return nil, fmt.Errorf("--ssl-cert-reqs %d verifies client certificates: give the authorities to verify them with --ssl-ca-certs", files.CertReqs)
	}
	s := &TLSStore{files: files}
	cfg, err := s.load()
	if err != nil {
		return nil, err
	}
	s.current.Store(cfg)
	s.base = &tls.Config{
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) { return s.current.Load(), nil },
		// The fields below only matter if a caller reads them off the base configuration;
		// handshakes use the one GetConfigForClient returns.
		MinVersion: cfg.MinVersion,
		NextProtos: cfg.NextProtos,
	}
	return s, nil
}

// Config is the configuration to give tls.Server; it follows every Reload.
func (s *TLSStore) Config() *tls.Config { return s.base }

// Reload re-reads every file. On an error the previous configuration stays in force.
func (s *TLSStore) Reload() error {
	cfg, err := s.load()
	if err != nil {
		return err
	}
	s.current.Store(cfg)
	return nil
}

// ALPN protocol IDs (RFC 7301 §3; "h2" is RFC 9113 §3.2). h2 comes first so clients that offer
// both get HTTP/2.
var alpnProtocols = []string{"h2", "http/1.1"}

// h2CipherSuites are the TLS 1.2 suites offered: ECDHE with an AEAD cipher only. RFC 9113
// §9.2.2 lets an HTTP/2 peer refuse the others with INADEQUATE_SECURITY (its Appendix A lists
// them), so offering only these means every TLS 1.2 connection is fit for h2. TLS 1.3 suites
// (RFC 8446 §B.4) are all AEAD and are not configurable in crypto/tls. The other §9.2 rules
// hold by construction: a crypto/tls server never compresses and never renegotiates.
var h2CipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// load builds a complete configuration from the files.
func (s *TLSStore) load() (*tls.Config, error) {
	cfg := &tls.Config{
		// TLS 1.2 (RFC 5246) and 1.3 (RFC 8446); HTTP/2 requires at least 1.2 (RFC 9113 §9.2).
		MinVersion:   tls.VersionTLS12,
		CipherSuites: h2CipherSuites,
		NextProtos:   alpnProtocols,
	}
	for _, ck := range s.files.Certs {
		cert, err := loadCertKey(ck, s.files.KeyPassword)
		if err != nil {
			return nil, err
		}
		// With several certificates crypto/tls picks the first whose names (x509 SANs) match
		// the client's SNI and whose key the client can use, else the first one.
		cfg.Certificates = append(cfg.Certificates, cert)
	}
	if s.files.CACerts != "" {
		pemBytes, err := os.ReadFile(s.files.CACerts)
		if err != nil {
			return nil, fmt.Errorf("--ssl-ca-certs: %v: give a readable PEM file of CA certificates", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return nil, fmt.Errorf("--ssl-ca-certs %s holds no PEM certificate: give a PEM file of CA certificates", s.files.CACerts)
		}
		cfg.ClientCAs = pool
	}
	cfg.ClientAuth = [...]tls.ClientAuthType{tls.NoClientCert, tls.VerifyClientCertIfGiven,
		tls.RequireAndVerifyClientCert}[s.files.CertReqs]
	return cfg, nil
}

// loadCertKey reads one certificate chain and its key, decrypting the key if needed.
func loadCertKey(ck CertKey, password string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(ck.CertFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("--ssl-certfile: %v: give a readable PEM certificate file", err)
	}
	if ck.KeyFile == "" {
		// One PEM file with the chain and the key, as Python's ssl.load_cert_chain (and so
		// uvicorn) accepts when no key file is given.
		ck.KeyFile = ck.CertFile
	}
	keyPEM, err := os.ReadFile(ck.KeyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("--ssl-keyfile: %v: give a readable PEM private key file", err)
	}
	keyPEM, err = decryptKeyPEM(keyPEM, password)
	if errors.Is(err, errWrongPassword) {
		return tls.Certificate{}, fmt.Errorf("--ssl-keyfile %s: wrong password: check --ssl-keyfile-password", ck.KeyFile)
	}
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("--ssl-keyfile %s: %v", ck.KeyFile, err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, explainKeyPair(ck, err)
	}
	return cert, nil
}

// explainKeyPair turns crypto/tls's key pair errors into ones that name the file and the fix.
func explainKeyPair(ck CertKey, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "does not match"):
		return fmt.Errorf("--ssl-keyfile %s does not belong to the certificate in --ssl-certfile %s: give the key the certificate was issued for", ck.KeyFile, ck.CertFile)
	case strings.Contains(msg, "failed to find any PEM data in certificate"),
		strings.Contains(msg, "failed to find certificate PEM data"):
		return fmt.Errorf("--ssl-certfile %s holds no PEM certificate: give a PEM file starting with -----BEGIN CERTIFICATE-----", ck.CertFile)
	case strings.Contains(msg, "failed to find any PEM data in key"),
		strings.Contains(msg, "failed to find PEM block with type ending in \"PRIVATE KEY\""),
		strings.Contains(msg, "found a certificate rather than a key"):
		if ck.KeyFile == ck.CertFile {
			return fmt.Errorf("--ssl-certfile %s holds no private key: give the key with --ssl-keyfile, or append it to the file", ck.CertFile)
		}
		return fmt.Errorf("--ssl-keyfile %s holds no PEM private key: give a PEM file with a PRIVATE KEY block", ck.KeyFile)
	}
	return fmt.Errorf("--ssl-certfile %s / --ssl-keyfile %s: %v", ck.CertFile, ck.KeyFile, err)
}

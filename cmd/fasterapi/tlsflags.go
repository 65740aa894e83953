package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/fasterapi/fasterapi/transport"
)

// tlsFlags are uvicorn's --ssl-* options, plus --ssl-port for serving cleartext and TLS side
// by side.
type tlsFlags struct {
	certFiles, keyFiles stringList
	keyPassword         string
	caCerts             string
	certReqs            int
	port                int
}

// stringList is a flag that may be repeated.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (t *tlsFlags) register(fs *flag.FlagSet) {
	fs.Var(&t.certFiles, "ssl-certfile", "PEM certificate chain: serve HTTPS (HTTP/1.1 and HTTP/2 by ALPN, TLS 1.2 and 1.3). Repeat with --ssl-keyfile for one certificate per host name, chosen by SNI; the first is the default. SIGHUP re-reads the files")
	fs.Var(&t.keyFiles, "ssl-keyfile", "PEM private key of the --ssl-certfile given at the same position (default: the key is in the certificate file)")
	fs.StringVar(&t.keyPassword, "ssl-keyfile-password", "", "password of encrypted private keys (legacy PEM or PKCS#8 PBES2)")
	fs.StringVar(&t.caCerts, "ssl-ca-certs", "", "PEM file of the CAs that client certificates must chain to")
	fs.IntVar(&t.certReqs, "ssl-cert-reqs", 0, "client certificates: 0 none, 1 optional (verified if given), 2 required")
	fs.IntVar(&t.port, "ssl-port", 0, "serve TLS on this port and keep --port in cleartext (default: with --ssl-certfile, --port serves TLS only)")
}

// enabled reports whether TLS was asked for.
func (t *tlsFlags) enabled() bool { return len(t.certFiles) > 0 }

// check validates the combination; cleartextPort is --port.
func (t *tlsFlags) check(cleartextPort int) error {
	if !t.enabled() {
		switch {
		case len(t.keyFiles) > 0:
			return errors.New("--ssl-keyfile needs --ssl-certfile: give the certificate the key belongs to")
		case t.port != 0, t.keyPassword != "", t.caCerts != "", t.certReqs != 0:
			return errors.New("--ssl-port, --ssl-keyfile-password, --ssl-ca-certs and --ssl-cert-reqs need --ssl-certfile and --ssl-keyfile")
		}
		return nil
	}
	if len(t.keyFiles) != 0 && len(t.keyFiles) != len(t.certFiles) {
		return fmt.Errorf("%d --ssl-certfile but %d --ssl-keyfile: give one --ssl-keyfile per --ssl-certfile, in the same order (or none, with each key inside its certificate file)",
			len(t.certFiles), len(t.keyFiles))
	}
	if t.port < 0 || t.port > 65535 {
		return fmt.Errorf("--ssl-port %d is out of range 1-65535", t.port)
	}
	if t.port != 0 && t.port == cleartextPort {
		return fmt.Errorf("--ssl-port %d is also --port: give TLS its own port, or drop --ssl-port to serve only TLS on --port", t.port)
	}
	if t.certReqs < 0 || t.certReqs > 2 {
		return fmt.Errorf("--ssl-cert-reqs %d: use 0 (none), 1 (optional) or 2 (required)", t.certReqs)
	}
	return nil
}

// files is the transport's view of the flags.
func (t *tlsFlags) files() transport.TLSFiles {
	files := transport.TLSFiles{KeyPassword: t.keyPassword, CACerts: t.caCerts, CertReqs: t.certReqs}
	for i := range t.certFiles {
		ck := transport.CertKey{CertFile: t.certFiles[i]}
		if len(t.keyFiles) > 0 {
			ck.KeyFile = t.keyFiles[i]
		}
		files.Certs = append(files.Certs, ck)
	}
	return files
}

// listening describes the listeners as URLs, for the log.
func listening(c transport.Config) string {
	plain := "http://" + net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	if c.TLS == nil {
		return plain
	}
	secure := "https://" + net.JoinHostPort(c.Host, strconv.Itoa(c.TLSPort))
	if c.NoCleartext {
		return secure
	}
	return plain + " and " + secure
}

package transport

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fasterapi/fasterapi/internal/testcert"
)

func TestLegacyEncryptedPEMKey(t *testing.T) {
	dir := t.TempDir()
	ca := testcert.New(t)
	c, k := ca.Issue(t, 10, false, "one.test")
	block, _ := pem.Decode(k)
	key, _ := x509.ParsePKCS8PrivateKey(block.Bytes)
	ecDER, err := x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", ecDER, []byte("s3cret"), x509.PEMCipherAES256) //nolint:staticcheck // the test makes the legacy format on purpose
	if err != nil {
		t.Fatal(err)
	}
	files := TLSFiles{Certs: []CertKey{{writeFile(t, dir, "c.pem", c), writeFile(t, dir, "k.pem", pem.EncodeToMemory(enc))}}}
	checkEncryptedKey(t, files)
}

func TestPKCS8EncryptedKeyFromOpenSSL(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed: cannot make a PKCS#8 encrypted key the way users do")
	}
	dir := t.TempDir()
	ca := testcert.New(t)
	c, k := ca.Issue(t, 10, false, "one.test")
	plain := writeFile(t, dir, "plain.pem", k)
	for _, cipher := range []string{"aes256", "aes128"} {
		encrypted := filepath.Join(dir, cipher+".pem")
		out, err := exec.Command(openssl, "pkcs8", "-topk8", "-v2", cipher, "-in", plain, "-out", encrypted,
			"-passout", "pass:s3cret").CombinedOutput()
		if err != nil {
			t.Fatalf("openssl: %v\n%s", err, out)
		}
		checkEncryptedKey(t, TLSFiles{Certs: []CertKey{{writeFile(t, dir, "c.pem", c), encrypted}}})
	}
}

// checkEncryptedKey loads files with the right password, a wrong one and none.
func checkEncryptedKey(t *testing.T, files TLSFiles) {
	t.Helper()
	files.KeyPassword = "s3cret"
	store, err := NewTLSStore(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := handshake(t, store.Config(), &tls.Config{InsecureSkipVerify: true}); err != nil {
		t.Fatal(err)
	}
	files.KeyPassword = "wrong"
	if _, err := NewTLSStore(files); err == nil || !strings.Contains(err.Error(), "wrong password: check --ssl-keyfile-password") {
		t.Errorf("wrong password: %v", err)
	}
	files.KeyPassword = ""
	if _, err := NewTLSStore(files); err == nil || !strings.Contains(err.Error(), "give its password with --ssl-keyfile-password") {
		t.Errorf("no password: %v", err)
	}
}

package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// selfSigned is a throwaway certificate for 127.0.0.1.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// A port that completes a TLS handshake but never speaks FTP (a
// TLS-intercepting middlebox, an HTTPS service behind a wrong forward) is
// diagnosed as that, not as implicit FTPS; a TLS port that greets with 220
// (the negative control) is still implicit FTPS on the explicit port.
func TestProbeTLSWithoutFTP(t *testing.T) {
	cert := selfSigned(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	for _, tt := range []struct {
		name   string
		greet  string
		code   string
		absent string
	}{
		{"silent over TLS", "", "tls-not-ftp", "implicit FTPS"},
		{"HTTP over TLS", "HTTP/1.1 400 Bad Request\r\n\r\n", "tls-not-ftp", "implicit FTPS"},
		{"implicit FTPS (negative control)", "220 ready\r\n", "implicit-on-explicit", "not an FTP server"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			port, _ := hostileServer(t, func(c net.Conn) int64 {
				// The first attempt (explicit) gets silence; only TLS
				// clients get anywhere.
				tc := tls.Server(c, cfg)
				if err := tc.Handshake(); err != nil {
					return 0
				}
				n, _ := tc.Write([]byte(tt.greet))
				_, _ = tc.Read(make([]byte, 256))
				return int64(n)
			})
			r, err := Run(context.Background(), Options{Host: "127.0.0.1", Port: port, Mode: Explicit,
				Timeout: 20 * time.Second, StepTimeout: 2 * time.Second, RootCAs: x509.NewCertPool()})
			if err != nil {
				t.Fatal(err)
			}
			b, ok := r.Step("banner")
			if !ok || b.Diagnosis == nil || b.Diagnosis.Code != tt.code {
				t.Fatalf("banner %+v, diagnosis %+v; want %s", b, b.Diagnosis, tt.code)
			}
			if strings.Contains(b.Diagnosis.Cause, tt.absent) {
				t.Errorf("cause says %q: %s", tt.absent, b.Diagnosis.Cause)
			}
			if tt.code == "tls-not-ftp" && !strings.Contains(b.Diagnosis.Cause, "Something that is not an FTP server answers") {
				t.Errorf("cause: %s", b.Diagnosis.Cause)
			}
		})
	}
}

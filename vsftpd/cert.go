package vsftpd

import (
	"bytes"
	"crypto/x509"
	"strings"
)

// Certificate sources, as ftpswiz check and probe tell them apart.
const (
	CertLetsEncrypt = "letsencrypt"
	CertOwn         = "own"
	CertSelfSigned  = "self-signed"
)

// CertSourceOf guesses where a certificate came from: certbot's live
// directory, self-signed (issuer = subject), else a CA of the operator's.
func CertSourceOf(path string, c *x509.Certificate) string {
	switch {
	case c != nil && bytes.Equal(c.RawIssuer, c.RawSubject):
		return CertSelfSigned
	case strings.Contains(path, "/live/") && (strings.HasSuffix(path, ".pem")):
		return CertLetsEncrypt
	case c != nil && strings.Contains(strings.Join(c.Issuer.Organization, " "), "Let's Encrypt"):
		return CertLetsEncrypt
	}
	return CertOwn
}

// CertRenewFix is the fix for an expired or expiring certificate.
func CertRenewFix(src string) string {
	switch src {
	case CertLetsEncrypt:
		return "Automatic renewal is failing: run certbot renew --dry-run to see why (port 80 for HTTP-01, the DNS " +
			"plugin for DNS-01), check systemctl list-timers certbot.timer, and that the deploy hook " +
			"(renewal-hooks/deploy/ftpswiz-vsftpd.sh) restarts vsftpd, which reads the certificate only at start."
	case CertSelfSigned:
		return "Create a new pair with REPORT.md's openssl command (remove the old pair first), restart vsftpd, " +
			"record the new fingerprint as server.tls.fingerprint, regenerate, and hand the new certificate to " +
			"every client: the pinned one stops working."
	}
	return "Renew it with your CA, install the new certificate with its chain at the same path, and restart vsftpd " +
		"(it reads the file only at start); or switch to server.tls.source letsencrypt for automatic renewal."
}

// CertChainFix is the fix for a certificate file without its intermediates.
func CertChainFix(src string) string {
	if src == CertLetsEncrypt {
		return "Point rsa_cert_file to fullchain.pem (not cert.pem) in the same live directory."
	}
	return "Append the intermediate certificate(s) your CA sent after the server's certificate in the same file " +
		"(leaf first), and restart vsftpd."
}

// CertNameFix is the fix for a certificate that does not cover the name
// clients dial.
func CertNameFix(src, name string) string {
	switch src {
	case CertLetsEncrypt:
		return "Issue the certificate for that name (certbot certonly --cert-name " + name + " -d " + name +
			", as REPORT.md shows) and point rsa_cert_file to its fullchain.pem."
	case CertSelfSigned:
		return "Recreate the self-signed pair with " + name + " in its subjectAltName (REPORT.md's openssl command) " +
			"and hand the new certificate to the clients."
	}
	return "Get a certificate whose subjectAltName lists " + name + " (an IP entry for an IP address), or have " +
		"clients dial a name the certificate lists."
}

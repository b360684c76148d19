package wizard

import (
	"fmt"
	"strings"
)

// DeployHookName is the file name of the certbot deploy hook ftpswiz
// writes (server/ in --out, config_dir/renewal-hooks/deploy/ on the server).
const DeployHookName = "ftpswiz-vsftpd.sh"

// certPlan builds the certificate part of the plan from normalised
// answers.
func certPlan(s *Server) CertPlan {
	t := s.TLS
	c := CertPlan{
		Source: t.Source, KeyType: t.KeyType, Name: s.PublicAddress, NameIsIP: isIPv4(s.PublicAddress),
		CertFile: t.CertFile, KeyFile: t.KeyFile, Fingerprint: t.Fingerprint,
	}
	if le := t.LetsEncrypt; le != nil && t.Source == SourceLetsEncrypt {
		c.Challenge, c.Email, c.ACMEServer, c.ConfigDir = le.Challenge, le.Email, le.Server, le.ConfigDir
		c.DeployHook = strings.TrimRight(le.ConfigDir, "/") + "/renewal-hooks/deploy/" + DeployHookName
	}
	return c
}

// decideCiphers explains ssl_ciphers, which must match the key type.
func (d *decider) decideCiphers() {
	c := d.p.Server.Cert
	switch c.KeyType {
	case KeyECDSA:
		d.decide("tls.ciphers", "TLS 1.2 ciphers", "Mozilla intermediate, ECDSA suites (ECDHE-ECDSA with AES-GCM or ChaCha20)",
			"The certificate has an ECDSA key, so ssl_ciphers lists the forward-secret AEAD suites that "+
				"ECDSA keys can sign. vsftpd's built-in default allows only ECDHE-RSA-AES256-GCM-SHA384, with "+
				"which an ECDSA certificate fails every TLS 1.2 handshake. TLS 1.3 suites are not affected by "+
				"ssl_ciphers (all of them are strong).")
	case KeyRSA:
		d.decide("tls.ciphers", "TLS 1.2 ciphers", "Mozilla intermediate, RSA suites (ECDHE-RSA with AES-GCM or ChaCha20)",
			"The certificate has an RSA key, so ssl_ciphers lists the forward-secret AEAD suites that RSA "+
				"keys can sign (listing ECDSA suites would be dead weight). TLS 1.3 suites are not affected by "+
				"ssl_ciphers (all of them are strong).")
	default:
		d.decide("tls.ciphers", "TLS 1.2 ciphers", "Mozilla intermediate (ECDHE with AES-GCM or ChaCha20)",
			"ssl_ciphers lists forward-secret AEAD suites for both ECDSA and RSA certificates, as the key "+
				"type of your own certificate was not given (server.tls.key_type). vsftpd's built-in "+
				"default allows only ECDHE-RSA-AES256-GCM-SHA384, so an ECDSA certificate would fail every "+
				"handshake. TLS 1.3 suites are not affected by ssl_ciphers (all of them are strong).")
	}
}

// decideCert explains where the certificate comes from.
func (d *decider) decideCert() {
	c := d.p.Server.Cert
	switch c.Source {
	case SourceLetsEncrypt:
		how := "HTTP-01: during issuance and every renewal certbot answers the CA's check on port 80 itself " +
			"(--standalone), so the firewall rules open tcp 80 to the host (and forward it on a router of " +
			"yours) for that purpose only; nothing else listens there"
		if c.Challenge == ChallengeDNS01 {
			how = "DNS-01: the CA checks a TXT record under _acme-challenge." + c.Name + ", so no port is " +
				"opened; renewal is automatic only with a certbot DNS plugin for your DNS provider (or a " +
				"manual-auth-hook)"
		}
		d.decide("tls.certificate", "Certificate", "Let's Encrypt for "+c.Name+" ("+string(c.KeyType)+", "+string(c.Challenge)+")",
			fmt.Sprintf("Clients verify the certificate against their system's CAs, so it comes from Let's "+
				"Encrypt, issued by certbot for %s (the name clients dial). %s. vsftpd reads %s (the full "+
				"chain: strict clients such as lftp refuse a certificate without its intermediate) and %s "+
				"only at start, so certbot's deploy hook %s restarts it after each renewal. Renewal is "+
				"automatic (certbot's timer, twice a day): certificates last 90 days today, 64 in 2027 and 45 "+
				"in 2028, so no renewal may depend on a person.",
				c.Name, how, c.CertFile, c.KeyFile, c.DeployHook))
		if c.Email == "" {
			d.warn("tls.letsencrypt_email", "Expiry mail", "none (registered without an e-mail address)",
				"certbot registers without an address, so nobody hears from Let's Encrypt when renewal "+
					"keeps failing. Set server.tls.letsencrypt.email.")
		}
	case SourceOwn:
		d.decide("tls.certificate", "Certificate", "your own: "+c.CertFile,
			fmt.Sprintf("vsftpd reads your certificate %s and key %s at start-up (a missing or unreadable file "+
				"stops it). It must cover %s (the address clients dial), carry its full chain (leaf, then "+
				"intermediates: strict clients refuse an incomplete one) and be valid: `ftpswiz check` and "+
				"`ftpswiz probe` report a mismatch, a missing intermediate or an expiry within 30 days. "+
				"Restart vsftpd after replacing it; it does not reread the files.", c.CertFile, c.KeyFile, c.Name))
	case SourceSelfSigned:
		pin := "Record its SHA-256 fingerprint (printed by the apply step) as server.tls.fingerprint and " +
			"regenerate, so HANDOUT.md and every client config carry it."
		if c.Fingerprint != "" {
			pin = "Its SHA-256 fingerprint " + c.Fingerprint + " is in HANDOUT.md and in every client config."
		}
		d.decide("tls.certificate", "Certificate", "self-signed, pinned: "+c.CertFile,
			fmt.Sprintf("For a closed partner link ftpswiz creates a dedicated self-signed pair (%s, %s) "+
				"with %s in its subjectAltName; it is never Debian's snakeoil pair, which is named after the "+
				"host and shared with other services. No CA vouches for it, so every client pins it instead: "+
				"the certificate file is handed to the people who connect (their CA file: lftp "+
				"ssl:ca-file, curl --cacert) and they compare its fingerprint. Verification stays on. %s",
				c.CertFile, c.KeyFile, c.Name, pin))
	}
}

// acmeFlows opens tcp 80 for certbot's HTTP-01 answer on the server host
// and, on a router of the user's, forwards it.
func (d *decider) acmeFlows(side Side, f Flow) {
	c := d.p.Server.Cert
	if c.Source != SourceLetsEncrypt || c.Challenge != ChallengeHTTP01 {
		return
	}
	fam := f.Family
	if fam == "" {
		fam = FamilyIPv4
	}
	f.Side, f.Purpose, f.Ports, f.From, f.Decision = side, PurposeACME, Port(80), []string{AnyOf(fam)}, "tls.certificate"
	f.Why = "Let's Encrypt's HTTP-01 check: certbot answers on port 80 only while it issues or renews (from " +
		"anywhere: the CA checks from addresses it does not publish)"
	d.flow(f)
}

package wizard

// VsftpdOpenSSLConfPath is where the OpenSSL configuration that caps
// vsftpd's TLS version goes, on builds without an option for it.
const VsftpdOpenSSLConfPath = "/etc/ssl/vsftpd-openssl.cnf"

// Paths and names that differ between vsftpd builds.
type flavourInfo struct {
	ConfigPath   string // the distribution's config file
	UserListPath string
	CertFile     string // default certificate
	KeyFile      string
	SecureChroot string // secure_chroot_dir to set ("" keeps the build's default)
	// TLSVersionKeys names the option that switches each protocol version on
	// or off, in the order SSLv2, SSLv3, TLS 1.0, 1.1, 1.2, 1.3; "" where the
	// build has no such option.
	TLSVersionKeys [6]string
	// SeccompOff says whether to set seccomp_sandbox=NO explicitly.
	SeccompOff  bool
	Description string
}

func flavourOf(f Flavour) flavourInfo {
	switch f {
	case FlavourUpstream:
		return flavourInfo{
			ConfigPath: "/etc/vsftpd.conf", UserListPath: "/etc/vsftpd.user_list",
			CertFile: "/etc/ssl/certs/vsftpd.pem", KeyFile: "/etc/ssl/private/vsftpd.key",
			TLSVersionKeys: [6]string{"ssl_sslv2", "ssl_sslv3", "ssl_tlsv1", "ssl_tlsv11", "ssl_tlsv12", "ssl_tlsv13"},
			SeccompOff:     true,
			Description:    "upstream vsftpd 3.0.5 (TLS options ssl_tlsv11/12/13)",
		}
	case FlavourRHEL:
		return flavourInfo{
			ConfigPath: "/etc/vsftpd/vsftpd.conf", UserListPath: "/etc/vsftpd/user_list",
			CertFile: "/etc/pki/tls/certs/vsftpd.pem", KeyFile: "/etc/pki/tls/private/vsftpd.key",
			TLSVersionKeys: [6]string{"ssl_sslv2", "ssl_sslv3", "ssl_tlsv1", "ssl_tlsv1_1", "ssl_tlsv1_2", "ssl_tlsv1_3"},
			Description:    "RHEL/Fedora/openSUSE vsftpd (TLS options ssl_tlsv1_1/_2/_3)",
		}
	default:
		return flavourInfo{
			ConfigPath: "/etc/vsftpd.conf", UserListPath: "/etc/vsftpd.user_list",
			CertFile: "/etc/ssl/certs/ssl-cert-snakeoil.pem", KeyFile: "/etc/ssl/private/ssl-cert-snakeoil.key",
			SecureChroot:   "/var/run/vsftpd/empty",
			TLSVersionKeys: [6]string{"ssl_sslv2", "ssl_sslv3", "ssl_tlsv1", "", "", ""},
			Description:    "Debian 12 / Ubuntu vsftpd 3.0.3 (knows only ssl_sslv2, ssl_sslv3, ssl_tlsv1)",
		}
	}
}

// CanDisableTLS12 reports whether the build can turn TLS 1.2 off, which the
// modern (TLS 1.3 only) profile needs.
func (f Flavour) CanDisableTLS12() bool { return flavourOf(f).TLSVersionKeys[4] != "" }

// ResolveFlavour picks the flavour whose TLS option names match the ssl_*
// option names an installed vsftpd binary knows (as listed by
// `strings vsftpd | grep ^ssl_`). It returns false when the names match no
// known build.
func ResolveFlavour(knownSSLOptions []string) (Flavour, bool) {
	has := map[string]bool{}
	for _, k := range knownSSLOptions {
		has[k] = true
	}
	switch {
	case has["ssl_tlsv1_2"]:
		return FlavourRHEL, true
	case has["ssl_tlsv12"]:
		return FlavourUpstream, true
	case has["ssl_tlsv1"]:
		return FlavourDebian, true
	}
	return "", false
}

// Package vsftpd is the one home for facts about vsftpd builds: the
// flavours ftpswiz knows, their paths and default certificate, the option
// names each build accepts, the compiled-in defaults as the real binaries
// have them, and the passive-port model (how many random ports vsftpd tries
// per PASV). The planner (wizard), the linter (vsftpdconf) and `check` all
// read these facts from here.
//
// The package imports nothing of ftpswiz: it sits below the planner.
package vsftpd

// Flavour is a vsftpd build; option names differ between builds and an
// unknown option stops vsftpd from starting.
type Flavour string

// vsftpd flavours.
const (
	FlavourAuto     Flavour = "auto"           // detect the installed binary (CLI), else debian-3.0.3
	FlavourDebian   Flavour = "debian-3.0.3"   // Debian 12, Ubuntu 22.04/24.04
	FlavourUpstream Flavour = "upstream-3.0.5" // vsftpd 3.0.5 built from source, Debian 13
	FlavourRHEL     Flavour = "rhel"           // RHEL, Rocky, Alma, Fedora, openSUSE
)

// Flavours lists the valid flavours, auto first.
func Flavours() []Flavour { return []Flavour{FlavourAuto, FlavourDebian, FlavourUpstream, FlavourRHEL} }

// Builds lists the concrete builds (every flavour but auto), in Flavours order.
func Builds() []Flavour { return []Flavour{FlavourDebian, FlavourUpstream, FlavourRHEL} }

// Normalise maps auto (and anything unknown) to Debian 3.0.3, the build
// ftpswiz plans for when it cannot tell.
func Normalise(f Flavour) Flavour {
	switch f {
	case FlavourUpstream, FlavourRHEL, FlavourDebian:
		return f
	}
	return FlavourDebian
}

// CanDisableTLS12 reports whether the build can turn TLS 1.2 off, which the
// modern (TLS 1.3 only) profile needs.
func (f Flavour) CanDisableTLS12() bool { return BuildOf(f).TLSOption(TLS12) != "" }

// OpenSSLConfPath is where the OpenSSL configuration that caps vsftpd's TLS
// version goes, on builds without an option for it.
const OpenSSLConfPath = "/etc/ssl/vsftpd-openssl.cnf"

// TLSVersion is one SSL/TLS protocol version a build may have a switch for.
type TLSVersion int

// Protocol versions, oldest first.
const (
	SSLv2 TLSVersion = iota + 1
	SSLv3
	TLS10
	TLS11
	TLS12
	TLS13
)

// TLSVersions lists the protocol versions, oldest first: the order in which
// vsftpd.conf switches them.
func TLSVersions() []TLSVersion { return []TLSVersion{SSLv2, SSLv3, TLS10, TLS11, TLS12, TLS13} }

func (v TLSVersion) String() string {
	switch v {
	case SSLv2:
		return "SSLv2"
	case SSLv3:
		return "SSLv3"
	case TLS10:
		return "TLS 1.0"
	case TLS11:
		return "TLS 1.1"
	case TLS12:
		return "TLS 1.2"
	case TLS13:
		return "TLS 1.3"
	}
	return "unknown TLS version"
}

// Minor is the TLS 1.x minor version (0 for TLS 1.0 to 3 for TLS 1.3), or
// -1 for SSL versions.
func (v TLSVersion) Minor() int {
	if v >= TLS10 && v <= TLS13 {
		return int(v - TLS10)
	}
	return -1
}

// TLSVersionOf tells which protocol version an option name switches, in
// any build ("ssl_tlsv12" and "ssl_tlsv1_2" both switch TLS 1.2).
func TLSVersionOf(option string) (TLSVersion, bool) {
	for _, f := range Builds() {
		for v, name := range builds[f].TLSOptions {
			if name == option {
				return v, true
			}
		}
	}
	return 0, false
}

// Build holds the paths and names that differ between vsftpd builds.
type Build struct {
	Flavour      Flavour
	ConfigPath   string // the distribution's config file
	UserListPath string
	CertFile     string // default certificate
	KeyFile      string
	SecureChroot string // secure_chroot_dir to set ("" keeps the build's default)
	// TLSOptions names the option that switches each protocol version on or
	// off; a version the build has no option for is absent.
	TLSOptions map[TLSVersion]string
	// SeccompOff says whether to set seccomp_sandbox=NO explicitly.
	SeccompOff  bool
	Description string
	// Name is how findings name the build ("Debian/Ubuntu's vsftpd 3.0.3").
	Name string
}

// TLSOption returns the name of the option that switches v on or off in the
// build, or "" when the build has none.
func (b Build) TLSOption(v TLSVersion) string { return b.TLSOptions[v] }

var builds = map[Flavour]Build{
	FlavourDebian: {
		Flavour: FlavourDebian, ConfigPath: "/etc/vsftpd.conf", UserListPath: "/etc/vsftpd.user_list",
		CertFile: "/etc/ssl/certs/ssl-cert-snakeoil.pem", KeyFile: "/etc/ssl/private/ssl-cert-snakeoil.key",
		SecureChroot: "/var/run/vsftpd/empty",
		TLSOptions:   map[TLSVersion]string{SSLv2: "ssl_sslv2", SSLv3: "ssl_sslv3", TLS10: "ssl_tlsv1"},
		Description:  "Debian 12 / Ubuntu vsftpd 3.0.3 (knows only ssl_sslv2, ssl_sslv3, ssl_tlsv1)",
		Name:         "Debian/Ubuntu's vsftpd 3.0.3",
	},
	FlavourUpstream: {
		Flavour: FlavourUpstream, ConfigPath: "/etc/vsftpd.conf", UserListPath: "/etc/vsftpd.user_list",
		CertFile: "/etc/ssl/certs/vsftpd.pem", KeyFile: "/etc/ssl/private/vsftpd.key",
		TLSOptions: map[TLSVersion]string{SSLv2: "ssl_sslv2", SSLv3: "ssl_sslv3", TLS10: "ssl_tlsv1",
			TLS11: "ssl_tlsv11", TLS12: "ssl_tlsv12", TLS13: "ssl_tlsv13"},
		SeccompOff:  true,
		Description: "upstream vsftpd 3.0.5 (TLS options ssl_tlsv11/12/13)",
		Name:        "vsftpd 3.0.5 (upstream)",
	},
	FlavourRHEL: {
		Flavour: FlavourRHEL, ConfigPath: "/etc/vsftpd/vsftpd.conf", UserListPath: "/etc/vsftpd/user_list",
		CertFile: "/etc/pki/tls/certs/vsftpd.pem", KeyFile: "/etc/pki/tls/private/vsftpd.key",
		TLSOptions: map[TLSVersion]string{SSLv2: "ssl_sslv2", SSLv3: "ssl_sslv3", TLS10: "ssl_tlsv1",
			TLS11: "ssl_tlsv1_1", TLS12: "ssl_tlsv1_2", TLS13: "ssl_tlsv1_3"},
		Description: "RHEL/Fedora/openSUSE vsftpd (TLS options ssl_tlsv1_1/_2/_3)",
		Name:        "the RHEL/Fedora/openSUSE vsftpd",
	},
}

// BuildOf returns the facts of a build; auto and unknown flavours mean
// Debian 3.0.3. The returned value is a copy the caller may change.
func BuildOf(f Flavour) Build {
	b := builds[Normalise(f)]
	m := make(map[TLSVersion]string, len(b.TLSOptions))
	for k, v := range b.TLSOptions {
		m[k] = v
	}
	b.TLSOptions = m
	return b
}

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
	case has[builds[FlavourRHEL].TLSOptions[TLS12]]:
		return FlavourRHEL, true
	case has[builds[FlavourUpstream].TLSOptions[TLS12]]:
		return FlavourUpstream, true
	case has[builds[FlavourDebian].TLSOptions[TLS10]]:
		return FlavourDebian, true
	}
	return "", false
}

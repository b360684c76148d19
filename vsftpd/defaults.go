package vsftpd

// Defaults are the compiled-in values of the options ftpswiz reasons about,
// per build, as the real binaries have them (tunables.c; Debian's and Red
// Hat's patches change some). They often differ from the man page.
//
// Measured on Debian 12's vsftpd 3.0.3-13+b2 (a config in a throwaway
// network namespace, vsftpd run standalone): with neither listen nor
// listen_ipv6 set, vsftpd exits 2 with "500 OOPS: vsftpd: not configured
// for standalone, must be started from inetd", so both default to NO in
// Debian's binary (Debian's shipped vsftpd.conf sets listen=NO,
// listen_ipv6=YES); with pam_service_name unset a login attempt opens
// /etc/pam.d/vsftpd, so Debian's default service is "vsftpd", not
// upstream's "ftp".
type Defaults struct {
	Listen, ListenIPv6   bool
	SSLEnable            bool
	ForceLocalLoginsSSL  bool
	ForceLocalDataSSL    bool
	RequireSSLReuse      bool
	TLSv1                bool // TLS 1.0 allowed
	TLSv11               bool // TLS 1.1 allowed (no switch on 3.0.3: OpenSSL decides)
	SeccompSandbox       bool
	WriteEnable          bool
	PasvEnable           bool
	PAMServiceName       string
	SSLCiphers           string
	RSACertFile          string
	UserListFile         string // "" when not known for the build
	VsftpdLogFile        string
	XferlogFile          string
	BindAttempts         int
	ListenPort           int
	MaxClients, MaxPerIP int
}

// DefaultsFor returns the compiled-in defaults of a build (auto and unknown
// flavours mean Debian 3.0.3).
func DefaultsFor(f Flavour) Defaults {
	d := Defaults{
		Listen: true, ForceLocalLoginsSSL: true, ForceLocalDataSSL: true,
		RequireSSLReuse: true, PasvEnable: true, PAMServiceName: "ftp",
		SSLCiphers: "ECDHE-RSA-AES256-GCM-SHA384", RSACertFile: "/usr/share/ssl/certs/vsftpd.pem",
		UserListFile: "/etc/vsftpd.user_list", VsftpdLogFile: "/var/log/vsftpd.log", XferlogFile: "/var/log/xferlog",
		BindAttempts: BindAttempts, ListenPort: 21, MaxClients: 2000, MaxPerIP: 50,
	}
	switch Normalise(f) {
	case FlavourUpstream:
		d.SeccompSandbox = true
	case FlavourRHEL:
		d.SSLCiphers = "PROFILE=SYSTEM"
		d.UserListFile = "" // Red Hat patches the path; not verified here, so not checked
	default:
		// Debian 3.0.3: TLS 1.0 on by default, seccomp off, and (measured)
		// listen off and PAM service "vsftpd".
		d.TLSv1 = true
		d.TLSv11 = true
		d.Listen = false
		d.PAMServiceName = "vsftpd"
	}
	return d
}

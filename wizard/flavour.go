package wizard

import "github.com/ftpswiz/ftpswiz/vsftpd"

// The vsftpd build facts live in package vsftpd; these names keep the
// planner's vocabulary.

// Flavour is a vsftpd build; option names differ between builds and an
// unknown option stops vsftpd from starting.
type Flavour = vsftpd.Flavour

// vsftpd flavours.
const (
	FlavourAuto     = vsftpd.FlavourAuto
	FlavourDebian   = vsftpd.FlavourDebian
	FlavourUpstream = vsftpd.FlavourUpstream
	FlavourRHEL     = vsftpd.FlavourRHEL
)

// Flavours lists the valid flavours.
func Flavours() []Flavour { return vsftpd.Flavours() }

// VsftpdOpenSSLConfPath is where the OpenSSL configuration that caps
// vsftpd's TLS version goes, on builds without an option for it.
const VsftpdOpenSSLConfPath = vsftpd.OpenSSLConfPath

// flavourInfo is the paths and names of one vsftpd build.
type flavourInfo = vsftpd.Build

func flavourOf(f Flavour) flavourInfo { return vsftpd.BuildOf(f) }

// ResolveFlavour picks the flavour whose TLS option names match the ssl_*
// option names an installed vsftpd binary knows; see vsftpd.ResolveFlavour.
func ResolveFlavour(knownSSLOptions []string) (Flavour, bool) {
	return vsftpd.ResolveFlavour(knownSSLOptions)
}

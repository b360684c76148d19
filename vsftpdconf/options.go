package vsftpdconf

import "github.com/ftpswiz/ftpswiz/vsftpd"

// The option tables, defaults and passive model of each vsftpd build live
// in package vsftpd; these names keep the linter's vocabulary.

// Kind is the type of a vsftpd option, which decides how its value is read.
type Kind = vsftpd.Kind

// Option kinds.
const (
	Bool   = vsftpd.Bool
	Uint   = vsftpd.Uint
	String = vsftpd.String
)

// Defaults are the compiled-in values of the options the linter reasons
// about, per build, as the real binaries have them.
type Defaults = vsftpd.Defaults

// DefaultsFor returns the compiled-in defaults of a build.
func DefaultsFor(f vsftpd.Flavour) Defaults { return vsftpd.DefaultsFor(f) }

func normalise(f vsftpd.Flavour) vsftpd.Flavour { return vsftpd.Normalise(f) }

// Lookup returns the kind of the option name in the given build, and false
// when that build does not know the name (vsftpd then refuses to start).
func Lookup(f vsftpd.Flavour, name string) (Kind, bool) { return vsftpd.Lookup(f, name) }

// Known lists every option name the build accepts, sorted.
func Known(f vsftpd.Flavour) []string { return vsftpd.Known(f) }

// KnownElsewhere lists the other builds that accept name.
func KnownElsewhere(f vsftpd.Flavour, name string) []vsftpd.Flavour {
	return vsftpd.KnownElsewhere(f, name)
}

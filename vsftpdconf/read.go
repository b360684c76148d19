package vsftpdconf

import (
	"io/fs"

	"github.com/ftpswiz/ftpswiz/internal/safefile"
)

// MaxCheckSize is the largest config file `check` reads. vsftpd itself reads
// only the first MaxFileSize bytes; a file ten times that is not a config
// (a log, a device, a mistaken path) and is refused rather than read.
const MaxCheckSize = 1 << 20

// MaxHostFileSize bounds what the linter reads of a file the config names
// (a certificate, a key): enough for any PEM chain.
const MaxHostFileSize = 1 << 20

// ErrNotRegular and ErrTooLarge are internal/safefile's errors, so callers
// of ReadFileLimited can test for them.
var (
	ErrNotRegular = safefile.ErrNotRegular
	ErrTooLarge   = safefile.ErrTooLarge
)

// ReadFileLimited reads a regular file of at most limit bytes without
// blocking on a FIFO or a device (see internal/safefile).
func ReadFileLimited(name string, limit int64) ([]byte, fs.FileInfo, error) {
	return safefile.ReadLimited(name, limit)
}

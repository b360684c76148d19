package vsftpdconf

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxCheckSize is the largest config file `check` reads. vsftpd itself reads
// only the first MaxFileSize bytes; a file ten times that is not a config
// (a log, a device, a mistaken path) and is refused rather than read.
const MaxCheckSize = 1 << 20

// MaxHostFileSize bounds what the linter reads of a file the config names
// (a certificate, a key): enough for any PEM chain.
const MaxHostFileSize = 1 << 20

// ErrNotRegular is returned for a path that is not a regular file (a FIFO,
// a device, a directory, a socket).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file above the size limit.
var ErrTooLarge = errors.New("file too large")

// ReadFileLimited reads a regular file of at most limit bytes. It never
// blocks on a FIFO or a device: the path is opened without blocking and
// checked to be a regular file before anything is read, and no more than
// limit+1 bytes are read whatever the file claims. It also returns the
// file's information (of the opened file, not of a symlink).
func ReadFileLimited(name string, limit int64) ([]byte, fs.FileInfo, error) {
	f, err := openNoBlock(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fi, fmt.Errorf("%s is %s, %w: give the path of a file", name, describeMode(fi.Mode()), ErrNotRegular)
	}
	if fi.Size() > limit {
		return nil, fi, fmt.Errorf("%s is %d bytes, more than the %d this reads (%w)", name, fi.Size(), limit, ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fi, err
	}
	if int64(len(data)) > limit {
		return nil, fi, fmt.Errorf("%s holds more than the %d bytes this reads (%w)", name, limit, ErrTooLarge)
	}
	return data, fi, nil
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// openNoBlock opens for reading; on unix O_NONBLOCK keeps a FIFO without a
// writer from blocking the open (see read_unix.go).
func openNoBlock(name string) (*os.File, error) { return os.OpenFile(name, os.O_RDONLY|noBlockFlag, 0) }

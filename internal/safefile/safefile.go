// Package safefile opens and reads the files a user names (an answers file,
// a vsftpd.conf to check, the files a config names) without blocking on a
// FIFO or reading a device without end. It imports nothing of ftpswiz.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is returned for a path that is not a regular file (a FIFO,
// a device, a directory, a socket).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned for a file above the size limit.
var ErrTooLarge = errors.New("file too large")

// Open opens name for reading if it is a regular file (symbolic links
// followed) and refuses anything else with an error that says what it is
// and wraps ErrNotRegular. The open itself does not block, so a FIFO
// (checked or swapped in after a check) cannot hang it.
func Open(name string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|noBlockFlag, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fi, fmt.Errorf("%s is %s, %w", name, Describe(fi.Mode()), ErrNotRegular)
	}
	return f, fi, nil
}

// ReadLimited reads a regular file of at most limit bytes: opened as Open
// does, and no more than limit+1 bytes read whatever the file claims. It
// also returns the opened file's information.
func ReadLimited(name string, limit int64) ([]byte, fs.FileInfo, error) {
	f, fi, err := Open(name)
	if err != nil {
		return nil, fi, err
	}
	defer f.Close()
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

// Describe names what a file that is not regular is.
func Describe(m fs.FileMode) string {
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

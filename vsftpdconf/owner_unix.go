//go:build unix

package vsftpdconf

import (
	"io/fs"
	"syscall"
)

func ownerUID(fi fs.FileInfo) (uint32, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Uid, true
	}
	return 0, false
}

//go:build !unix

package vsftpdconf

import "io/fs"

func ownerUID(fs.FileInfo) (uint32, bool) { return 0, false }

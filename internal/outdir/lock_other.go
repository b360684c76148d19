//go:build !unix

package outdir

import "os"

// oNoFollow: no O_NOFOLLOW here; Lstat checks and os.Root still apply.
const oNoFollow = 0

// lockDir does nothing where there is no flock.
func lockDir(string) (func(), error) { return func() {}, nil }

// linkCount: unknown here, so 1.
func linkCount(os.FileInfo) uint64 { return 1 }

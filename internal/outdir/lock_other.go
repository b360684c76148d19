//go:build !unix

package outdir

// oNoFollow: no O_NOFOLLOW here; Lstat checks and os.Root still apply.
const oNoFollow = 0

// lockDir does nothing where there is no flock.
func lockDir(string) (func(), error) { return func() {}, nil }

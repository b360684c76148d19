//go:build unix

package safefile

import "syscall"

// noBlockFlag makes opening a FIFO return at once instead of waiting for a
// writer; reads of a regular file are not affected.
const noBlockFlag = syscall.O_NONBLOCK

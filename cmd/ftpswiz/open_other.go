//go:build !unix

package main

import "os"

// openNonBlocking opens path read-only (no FIFOs to worry about here).
func openNonBlocking(path string) (*os.File, error) { return os.Open(path) }

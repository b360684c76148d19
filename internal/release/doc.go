// Package release holds the tests of the release artefacts that make
// release (tools/release) writes into dist/: the .deb is installed into a
// throwaway root with dpkg, its binary run, its man page found by man -w,
// and removed again; the archive and the checksums are read back.
//
// make test runs make release first; outside CI a missing dist/ is a skip.
package release

package lab

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records Skip/Fatal instead of acting on
// them (it ends the calling goroutine, like the real ones).
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func runRecorder(t *testing.T, fn func(tb testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	return r
}

// TestRequire: a missing tool is a skip, or with CI=true a failure that
// names the Debian package.
func TestRequire(t *testing.T) {
	t.Setenv("CI", "")
	r := runRecorder(t, func(tb testing.TB) { Require(tb, "xmllint-not-really", "nft") })
	if r.failed != "" || !strings.Contains(r.skipped, "xmllint-not-really") {
		t.Errorf("without CI: skipped=%q failed=%q", r.skipped, r.failed)
	}
	t.Setenv("CI", "true")
	r = runRecorder(t, func(tb testing.TB) { Require(tb, "ftpswiz-no-such-tool") })
	if r.skipped != "" || !strings.Contains(r.failed, "ftpswiz-no-such-tool") || !strings.Contains(r.failed, "apt-get install") {
		t.Errorf("with CI=true: skipped=%q failed=%q", r.skipped, r.failed)
	}
	for tool, pkg := range map[string]string{"nft": "nftables", "iptables-restore": "iptables", "xmllint": "libxml2-utils", "ss": "iproute2", "ip": "iproute2"} {
		if got := PackageFor(tool); got != pkg {
			t.Errorf("PackageFor(%s) = %s, want %s", tool, got, pkg)
		}
	}
}

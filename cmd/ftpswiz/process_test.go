package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// goTool is the go command of the toolchain running the tests.
func goTool() string {
	//lint:ignore SA1019 tests run where they were built: this is the toolchain that is running them
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// staticBuildEnv is the environment of the test builds: static binaries,
// as tools/release builds the shipped one (CGO_ENABLED=0). A cgo build is
// dynamically linked (os/user, net) and pays the dynamic loader at every
// start, which the hello-world baseline, static anyway, does not.
func staticBuildEnv() []string { return append(os.Environ(), "CGO_ENABLED=0") }

// buildFTPSwiz builds the real binary into dir and returns its path.
func buildFTPSwiz(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(dir, "ftpswiz")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(), "build", "-o", bin, ".")
	cmd.Env = staticBuildEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// buildHello builds a hello-world Go program into dir: the start-up
// baseline.
func buildHello(tb testing.TB, dir string) string {
	tb.Helper()
	src := filepath.Join(dir, "hello")
	if err := os.MkdirAll(src, 0o755); err != nil {
		tb.Fatal(err)
	}
	writeFile(tb, filepath.Join(src, "go.mod"), "module hello\n\ngo 1.26\n")
	writeFile(tb, filepath.Join(src, "main.go"), "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, world\") }\n")
	bin := filepath.Join(dir, "hello-bin")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(), "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = staticBuildEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build hello: %v\n%s", err, out)
	}
	return bin
}

// procResult is one run of the real binary.
type procResult struct {
	code           int
	stdout, stderr string
}

// runBinary runs the binary with stdin, in dir, bounded by a timeout.
func runBinary(tb testing.TB, bin, dir, stdin string, args ...string) procResult {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		tb.Fatalf("%s %v: %v", bin, args, err)
	}
	return procResult{code, out.String(), errOut.String()}
}

// TestProcess runs the real binary the way a shell does: exit statuses,
// results on stdout and messages on stderr, and Ctrl-C.
func TestProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := buildFTPSwiz(t, t.TempDir())
	classic := scenarioAbs(t, "classic")
	work := t.TempDir()

	r := runBinary(t, bin, work, "", "generate", "--answers", classic, "--out", "out")
	if r.code != codeOK {
		t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
	}
	for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if !strings.HasPrefix(l, "out/") || !fileExists(filepath.Join(work, l)) {
			t.Errorf("stdout line %q is not a written file", l)
		}
	}
	if !strings.Contains(r.stderr, "new") {
		t.Errorf("stderr has no summary:\n%s", r.stderr)
	}

	edited := strings.Replace(readFile(t, classic), "concurrent_transfers: 16", "concurrent_transfers: 64", 1)
	if r := runBinary(t, bin, work, edited, "generate", "--answers", "-", "--out", "out"); r.code != codeExists || r.stdout != "" {
		t.Errorf("changed plan without --force: exit %d (want %d), stdout %q\n%s", r.code, codeExists, r.stdout, r.stderr)
	}
	unknown := strings.Replace(readFile(t, classic), "role: both", "role: both\nrolle: server", 1)
	rolleLine := 1 + slices.Index(strings.Split(unknown, "\n"), "rolle: server")
	if r := runBinary(t, bin, work, unknown, "generate", "--answers", "-", "--out", "out2"); r.code != codeUsage ||
		!strings.Contains(r.stderr, fmt.Sprintf("line %d: rolle: unknown key", rolleLine)) || fileExists(filepath.Join(work, "out2")) {
		t.Errorf("unknown key: exit %d (want %d)\n%s", r.code, codeUsage, r.stderr)
	}
	if r := runBinary(t, bin, work, "", "--version"); r.code != codeOK || !strings.HasPrefix(r.stdout, "ftpswiz ") {
		t.Errorf("--version: exit %d, %q", r.code, r.stdout)
	}

	// Ctrl-C while generate waits for the answers on stdin: exit 130 and
	// nothing written. A signal that arrives before main has installed its
	// handler kills the process the default way; on a loaded machine that
	// can happen, so such an attempt is retried with a longer delay.
	for attempt, delay := 1, 300*time.Millisecond; ; attempt, delay = attempt+1, delay*2 {
		code, signalled, stderr := interruptWhileReading(t, bin, work, delay)
		if signalled && attempt < 4 {
			t.Logf("attempt %d: SIGINT arrived before the handler (after %v); retrying", attempt, delay)
			continue
		}
		if code != codeInterrupted {
			t.Errorf("after SIGINT: exit %d (signalled %v), want %d\n%s", code, signalled, codeInterrupted, stderr)
		}
		break
	}
	if fileExists(filepath.Join(work, "interrupted")) {
		t.Error("an interrupted run wrote its output directory")
	}
}

// interruptWhileReading starts generate --answers - with a partial answers
// file on a stdin that stays open, sends SIGINT after delay, and returns
// the exit status, whether a signal killed the process, and its stderr.
func interruptWhileReading(t *testing.T, bin, work string, delay time.Duration) (code int, signalled bool, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "generate", "--answers", "-", "--out", "interrupted")
	cmd.Dir = work
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdin.Write([]byte("version: 1\n")) // a partial file; the rest never comes
	time.Sleep(delay)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("after SIGINT: %v\n%s", err, errOut.String())
	}
	ws, _ := ee.Sys().(syscall.WaitStatus)
	return ee.ExitCode(), ws.Signaled(), errOut.String()
}

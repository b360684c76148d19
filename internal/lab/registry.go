package lab

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// namePrefix starts every namespace, user comment and temp directory the lab
// creates, followed by the PID of the test binary that owns it; that is how a
// later run recognises (and removes) what a killed run left behind.
const namePrefix = "ftpswizlab-"

// registry holds everything one test created, and removes it in a fixed order
// at cleanup: processes, then any other process left in the namespaces, then
// users, then namespaces, then the temp directory.
type registry struct {
	t  testing.TB
	id string // short random id, unique per test

	mu     sync.Mutex
	dir    string
	procs  []*Process
	nss    []*Namespace
	users  []*User
	closed bool
}

var (
	regMu      sync.Mutex
	registries = map[testing.TB]*registry{}
	sweepOnce  sync.Once
)

// reg returns the registry of t, creating it (and registering its cleanup) on
// first use.
func reg(t testing.TB) *registry {
	t.Helper()
	regMu.Lock()
	defer regMu.Unlock()
	if r, ok := registries[t]; ok {
		return r
	}
	sweepOnce.Do(sweepStale)
	r := &registry{t: t, id: randomHex(3)}
	registries[t] = r
	t.Cleanup(func() {
		r.cleanup()
		regMu.Lock()
		delete(registries, t)
		regMu.Unlock()
	})
	return r
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// TempDir returns a per-test directory that every user can traverse (mode
// 0755, unlike t.TempDir's 0700, so a vsftpd user's home can live below it).
// It is removed at cleanup.
func TempDir(t testing.TB) string {
	t.Helper()
	r := reg(t)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dir != "" {
		return r.dir
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-%s-", namePrefix, os.Getpid(), r.id))
	if err != nil {
		t.Fatalf("lab: temp dir: %v", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("lab: chmod temp dir: %v", err)
	}
	r.dir = dir
	return dir
}

// WriteFile writes content to name (relative to TempDir(t), directories are
// created) with mode 0644 and returns the absolute path.
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	path := name
	if !filepath.IsAbs(name) {
		path = filepath.Join(TempDir(t), name)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("lab: %v", err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("lab: %v", err)
	}
	return path
}

func (r *registry) addProc(p *Process) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.procs = append(r.procs, p)
}

func (r *registry) addNS(ns *Namespace) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.nss = append(r.nss, ns)
}

func (r *registry) addUser(u *User) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.users = append(r.users, u)
}

// cleanup removes everything; errors are reported with t.Errorf so that a
// leaking harness fails the test that leaked.
func (r *registry) cleanup() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	procs, nss, users, dir := r.procs, r.nss, r.users, r.dir
	r.mu.Unlock()

	// 1. Processes we started, by process group.
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].Stop()
	}
	// 2. Anything else still inside our namespaces (vsftpd session children
	// call setsid, so they are not in the daemon's process group).
	for _, ns := range nss {
		if err := killNamespacePIDs(ns.Name, 3*time.Second); err != nil {
			r.t.Errorf("lab cleanup: %v", err)
		}
	}
	// 3. Users (after their processes are gone, or userdel refuses).
	for _, u := range users {
		if err := deleteUser(u.Name); err != nil {
			r.t.Errorf("lab cleanup: %v", err)
		}
	}
	// 4. Namespaces.
	for _, ns := range nss {
		if err := deleteNamespace(ns.Name); err != nil {
			r.t.Errorf("lab cleanup: %v", err)
		}
	}
	// 5. Files.
	if dir != "" {
		if err := os.RemoveAll(dir); err != nil {
			r.t.Errorf("lab cleanup: %v", err)
		}
	}
}

// namespacePIDs returns the PIDs of the processes whose network namespace is
// /run/netns/name (what `ip netns pids` does), without running anything.
func namespacePIDs(name string) ([]int, error) {
	var want syscall.Stat_t
	if err := syscall.Stat(filepath.Join("/run/netns", name), &want); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat(fmt.Sprintf("/proc/%d/ns/net", pid), &st) != nil {
			continue
		}
		if st.Dev == want.Dev && st.Ino == want.Ino {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// killNamespacePIDs SIGKILLs, by PID, every process inside the namespace and
// waits (bounded) until none is left.
func killNamespacePIDs(name string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		pids, err := namespacePIDs(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes %v still in namespace %s after %v", pids, name, timeout)
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func deleteNamespace(name string) error {
	if _, err := os.Stat(filepath.Join("/run/netns", name)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	out, err := rootCmd(10*time.Second, "", "ip", "netns", "delete", name)
	if err != nil {
		return fmt.Errorf("ip netns delete %s: %v: %s", name, err, out)
	}
	return nil
}

// rootCmd runs a command in the root namespace with a timeout and returns its
// combined output. Only used for namespace management, users and openssl:
// never for addresses, routes or rules.
func rootCmd(timeout time.Duration, stdin string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(timeout):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return out.String(), fmt.Errorf("%s timed out after %v", name, timeout)
	}
}

// ownerAlive reports whether the test binary with this PID may still be
// running (conservative: any doubt counts as alive).
func ownerAlive(pid int) bool {
	if pid <= 0 {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// ownerPID parses the PID in s = namePrefix + "<pid>-<id>...", or -1 when s
// is not a name this package generated.
func ownerPID(s string) int {
	rest, ok := strings.CutPrefix(s, namePrefix)
	if !ok {
		return -1
	}
	num, rest, ok := strings.Cut(rest, "-")
	if !ok || rest == "" {
		return -1
	}
	pid, err := strconv.Atoi(num)
	if err != nil || pid <= 0 {
		return -1
	}
	return pid
}

// sweepStale removes namespaces, users and temp directories left by lab runs
// whose test binary no longer exists (killed by a timeout, for instance). It
// only touches names this package generates, and only when the owning PID is
// gone.
func sweepStale() {
	if os.Geteuid() != 0 {
		return
	}
	if entries, err := os.ReadDir("/run/netns"); err == nil {
		for _, e := range entries {
			pid := ownerPID(e.Name())
			if pid < 0 || ownerAlive(pid) {
				continue
			}
			_ = killNamespacePIDs(e.Name(), 3*time.Second)
			_ = deleteNamespace(e.Name())
		}
	}
	if data, err := os.ReadFile("/etc/passwd"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Split(line, ":")
			if len(f) < 5 {
				continue
			}
			pid := ownerPID(f[4])
			if pid < 0 || ownerAlive(pid) {
				continue
			}
			_ = deleteUser(f[0])
		}
	}
	if matches, err := filepath.Glob(filepath.Join(os.TempDir(), namePrefix+"*")); err == nil {
		for _, m := range matches {
			pid := ownerPID(filepath.Base(m))
			if pid < 0 || ownerAlive(pid) {
				continue
			}
			_ = os.RemoveAll(m)
		}
	}
}

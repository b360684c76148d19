package lab

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DefaultTimeout bounds a command run with a zero timeout.
const DefaultTimeout = 20 * time.Second

// Namespace is one network namespace created by the lab.
type Namespace struct {
	// Name is the namespace name under /run/netns (unique per test run).
	Name string
	// Role is the short role name: "srv", "srvrt", "clirt", "cli" or "ns".
	Role string

	t   testing.TB
	reg *registry
}

// NewNamespace creates a single isolated namespace with only loopback (up),
// removed at cleanup together with every process left inside it. Use it for
// `nft -c`, `iptables-restore --test`, or a vsftpd greeting check.
func NewNamespace(t testing.TB) *Namespace {
	t.Helper()
	Require(t)
	return newNamespace(t, reg(t), "ns")
}

func newNamespace(t testing.TB, r *registry, role string) *Namespace {
	t.Helper()
	name := fmt.Sprintf("%s%d-%s-%s", namePrefix, os.Getpid(), r.id, role)
	if out, err := rootCmd(10*time.Second, "", "ip", "netns", "add", name); err != nil {
		t.Fatalf("lab: ip netns add %s: %v: %s", name, err, out)
	}
	ns := &Namespace{Name: name, Role: role, t: t, reg: r}
	r.addNS(ns)
	ns.MustRun("ip", "link", "set", "lo", "up")
	// A new namespace copies the root namespace's IPv4 settings
	// (net.core.devconf_inherit_init_net=0), so on a host that forwards (a
	// Docker or Podman host) every lab host would route. Each namespace
	// starts as a plain host; the routers turn forwarding on themselves.
	ns.Sysctl("net.ipv4.ip_forward", "0")
	return ns
}

// For returns a copy of ns that reports failures on t (for example a
// subtest) instead of the test that created the namespace. Resources it
// starts are still cleaned up with the namespace.
func (ns *Namespace) For(t testing.TB) *Namespace {
	c := *ns
	c.t = t
	return &c
}

// Command returns an exec.Cmd that runs name inside the namespace via
// `ip netns exec`, in its own process group, killed (whole group) when ctx is
// done, with a WaitDelay
// so that lingering pipes cannot hang Wait. Callers may set
// Stdin/Stdout/Stderr/Env/Dir before starting it.
func (ns *Namespace) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
	// No Pdeathsig: Linux sends it when the forking *thread* exits, and a
	// test that locks a goroutine to a thread for setns and lets it end
	// destroys that thread, killing whatever was forked from it (seen in CI
	// as "ip addr add: signal: killed"). Timeouts bound these commands, and
	// the registry's cleanup and stale-run sweep kill by process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// Run runs name with args inside the namespace and returns its stdout and
// stderr. timeout <= 0 means DefaultTimeout; a timeout is reported in err.
func (ns *Namespace) Run(timeout time.Duration, name string, args ...string) (stdout, stderr string, err error) {
	return ns.RunInput(timeout, "", name, args...)
}

// RunInput is Run with stdin.
func (ns *Namespace) RunInput(timeout time.Duration, stdin, name string, args ...string) (stdout, stderr string, err error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := ns.Command(ctx, name, args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err = cmd.Run()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %v (%w)", name, timeout, err)
	}
	return so.String(), se.String(), err
}

// MustRun runs a command with DefaultTimeout and fails the test (showing
// stdout and stderr) if it does not succeed. It returns stdout.
func (ns *Namespace) MustRun(name string, args ...string) string {
	ns.t.Helper()
	so, se, err := ns.Run(0, name, args...)
	if err != nil {
		ns.t.Fatalf("lab: [%s] %s %s: %v\nstdout:\n%s\nstderr:\n%s", ns.Role, name, strings.Join(args, " "), err, so, se)
	}
	return so
}

// NFT loads an nftables ruleset (`nft -f -`) into the namespace.
func (ns *Namespace) NFT(ruleset string) error {
	so, se, err := ns.RunInput(0, ruleset, "nft", "-f", "-")
	if err != nil {
		return fmt.Errorf("[%s] nft -f: %v: %s%s", ns.Role, err, so, se)
	}
	return nil
}

// MustNFT is NFT that fails the test (showing the ruleset) on error.
func (ns *Namespace) MustNFT(ruleset string) {
	ns.t.Helper()
	if err := ns.NFT(ruleset); err != nil {
		ns.t.Fatalf("lab: %v\nruleset:\n%s", err, numbered(ruleset))
	}
}

func numbered(s string) string {
	var b strings.Builder
	for i, l := range strings.Split(s, "\n") {
		fmt.Fprintf(&b, "%3d  %s\n", i+1, l)
	}
	return b.String()
}

// Process is a background process started with Start. Stdin, stdout and
// stderr all go to one log file (vsftpd writes its errors to fd 0).
type Process struct {
	Name    string // command name, for messages
	LogPath string // file holding everything the process wrote

	ns   *Namespace
	cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's result, valid once done is closed
	once sync.Once
}

// Start starts name in the namespace in the background, in its own process
// group. The process (group) is killed at cleanup; its output is in LogPath.
func (ns *Namespace) Start(name string, args ...string) *Process {
	ns.t.Helper()
	logf, err := os.CreateTemp(TempDir(ns.t), fmt.Sprintf("%s-%s-*.log", ns.Role, filepath.Base(name)))
	if err != nil {
		ns.t.Fatalf("lab: %v", err)
	}
	defer logf.Close()
	// Reopen read-write for fd 0: vsftpd reports start-up errors on fd 0.
	rw, err := os.OpenFile(logf.Name(), os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		ns.t.Fatalf("lab: %v", err)
	}
	defer rw.Close()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = rw, rw, rw
	// Own process group, killed by the registry's cleanup (and, after a
	// killed test binary, by the next run's stale sweep). No Pdeathsig: see
	// Command.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		ns.t.Fatalf("lab: [%s] start %s: %v", ns.Role, name, err)
	}
	p := &Process{Name: name, LogPath: logf.Name(), ns: ns, cmd: cmd, done: make(chan struct{})}
	ns.reg.addProc(p)
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p
}

// PID is the process ID (`ip netns exec` execs the command, so this is the
// command itself).
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Output returns what the process has written so far.
func (p *Process) Output() string {
	data, _ := os.ReadFile(p.LogPath)
	return string(data)
}

// Exited reports whether the process has ended, and its Wait error.
func (p *Process) Exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// Wait waits up to timeout for the process to exit. ok is false on timeout.
func (p *Process) Wait(timeout time.Duration) (err error, ok bool) {
	select {
	case <-p.done:
		return p.err, true
	case <-time.After(timeout):
		return nil, false
	}
}

// Stop sends SIGTERM to the process group, then SIGKILL after 2s. Safe to
// call more than once; called automatically at cleanup.
func (p *Process) Stop() {
	p.once.Do(func() {
		pgid := p.cmd.Process.Pid
		if exited, _ := p.Exited(); !exited {
			_ = syscall.Kill(-pgid, syscall.SIGTERM)
			if _, ok := p.Wait(2 * time.Second); ok {
				_ = syscall.Kill(-pgid, syscall.SIGKILL) // stray group members
				return
			}
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		p.Wait(3 * time.Second)
	})
}

// Do runs fn on an OS thread that has joined the namespace, so that sockets
// fn creates belong to the namespace (they stay there afterwards, whatever
// thread uses them). fn must not start goroutines that expect to be inside
// the namespace.
func (ns *Namespace) Do(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// If restoring the original namespace fails the thread stays
		// locked and is destroyed when this goroutine returns.
		self := fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid())
		orig, err := os.Open(self)
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open(filepath.Join("/run/netns", ns.Name))
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := setns(target); err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns.Name, err)
			return
		}
		ferr := fn()
		if err := setns(orig); err != nil {
			errc <- errors.Join(ferr, fmt.Errorf("restore netns: %w", err))
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

func setns(f *os.File) error {
	_, _, e := syscall.RawSyscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0)
	if e != 0 {
		return e
	}
	return nil
}

// Listen opens a listener inside the namespace (in-process, no helper).
func (ns *Namespace) Listen(network, addr string) (net.Listener, error) {
	var l net.Listener
	err := ns.Do(func() error {
		var err error
		l, err = net.Listen(network, addr)
		return err
	})
	return l, err
}

// Dial connects from inside the namespace with a timeout.
func (ns *Namespace) Dial(network, addr string, timeout time.Duration) (net.Conn, error) {
	var c net.Conn
	err := ns.Do(func() error {
		var err error
		c, err = net.DialTimeout(network, addr, timeout)
		return err
	})
	return c, err
}

// WaitTCP polls (every 50ms, at most until timeout) until a TCP connection to
// addr from inside the namespace succeeds.
func (ns *Namespace) WaitTCP(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		c, err := ns.Dial("tcp", addr, 500*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		last = err
		if time.Now().After(deadline) {
			return fmt.Errorf("[%s] %s not accepting after %v: %v", ns.Role, addr, timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ReadGreeting connects to addr from inside the namespace and returns the
// first line the server sends (for FTP: "220 ..."), bounded by timeout.
func (ns *Namespace) ReadGreeting(addr string, timeout time.Duration) (string, error) {
	c, err := ns.Dial("tcp", addr, timeout)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

// Sysctl sets a net.* sysctl inside the namespace by writing /proc/sys from
// a thread that has joined it (net.* sysctls are per namespace). It fails the
// test on error.
func (ns *Namespace) Sysctl(key, value string) {
	ns.t.Helper()
	if !strings.HasPrefix(key, "net.") {
		ns.t.Fatalf("lab: Sysctl %s: only net.* keys are per namespace", key)
	}
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	err := ns.Do(func() error { return os.WriteFile(path, []byte(value+"\n"), 0) })
	if err != nil {
		ns.t.Fatalf("lab: [%s] sysctl %s=%s: %v", ns.Role, key, value, err)
	}
}

// ReadSysctl reads a net.* sysctl as seen inside the namespace.
func (ns *Namespace) ReadSysctl(key string) (string, error) {
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	var v []byte
	err := ns.Do(func() error {
		var err error
		v, err = os.ReadFile(path)
		return err
	})
	return strings.TrimSpace(string(v)), err
}

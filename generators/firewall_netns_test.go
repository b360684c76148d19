package generators

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A tiny network-namespace lab for the firewall tests: named namespaces
// (ip netns add), veth pairs between them, commands and Go sockets inside
// them. Nothing is configured in the root namespace; every namespace is
// deleted by t.Cleanup.

// fwCmdTimeout bounds one command: a hang guard, not a speed goal. The
// firewalld scripts start firewall-offline-cmd (Python) about 20 times, which
// takes 30 s and more on a loaded 2-core machine.
const fwCmdTimeout = 120 * time.Second

// fwNS is a named network namespace.
type fwNS struct {
	t    testing.TB
	Name string
	conf string // private tool configuration (see fwNSConfDir)
}

// fwNewNS creates a uniquely named namespace with lo up.
func fwNewNS(t testing.TB, role string) *fwNS {
	t.Helper()
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("ftpswiz-fw-%s-%s", role, hex.EncodeToString(b[:]))
	if out, err := fwExec("ip", "netns", "add", name); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := fwExec("ip", "netns", "del", name); err != nil {
			t.Errorf("ip netns del %s: %v\n%s", name, err, out)
		}
	})
	ns := &fwNS{t: t, Name: name}
	ns.Must("ip", "link", "set", "lo", "up")
	return ns
}

// fwExec runs a command with a timeout and returns its combined output.
func fwExec(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), fwCmdTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return string(out), nil
}

// Run runs a command inside the namespace.
func (ns *fwNS) Run(args ...string) (string, error) {
	return fwExec("ip", append([]string{"netns", "exec", ns.Name}, args...)...)
}

// Must runs a command inside the namespace and fails the test on error.
func (ns *fwNS) Must(args ...string) string {
	ns.t.Helper()
	out, err := ns.Run(args...)
	if err != nil {
		ns.t.Fatalf("%v\n%s", err, out)
	}
	return out
}

// Sh runs a bash script inside the namespace, in dir.
func (ns *fwNS) Sh(dir, script string) (string, error) {
	return ns.Run("bash", "-c", "set -e; cd "+shQuote(dir)+"\n"+script)
}

// fwVeth connects two namespaces with a veth pair named ifA (in a) and ifB
// (in b), both up.
func fwVeth(t testing.TB, a *fwNS, ifA string, b *fwNS, ifB string) {
	t.Helper()
	if out, err := fwExec("ip", "link", "add", ifA, "netns", a.Name, "type", "veth", "peer", "name", ifB, "netns", b.Name); err != nil {
		t.Fatalf("veth: %v\n%s", err, out)
	}
	a.Must("ip", "link", "set", ifA, "up")
	b.Must("ip", "link", "set", ifB, "up")
}

// Do runs fn on an OS thread that has entered the namespace: sockets fn
// creates belong to the namespace and keep working after Do returns.
func (ns *fwNS) Do(fn func() error) error {
	f, err := os.Open("/run/netns/" + ns.Name)
	if err != nil {
		return fmt.Errorf("open netns: %w", err)
	}
	defer f.Close()
	errc := make(chan error, 1)
	go func() {
		// The thread stays locked: when this goroutine ends, the runtime
		// throws the thread (and its namespace) away instead of reusing it.
		runtime.LockOSThread()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns.Name, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// fwListener accepts connections in a namespace and records the local
// address each one arrived at.
type fwListener struct {
	ln  net.Listener
	got chan string
}

// Listen opens a TCP listener on addr ("0.0.0.0:21") inside the namespace;
// it is closed by t.Cleanup.
func (ns *fwNS) Listen(addr string) *fwListener {
	ns.t.Helper()
	l := &fwListener{got: make(chan string, 64)}
	err := ns.Do(func() error {
		ln, err := net.Listen("tcp4", addr)
		l.ln = ln
		return err
	})
	if err != nil {
		ns.t.Fatalf("listen %s in %s: %v", addr, ns.Name, err)
	}
	ns.t.Cleanup(func() { l.ln.Close() })
	go func() {
		for {
			c, err := l.ln.Accept()
			if err != nil {
				return
			}
			select {
			case l.got <- c.LocalAddr().String() + " from " + c.RemoteAddr().String():
			default:
			}
			c.Close()
		}
	}()
	return l
}

// Dial tries a TCP connection from the namespace, from local address src
// ("" for any), and reports whether it was established within timeout.
func (ns *fwNS) Dial(src, dst string, timeout time.Duration) (bool, error) {
	var ok bool
	err := ns.Do(func() error {
		d := net.Dialer{Timeout: timeout}
		if src != "" {
			d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(src)}
		}
		c, err := d.Dial("tcp4", dst)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.ECONNREFUSED) ||
				errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
				return nil
			}
			return err
		}
		ok = true
		return c.Close()
	})
	return ok, err
}

// fwProbe is one connection attempt and its expected outcome.
type fwProbe struct {
	From, To string
	Want     bool
}

// fwCheckProbes runs the probes in parallel from ns and reports every
// outcome that differs from the expectation.
func fwCheckProbes(t *testing.T, ns *fwNS, probes []fwProbe) {
	t.Helper()
	type result struct {
		p   fwProbe
		ok  bool
		err error
	}
	res := make(chan result, len(probes))
	for _, p := range probes {
		go func() {
			ok, err := ns.Dial(p.From, p.To, 1500*time.Millisecond)
			res <- result{p, ok, err}
		}()
	}
	for range probes {
		r := <-res
		switch {
		case r.err != nil:
			t.Errorf("connect %s -> %s: %v", r.p.From, r.p.To, r.err)
		case r.ok != r.p.Want:
			t.Errorf("connect %s -> %s: established=%v, want %v", r.p.From, r.p.To, r.ok, r.p.Want)
		}
	}
}

// Ping sends one ICMP echo request from the namespace (from src, "" for
// any) and reports whether the echo reply came back within timeout.
func (ns *fwNS) Ping(src, dst string, timeout time.Duration) (bool, error) {
	var ok bool
	err := ns.Do(func() error {
		var laddr *net.IPAddr
		if src != "" {
			laddr = &net.IPAddr{IP: net.ParseIP(src)}
		}
		c, err := net.DialIP("ip4:icmp", laddr, &net.IPAddr{IP: net.ParseIP(dst)})
		if err != nil {
			return fmt.Errorf("icmp socket: %w", err)
		}
		defer c.Close()
		const id, seq = 0x4654, 1
		msg := []byte{8, 0, 0, 0, id >> 8, id & 0xff, 0, seq, 'f', 't', 'p', 's', 'w', 'i', 'z'}
		sum := 0
		for i := 0; i+1 < len(msg); i += 2 {
			sum += int(msg[i])<<8 | int(msg[i+1])
		}
		if len(msg)%2 == 1 {
			sum += int(msg[len(msg)-1]) << 8
		}
		for sum > 0xffff {
			sum = sum>>16 + sum&0xffff
		}
		msg[2], msg[3] = byte(^sum>>8), byte(^sum)
		if _, err := c.Write(msg); err != nil {
			return fmt.Errorf("icmp write: %w", err)
		}
		if err := c.SetReadDeadline(time.Now().Add(timeout)); err != nil {
			return err
		}
		buf := make([]byte, 1500)
		for {
			n, _, err := c.ReadFrom(buf) // ReadFrom strips the IPv4 header, Read does not
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					return nil
				}
				return fmt.Errorf("icmp read: %w", err)
			}
			if n >= 8 && buf[0] == 0 && buf[4] == id>>8 && buf[5] == id&0xff {
				ok = true
				return nil
			}
		}
	})
	return ok, err
}

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// TestGoldenOutputsPassRealTools checks every committed golden output with
// the tool that will read it: nftables files with `nft -c -f`, iptables
// files with `iptables-restore --test` and ip6tables files with
// `ip6tables-restore --test` (inside a throwaway network namespace), sshd
// drop-ins with `sshd -t` (and `sshd -T`: sshd must still listen on both
// families, the drop-in pins no ListenAddress), FileZilla XML with xmllint,
// shell scripts with `bash -n` and the Python client with Python's parser.
// (The generators' own tests start the real vsftpd on generated configs.)
func TestGoldenOutputsPassRealTools(t *testing.T) {
	lab.Require(t, "nft", "iptables-restore", "ip6tables-restore", "sshd", "ssh-keygen", "xmllint", "bash", "python3")
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // sshd -t needs its privsep directory
		t.Fatal(err)
	}
	hostKey := filepath.Join(t.TempDir(), "ssh_host_ed25519_key")
	if out, err := host("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	ns := lab.NewNamespace(t)
	// A shared box's nftables file adds to the box's own table: check it
	// against Debian's default ruleset.
	ns.MustNFT(lab.DebianNftables)
	checked := map[string]int{}
	for _, name := range goldenScenarios() {
		dir := filepath.Join(scenariosDir, name, "expected")
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			abs, err := filepath.Abs(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(scenariosDir, p)
			var kind string
			var out string
			var runErr error
			switch {
			case strings.HasSuffix(p, ".nft"):
				kind = "nft -c"
				var stderr string
				out, stderr, runErr = ns.Run(30*time.Second, "nft", "-c", "-f", abs)
				out += stderr
			case strings.HasSuffix(p, ".iptables"):
				kind = "iptables-restore --test"
				var stderr string
				out, stderr, runErr = ns.RunInput(30*time.Second, readFile(t, abs), "iptables-restore", "--test")
				out += stderr
			case strings.HasSuffix(p, ".ip6tables"):
				kind = "ip6tables-restore --test"
				var stderr string
				out, stderr, runErr = ns.RunInput(30*time.Second, readFile(t, abs), "ip6tables-restore", "--test")
				out += stderr
			case strings.Contains(p, "sshd_config.d/") && strings.HasSuffix(p, ".conf"):
				kind = "sshd -t"
				out, runErr = checkSSHDDropIn(t, abs, hostKey)
			case strings.HasSuffix(p, ".xml"):
				kind = "xmllint"
				out, runErr = host("xmllint", "--noout", abs)
			case strings.HasSuffix(p, ".sh"):
				kind = "bash -n"
				out, runErr = host("bash", "-n", abs)
			case strings.HasSuffix(p, ".py"):
				kind = "python3 ast"
				out, runErr = host("python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", abs)
			default:
				return nil
			}
			checked[kind]++
			if runErr != nil {
				t.Errorf("%s: %s fails: %v\n%s", rel, kind, runErr, out)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("checked: %v", checked)
	for _, kind := range []string{"nft -c", "iptables-restore --test", "ip6tables-restore --test", "sshd -t", "xmllint", "bash -n", "python3 ast"} {
		if checked[kind] == 0 {
			t.Errorf("no golden file was checked with %s", kind)
		}
	}
}

// host runs a local, offline syntax check with a timeout.
func host(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// checkSSHDDropIn runs sshd -t on a main config like Debian 12's that
// includes the drop-in first, then sshd -T, which must show sshd listening
// on every address of both families (no ListenAddress or AddressFamily
// pinned by the drop-in).
func checkSSHDDropIn(t *testing.T, dropIn, hostKey string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	main := filepath.Join(dir, "sshd_config")
	conf := strings.Join([]string{
		"Include " + dropIn,
		"HostKey " + hostKey,
		"PidFile " + filepath.Join(dir, "sshd.pid"),
		"UsePAM yes",
		"Subsystem sftp /usr/lib/openssh/sftp-server",
	}, "\n") + "\n"
	if err := os.WriteFile(main, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := host("sshd", "-t", "-f", main); err != nil {
		return out, err
	}
	out, err := host("sshd", "-T", "-f", main)
	if err != nil {
		return out, err
	}
	lines := strings.Split(out, "\n")
	for _, want := range []string{"addressfamily any", "listenaddress 0.0.0.0:", "listenaddress [::]:"} {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, want) }) {
			return out, fmt.Errorf("sshd -T shows no %q: the drop-in must not pin sshd to one family", want)
		}
	}
	return "", nil
}

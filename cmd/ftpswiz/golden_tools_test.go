package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// TestGoldenOutputsPassRealTools checks every committed golden output with
// the tool that will read it: nftables files with `nft -c -f`, iptables
// files with `iptables-restore --test` (both inside a throwaway network
// namespace), FileZilla XML with xmllint, shell scripts with `bash -n` and
// the Python client with Python's parser. (The generators' own tests start
// the real vsftpd on generated configs.)
func TestGoldenOutputsPassRealTools(t *testing.T) {
	lab.Require(t, "nft", "iptables-restore", "xmllint", "bash", "python3")
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
	for _, kind := range []string{"nft -c", "iptables-restore --test", "xmllint", "bash -n", "python3 ast"} {
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

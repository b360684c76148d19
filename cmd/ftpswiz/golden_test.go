package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/golden"
)

// goldenScenarios are the scenarios every build must reproduce exactly.
// Each is testdata/scenarios/<name>/answers.yaml with its expected outputs
// in testdata/scenarios/<name>/expected/.
func goldenScenarios() []string {
	return []string{
		"classic",          // role both: vendor behind port-forward NAT, customer behind masquerade
		"classic-wizard",   // the classic case as the wizard's twelve answers plan it: its defaults (20 transfers, lftp and curl, nftables); the tmux test plays it
		"cloud-one-to-one", // role server, cloud 1:1 NAT, AWS security group, RHEL, TLS 1.3 only
		"home-dynamic-dns", // DNS name, pasv_addr_resolve, Linux router, ufw
		"implicit-only",    // implicit on 990, public host, active mode on, iptables + firewalld
		"both-modes",       // explicit + implicit instances, every client, every host backend
		"client-only",      // role client behind CGNAT
		"high-concurrency", // 500 transfers; flavour auto, detected on the fake machine
		"sftp",             // the classic network with protocol sftp: sshd, one forwarded port
		"sftp-classic",     // protocol sftp on port 22, keys only, every SFTP client (lftp, FileZilla, WinSCP, rclone, OpenSSH)
		"dual-stack",       // IPv4 behind port-forward NAT + IPv6 routed: split vsftpd listeners, ip6tables, client IPv6 prefix
		"sftp-dual-stack",  // protocol sftp, IPv4 DNAT + IPv6 routed to the host, one sshd for both families, client IPv6 prefix
		"docker-vps",       // vsftpd in a Docker container on a VPS with the public address (nat none): pasv_address, DOCKER-USER
	}
}

// TestGolden runs `ftpswiz generate` in-process on every scenario and
// compares every output file with the expected ones: same content, no file
// missing, no unexpected file. Update the expected files with
//
//	go test ./cmd/ftpswiz -run TestGolden -update
//
// (or UPDATE_GOLDEN=1) and review the diff before committing it.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(scenariosDir, "*", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, d := range dirs {
		onDisk = append(onDisk, filepath.Base(filepath.Dir(d)))
	}
	want := goldenScenarios()
	sort.Strings(onDisk)
	sort.Strings(want)
	if strings.Join(onDisk, " ") != strings.Join(want, " ") {
		t.Errorf("scenarios on disk %v, listed in goldenScenarios %v", onDisk, want)
	}
	for _, name := range goldenScenarios() {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			r := runFTPSwiz(t, "", "generate", "--answers", scenario(name), "--out", out)
			if r.code != codeOK {
				t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
			}
			got := readTree(t, out)
			golden.RequireEqualDir(t, filepath.Join(scenariosDir, name, "expected"), got)

			// Scripts (#!) executable, other files not.
			for p := range got {
				fi, err := os.Stat(filepath.Join(out, p))
				if err != nil {
					t.Fatal(err)
				}
				exec, script := fi.Mode().Perm()&0o111 != 0, strings.HasPrefix(string(got[p]), "#!")
				if exec != script {
					t.Errorf("%s: mode %v, but it %s with #!", p, fi.Mode().Perm(), map[bool]string{true: "starts", false: "does not start"}[script])
				}
			}

			// The normalised answers.yaml reproduces every file.
			again := filepath.Join(t.TempDir(), "again")
			r = runFTPSwiz(t, "", "generate", "--answers", filepath.Join(out, "answers.yaml"), "--out", again)
			if r.code != codeOK {
				t.Fatalf("generate from answers.yaml: exit %d\n%s", r.code, r.stderr)
			}
			for p, content := range readTree(t, again) {
				if string(got[p]) != string(content) {
					t.Errorf("%s differs when generated from the written answers.yaml", p)
				}
			}
		})
	}
}

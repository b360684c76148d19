package lab

import (
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// debianPackage maps a tool the lab drives to the Debian 12 package that
// provides it.
var debianPackage = map[string]string{
	"vsftpd":                   "vsftpd",
	"lftp":                     "lftp",
	"curl":                     "curl",
	"nft":                      "nftables",
	"iptables":                 "iptables",
	"iptables-restore":         "iptables",
	"ip6tables":                "iptables",
	"openssl":                  "openssl",
	"ip":                       "iproute2",
	"ss":                       "iproute2",
	"tc":                       "iproute2",
	"tmux":                     "tmux",
	"xmllint":                  "libxml2-utils",
	"useradd":                  "passwd",
	"userdel":                  "passwd",
	"chpasswd":                 "passwd",
	"sysctl":                   "procps",
	"bash":                     "bash",
	"usermod":                  "passwd",
	"groupadd":                 "passwd",
	"groupdel":                 "passwd",
	"sshd":                     "openssh-server",
	"ssh":                      "openssh-client",
	"sftp":                     "openssh-client",
	"ssh-keygen":               "openssh-client",
	"runuser":                  "util-linux",
	"unshare":                  "util-linux",
	"mount":                    "mount",
	"rclone":                   "rclone",
	"ufw":                      "ufw",
	"firewall-offline-cmd":     "firewalld",
	"iptables-legacy-restore":  "iptables",
	"cmark-gfm":                "cmark-gfm",
	"python3":                  "python3",
	"strings":                  "binutils",
	"man":                      "man-db",
	"dpkg":                     "dpkg",
	"dpkg-query":               "dpkg",
	"pebble":                   "pebble",
	"certbot":                  "certbot",
	"nsenter":                  "util-linux",
	"ansible-playbook":         "ansible",
	"ansible-lint":             "ansible-lint",
	"iptables-save":            "iptables",
	"ip6tables-save":           "iptables",
	"ip6tables-restore":        "iptables",
	"iptables-legacy":          "iptables",
	"ip6tables-legacy":         "iptables",
	"ip6tables-legacy-restore": "iptables",
	"systemctl":                "systemd",
	"awk":                      "mawk",
	"cp":                       "coreutils",
	"timeout":                  "coreutils",
	"systemd-analyze":          "systemd",
	"shellcheck":               "shellcheck",
	"getent":                   "libc-bin",
	"setsid":                   "util-linux",
	"dash":                     "dash",
}

// PackageFor returns the Debian package that provides tool (the tool's own
// name when it is not in the table).
func PackageFor(tool string) string {
	if p, ok := debianPackage[tool]; ok {
		return p
	}
	return tool
}

// InCI reports whether the CI environment variable is "true". In CI a missing
// prerequisite is a test failure; elsewhere it is a skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// Require makes sure the test runs as root and that every tool (plus ip, which
// every lab needs) is on PATH. Under go test -short it skips (unless CI=true). When something is missing it calls t.Fatalf
// naming the Debian package to install if CI=true, and t.Skipf otherwise.
func Require(t testing.TB, tools ...string) {
	t.Helper()
	var problems []string
	if os.Geteuid() != 0 {
		problems = append(problems, "must run as root (network namespaces, useradd)")
	}
	missing := map[string][]string{}
	for _, tool := range append([]string{"ip"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			pkg := PackageFor(tool)
			missing[pkg] = append(missing[pkg], tool)
		}
	}
	if len(missing) > 0 {
		var pkgs []string
		for p := range missing {
			pkgs = append(pkgs, p)
		}
		sort.Strings(pkgs)
		var parts []string
		for _, p := range pkgs {
			parts = append(parts, strings.Join(missing[p], ",")+" (package "+p+")")
		}
		problems = append(problems, "missing tools: "+strings.Join(parts, "; ")+
			"; install with: apt-get install -y "+strings.Join(pkgs, " "))
	}
	if len(problems) == 0 {
		// go test -short (make unit) is the fast run without the lab;
		// CI=true always runs it.
		if testing.Short() && !InCI() {
			t.Skip("lab test skipped under -short (make unit); make test runs it")
		}
		return
	}
	msg := "lab prerequisites not met: " + strings.Join(problems, "; ")
	if InCI() {
		t.Fatalf("%s (CI=true: this is a failure, not a skip)", msg)
	}
	t.Skip(msg)
}

// requireOrSkip fails in CI and skips elsewhere, with msg.
func requireOrSkip(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=true: this is a failure, not a skip)", msg)
	}
	t.Skip(msg)
}

// RequireConntrackFTP makes sure the kernel's FTP conntrack helper
// (nf_conntrack_ftp) is available, loading it with modprobe if needed. When
// it cannot be had the test fails if CI=true and is skipped otherwise.
func RequireConntrackFTP(t testing.TB) {
	t.Helper()
	const sys = "/sys/module/nf_conntrack_ftp"
	if _, err := os.Stat(sys); err == nil {
		return
	}
	why := sys + " does not exist"
	if path, err := exec.LookPath("modprobe"); err == nil {
		out, err := exec.Command(path, "nf_conntrack_ftp").CombinedOutput()
		if _, serr := os.Stat(sys); serr == nil {
			return
		}
		why += "; modprobe nf_conntrack_ftp: " + strings.TrimSpace(string(out))
		if err != nil {
			why += " (" + err.Error() + ")"
		}
	} else {
		why += "; modprobe not found (package kmod)"
	}
	requireOrSkip(t, "kernel FTP conntrack helper unavailable: "+why)
}

package generators

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// fwExpectedPaths is the file set the firewall renderers must write for a
// plan that asks for every backend.
func fwExpectedPaths(p *wizard.Plan) []string {
	var want []string
	host := false
	for _, s := range p.Sides() {
		want = append(want, nftPath(s), iptablesPath(s))
		if fwHostSide(s) {
			host = true
			want = append(want, ufwPath(s), firewalldPath(s))
		}
	}
	if host {
		want = append(want, awsScriptPath, awsTerraformPath)
	}
	slices.Sort(want)
	return want
}

// fwPlainText turns a file's comment lines into one line of words, so a
// wrapped Why can be found with strings.Contains.
func fwPlainText(content string) string {
	var words []string
	for _, l := range strings.Split(content, "\n") {
		l = strings.TrimSpace(l)
		l = strings.TrimLeft(l, "# ")
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}

func TestFirewallFiles(t *testing.T) {
	for _, name := range fwScenarios {
		t.Run(name, func(t *testing.T) {
			p := fwPlan(t, name)
			if len(p.Sides()) == 0 {
				t.Fatal("scenario has no firewall sides")
			}
			files := fwRender(t, p)
			var got []string
			for _, f := range files {
				got = append(got, f.Path)
			}
			if want := fwExpectedPaths(p); !slices.Equal(got, want) {
				t.Fatalf("files:\n got  %v\n want %v", got, want)
			}
			for _, f := range files {
				text := string(f.Content)
				plain := fwPlainText(text)
				// Every flow of the file's side(s) carries its Why.
				for _, side := range p.Sides() {
					if !fwFileCovers(f.Path, side) {
						continue
					}
					for _, fl := range p.FlowsFor(side) {
						why := strings.Join(strings.Fields(fl.Why), " ")
						if !strings.Contains(plain, why) {
							t.Errorf("%s: missing the why of %s %s: %q", f.Path, side, fl.Purpose, fl.Why)
						}
					}
				}
				if !strings.Contains(text, fwRegenerate) {
					t.Errorf("%s: header lacks the regenerate command", f.Path)
				}
				switch {
				case strings.HasSuffix(f.Path, ".nft"):
					if strings.Contains(text, "flush ruleset") {
						t.Errorf("%s flushes the ruleset", f.Path)
					}
					if m := regexp.MustCompile(`dnat (ip )?to [0-9.]+:`).FindString(text); m != "" {
						t.Errorf("%s: DNAT changes the port: %s", f.Path, m)
					}
					for _, tbl := range []string{"inet ftpswiz", "ip ftpswiz_nat"} {
						if strings.Contains(text, "table "+tbl+" {") &&
							!(fwHasLine(text, "table "+tbl) && fwHasLine(text, "delete table "+tbl)) {
							t.Errorf("%s: table %s lacks declare-then-delete", f.Path, tbl)
						}
					}
				case strings.HasSuffix(f.Path, ".iptables"):
					for _, l := range strings.Split(text, "\n") {
						if strings.HasPrefix(l, ":") && !strings.HasPrefix(l, ":FTPSWIZ-") {
							t.Errorf("%s declares a chain that is not ftpswiz's: %s", f.Path, l)
						}
						jump := regexp.MustCompile(`^-I (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) 1 -m comment --comment "ftpswiz jump" -j FTPSWIZ-(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$`)
						if strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "-A FTPSWIZ-") && !jump.MatchString(l) {
							t.Errorf("%s touches a chain that is not ftpswiz's: %s", f.Path, l)
						}
						if strings.Contains(l, "--to-destination") && regexp.MustCompile(`--to-destination [0-9.]+:`).MatchString(l) {
							t.Errorf("%s: DNAT changes the port: %s", f.Path, l)
						}
					}
				case strings.HasSuffix(f.Path, ".sh"):
					if f.Mode != 0o755 || !strings.HasPrefix(text, "#!/usr/bin/env bash\n") || !fwHasLine(text, "set -euo pipefail") {
						t.Errorf("%s: not an executable strict bash script (mode %o)", f.Path, f.Mode)
					}
				}
			}
		})
	}
}

// fwFileCovers reports whether the file at path holds rules for side.
func fwFileCovers(path string, side wizard.Side) bool {
	if strings.HasPrefix(path, "firewall/aws-") || strings.HasPrefix(path, "firewall/azure-") || strings.HasPrefix(path, "firewall/gcp-") {
		return fwHostSide(side)
	}
	return strings.HasPrefix(path, "firewall/"+string(side)+".")
}

// TestFirewallBackendChoice: only the backends the answers name are written,
// and routers never get ufw or firewalld files.
func TestFirewallBackendChoice(t *testing.T) {
	p := fwPlan(t, "port-forward-classic")
	for _, fw := range wizard.Firewalls() {
		p.Firewalls = []wizard.Firewall{fw}
		files := fwRender(t, p)
		if len(files) == 0 {
			t.Errorf("%s: no files", fw)
		}
		for _, f := range files {
			ok := false
			switch fw {
			case wizard.FirewallNftables:
				ok = strings.HasSuffix(f.Path, ".nft")
			case wizard.FirewallIptables:
				ok = strings.HasSuffix(f.Path, ".iptables")
			case wizard.FirewallUFW:
				ok = strings.HasSuffix(f.Path, ".ufw.sh") && !strings.Contains(f.Path, "router")
			case wizard.FirewallFirewalld:
				ok = strings.HasSuffix(f.Path, ".firewalld.sh") && !strings.Contains(f.Path, "router")
			case wizard.FirewallAWS:
				ok = strings.HasPrefix(f.Path, "firewall/aws-security-group.")
			case wizard.FirewallAzure:
				ok = strings.HasPrefix(f.Path, "firewall/azure-nsg.")
			case wizard.FirewallGCP:
				ok = strings.HasPrefix(f.Path, "firewall/gcp-firewall.")
			}
			if !ok {
				t.Errorf("backend %s wrote %s", fw, f.Path)
			}
		}
	}
	p.Firewalls = nil
	if files := fwRender(t, p); len(files) != 0 {
		t.Errorf("no backend chosen, got %d files", len(files))
	}
}

// TestFirewallSyntax checks every generated file with the real tool that
// reads it: nft -c, iptables-restore --test (nft and legacy variants),
// bash -n, JSON for the AWS CLI, and Terraform's own formatter when it is
// installed (it is not a Debian package; a Go structural check always runs).
func TestFirewallSyntax(t *testing.T) {
	lab.Require(t, "nft", "iptables-restore", "iptables-legacy-restore", "unshare", "bash")
	for _, name := range fwScenarios {
		t.Run(name, func(t *testing.T) {
			files := fwRender(t, fwPlan(t, name))
			dir := fwWrite(t, files)
			for _, f := range files {
				path := filepath.Join(dir, filepath.FromSlash(f.Path))
				switch {
				case strings.HasSuffix(f.Path, ".nft"):
					if out, err := fwExec("unshare", "--net", "bash", "-c", fwNftCheck(path)); err != nil {
						t.Errorf("nft -c -f %s: %v\n%s", f.Path, err, out)
					}
				case strings.HasSuffix(f.Path, ".iptables"):
					for _, tool := range []string{"iptables-restore", "iptables-legacy-restore"} {
						if out, err := fwExec("unshare", "--net", "sh", "-c", tool+" --test < "+shQuote(path)); err != nil {
							t.Errorf("%s --test %s: %v\n%s", tool, f.Path, err, out)
						}
					}
				case strings.HasSuffix(f.Path, ".sh"):
					if out, err := fwExec("bash", "-n", path); err != nil {
						t.Errorf("bash -n %s: %v\n%s", f.Path, err, out)
					}
				}
			}
			if f, ok := fwFind(files, awsScriptPath); ok {
				fwCheckAWSScript(t, string(f.Content))
			}
			if f, ok := fwFind(files, awsTerraformPath); ok {
				fwCheckTerraform(t, string(f.Content), filepath.Join(dir, filepath.FromSlash(f.Path)))
			}
		})
	}
}

func fwFind(files []File, path string) (File, bool) {
	for _, f := range files {
		if f.Path == path {
			return f, true
		}
	}
	return File{}, false
}

var fwRuleCall = regexp.MustCompile(`^rule (authorize|revoke) (ingress|egress) "\$[A-Z_]+" '([^']*)'$`)

// fwCheckAWSScript parses every --ip-permissions argument as EC2
// IpPermission JSON.
func fwCheckAWSScript(t *testing.T, text string) {
	t.Helper()
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "rule ") {
			continue
		}
		m := fwRuleCall.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("aws: unexpected rule line: %s", l)
			continue
		}
		n++
		dec := json.NewDecoder(strings.NewReader(m[3]))
		dec.DisallowUnknownFields()
		var perms []awsIPPermission
		if err := dec.Decode(&perms); err != nil || len(perms) != 1 {
			t.Errorf("aws: --ip-permissions does not parse: %v: %s", err, m[3])
			continue
		}
		perm := perms[0]
		if perm.IPProtocol == "tcp" && (perm.FromPort == nil || perm.ToPort == nil || *perm.FromPort > *perm.ToPort) {
			t.Errorf("aws: bad ports: %s", m[3])
		}
		for _, r := range perm.IPRanges {
			if !regexp.MustCompile(`^[0-9.]+/[0-9]+$`).MatchString(r.CidrIP) {
				t.Errorf("aws: bad CIDR %q", r.CidrIP)
			}
			// AWS's allowed description characters.
			if !regexp.MustCompile(`^[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*$`).MatchString(r.Description) {
				t.Errorf("aws: description %q has characters AWS refuses", r.Description)
			}
		}
	}
	if n == 0 {
		t.Error("aws: no rules")
	}
}

var (
	fwTFBlock = regexp.MustCompile(`^(resource|output|variable) ("[a-z0-9_]+" )+\{$`)
	fwTFAttr  = regexp.MustCompile(`^ +[a-z_0-9]+ += .+$`)
)

// fwCheckTerraform checks the .tf structurally (balanced braces, known
// block headers, unique resource names, attributes each rule needs) and, if
// terraform is installed, with terraform fmt -check.
func fwCheckTerraform(t *testing.T, text, path string) {
	t.Helper()
	depth := 0
	names := map[string]bool{}
	var block []string
	for i, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") || strings.TrimSpace(l) == "" {
			continue
		}
		opens, closes := strings.Count(l, "{"), strings.Count(l, "}")
		if depth == 0 && opens > 0 {
			if l != "terraform {" && !fwTFBlock.MatchString(l) {
				t.Errorf("tf line %d: unexpected block header %q", i+1, l)
			}
			if names[l] {
				t.Errorf("tf line %d: duplicate block %q", i+1, l)
			}
			names[l] = true
			block = []string{l}
		} else if depth == 1 && opens == 0 && closes == 0 && !fwTFAttr.MatchString(l) {
			t.Errorf("tf line %d: not an attribute: %q", i+1, l)
		} else {
			block = append(block, l)
		}
		depth += opens - closes
		if depth < 0 {
			t.Fatalf("tf line %d: unbalanced }", i+1)
		}
		if depth == 0 && len(block) > 0 && strings.Contains(block[0], "security_group_") && strings.Contains(block[0], "_rule\"") {
			body := strings.Join(block, "\n")
			for _, attr := range []string{"security_group_id", "description", "ip_protocol", "cidr_ipv4"} {
				if !regexp.MustCompile(`(?m)^\s+` + attr + `\s+=`).MatchString(body) {
					t.Errorf("tf: %s lacks %s", block[0], attr)
				}
			}
			block = nil
		}
	}
	if depth != 0 {
		t.Errorf("tf: unbalanced braces (depth %d at the end)", depth)
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Log("terraform not installed: structural check only")
		return
	}
	cmd := exec.Command("terraform", "fmt", "-check", "-diff", path)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE=/dev/null", "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
}

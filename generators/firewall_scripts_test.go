package generators

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/lab"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// The ufw and firewalld scripts run for real, without touching the
// machine's firewall or /etc: ufw inside a throwaway network namespace with
// a private copy of its configuration; firewalld through
// firewall-offline-cmd (the daemon needs D-Bus and systemd) on a tmpfs over
// /etc/firewalld in a private mount namespace.

// fwScriptCase is one generated script the tests run.
type fwScriptCase struct {
	scenario string
	side     wizard.Side
}

// The enforcement tests run the ufw scripts of nat-none (restricted
// sources, SSH from the admin network on a non-default port) and
// client-host (egress filter to any address) twice; these add active mode's
// source-port rules in both directions.
var fwUFWCases = []fwScriptCase{
	{"active-mode", wizard.SideServerHost},
	{"active-mode", wizard.SideClientHost},
}

// The firewalld cases cover the zone rules with restricted sources and the
// ssh service's removal (nat-none, a dedicated host), the ssh service kept
// (shared-boxes: a shared host), the egress policy with an inbound
// active-mode rule on a shared client host (active-mode: target CONTINUE)
// and egress to any address on a dedicated one (client-host: target DROP).
var fwFirewalldCases = []fwScriptCase{
	{"nat-none", wizard.SideServerHost},
	{"shared-boxes", wizard.SideServerHost},
	{"active-mode", wizard.SideClientHost},
	{"client-host", wizard.SideClientHost},
}

// TestFirewallUFWIdempotent runs each ufw script twice in a fresh namespace:
// the second run adds nothing (same iptables rules, same ufw rule files),
// and every flow is in ufw's rule list with its port; a dedicated box's
// ufw is enabled with its defaults, a shared box's (active-mode's client
// host) stays inactive with the script's note.
func TestFirewallUFWIdempotent(t *testing.T) {
	t.Parallel()
	lab.Require(t, "ip", "ufw", "iptables", "unshare", "bash")
	for _, c := range fwUFWCases {
		name, side := c.scenario, c.side
		p := fwPlan(t, name)
		dir := fwWrite(t, fwRender(t, p))
		{
			t.Run(name+"/"+string(side), func(t *testing.T) {
				ns := fwNewNS(t, "ufw")
				script := filepath.Join(dir, ufwPath(side))
				dump := func() string {
					save := ns.Must("iptables-save")
					var keep []string
					for _, l := range strings.Split(save, "\n") {
						if !strings.HasPrefix(l, "#") {
							keep = append(keep, l)
						}
					}
					conf := fwNSConfDir(t, ns)
					rules, err := os.ReadFile(filepath.Join(conf, "ufw", "etc-ufw", "user.rules"))
					if err != nil {
						t.Fatal(err)
					}
					return strings.Join(keep, "\n") + "\n=====\n" + string(rules)
				}
				if out, err := fwUFW(t, ns, script); err != nil {
					t.Fatalf("first run: %v\n%s", err, out)
				}
				first := dump()
				out, err := fwUFW(t, ns, script)
				if err != nil {
					t.Fatalf("second run: %v\n%s", err, out)
				}
				second := dump()
				if first != second {
					t.Errorf("second run changed the rules:\n--- first\n%s\n--- second\n%s", first, second)
				}
				if strings.Contains(out, "Rule added") || !strings.Contains(out, "Skipping adding existing rule") {
					t.Errorf("second run should skip every rule:\n%s", out)
				}
				box, _ := p.BoxFirewall(side)
				defer func() {
					// remove: no rule commented ftpswiz is left; a dedicated
					// box's ufw is off, a shared one's as it was.
					out, err := fwUFW(t, ns, script, "remove")
					if err != nil {
						t.Fatalf("remove: %v\n%s", err, out)
					}
					conf := fwNSConfDir(t, ns)
					rules, err := os.ReadFile(filepath.Join(conf, "ufw", "etc-ufw", "user.rules"))
					if err != nil {
						t.Fatal(err)
					}
					if strings.Contains(string(rules), "### tuple ###") || !strings.Contains(out, "Status: inactive") {
						t.Errorf("remove left rules or ufw on:\n%s\n%s", out, rules)
					}
				}()
				if box.Shared() {
					// A shared box's script leaves the fresh (inactive) ufw
					// inactive: its rules are in ufw's rule file, and it says
					// that they wait.
					if !strings.Contains(out, "ufw is inactive") || strings.Contains(out, "Status: active") || strings.Contains(out, "deny (outgoing)") {
						t.Errorf("shared %s: ufw enabled or its defaults changed, or no note:\n%s", side, out)
					}
					for _, f := range p.FlowsFor(side) {
						if !strings.Contains(second, " "+strings.ReplaceAll(f.Ports.String(), "-", ":")+" ") {
							t.Errorf("ufw's rules lack %s %s:\n%s", f.Purpose, f.Ports, second)
						}
					}
					return
				}
				for _, f := range p.FlowsFor(side) {
					if !strings.Contains(out, strings.ReplaceAll(f.Ports.String(), "-", ":")+"/tcp") {
						t.Errorf("ufw status lacks %s %s:\n%s", f.Purpose, f.Ports, out)
					}
				}
				if side == wizard.SideClientHost && !strings.Contains(out, "deny (outgoing)") {
					t.Errorf("client host: outgoing not denied:\n%s", out)
				}
			})
		}
	}
}

// fwFirewalldShim is a firewall-cmd that runs firewall-offline-cmd, which
// takes the same options minus --permanent, has no daemon to reload, and
// spells --zone=Z --remove-service=S as --remove-service-from-zone=S (its
// --remove-service is a lokkit-compatibility option).
const fwFirewalldShim = `#!/bin/bash
args=()
for a in "$@"; do
	case $a in
	--permanent) ;;
	--remove-service=*) args+=("--remove-service-from-zone=${a#--remove-service=}") ;;
	--reload) echo "(reload skipped offline)"; exit 0 ;;
	*) args+=("$a") ;;
	esac
done
exec firewall-offline-cmd "${args[@]}"
`

// TestFirewallFirewalldOffline runs each firewalld script twice against an
// empty configuration with firewall-offline-cmd: firewalld accepts every
// command, --check-config passes, the second run changes nothing, and every
// flow's rich rule is in the zone (inbound) or in ftpswiz's egress policy
// (client host), whose target is DROP on a dedicated host and CONTINUE on a
// shared one (it only adds); a dedicated host's zone loses the ssh service
// (SSH from the admin network only), a shared host's keeps it.
func TestFirewallFirewalldOffline(t *testing.T) {
	t.Parallel()
	lab.Require(t, "firewall-offline-cmd", "unshare", "bash", "mount")
	shim := t.TempDir()
	if err := os.WriteFile(filepath.Join(shim, "firewall-cmd"), []byte(fwFirewalldShim), 0o755); err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile("/etc/firewalld/firewalld.conf")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	if err := os.WriteFile(filepath.Join(shim, "firewalld.conf"), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range fwFirewalldCases {
		name, side := c.scenario, c.side
		p := fwPlan(t, name)
		dir := fwWrite(t, fwRender(t, p))
		{
			t.Run(name+"/"+string(side), func(t *testing.T) {
				script := filepath.Join(dir, firewalldPath(side))
				sh := `set -e
mount -t tmpfs ftpswiz-fw /etc/firewalld
cp "$SHIM/firewalld.conf" /etc/firewalld/
export PATH="$SHIM:$PATH"
dump() { find /etc/firewalld -name '*.xml' | sort | xargs -r cat; }
bash "$SCRIPT" >/dev/null
dump
echo =====
bash "$SCRIPT"
echo =====
dump
echo =====
firewall-offline-cmd --check-config
zone=$(firewall-offline-cmd --get-default-zone)
firewall-offline-cmd --zone="$zone" --list-rich-rules
echo =====services
firewall-offline-cmd --zone="$zone" --list-services
echo =====policy
firewall-offline-cmd --info-policy=` + firewalldPolicy + ` 2>/dev/null || true
`
				out, err := fwExec("unshare", "--mount", "--propagation", "private", "--net", "env",
					"SHIM="+shim, "SCRIPT="+script, "bash", "-c", sh)
				if err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				parts := strings.SplitN(out, "=====\n", 4)
				if len(parts) != 4 {
					t.Fatalf("unexpected output:\n%s", out)
				}
				first, second, listing := parts[0], parts[2], parts[3]
				if first != second {
					t.Errorf("second run changed the configuration:\n--- first\n%s\n--- second\n%s", first, second)
				}
				if strings.Contains(parts[1], "success") {
					t.Errorf("second run added something:\n%s", parts[1])
				}
				zoneRules, rest, _ := strings.Cut(listing, "=====services\n")
				services, policy, _ := strings.Cut(rest, "=====policy\n")
				egress := false
				for _, f := range p.FlowsFor(side) {
					rules, _ := firewalldRich(f)
					where := zoneRules
					switch {
					case f.Direction == wizard.Outbound && side == wizard.SideClientHost:
						where, egress = policy, true
					case f.Direction == wizard.Outbound:
						continue // firewalld lets the host's own connections out
					}
					for _, r := range rules {
						if !strings.Contains(where, r) {
							t.Errorf("rich rule missing: %s\nlisting:\n%s", r, listing)
						}
					}
				}
				box, _ := p.BoxFirewall(side)
				target := "target: DROP"
				if box.Shared() {
					target = "target: CONTINUE"
				}
				if egress && !strings.Contains(policy, target) {
					t.Errorf("egress policy of a %s host lacks %q:\n%s", box.Use, target, policy)
				}
				for _, f := range p.FlowsFor(side) {
					if f.Purpose != wizard.PurposeAdmin || fwIsAny(f.From) {
						continue
					}
					has := slices.Contains(strings.Fields(services), "ssh")
					if !box.Shared() && has {
						t.Errorf("SSH is for the admin network only, but the zone still has the ssh service: %s", services)
					}
					if box.Shared() && !has {
						t.Errorf("the script removed the ssh service from a shared host's zone: %q", services)
					}
				}
			})
		}
	}
}

package generators

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// The Azure and Google Cloud files cannot be applied here (no accounts), and
// Terraform is not installable from Debian; Debian's azure-cli 2.45 fails to
// load its network module (AttributeError: 'NoneType' object has no attribute
// 'standard_medium'). So the shapes are checked against the documented
// fields: the Terraform files by a strict parser of the HCL subset ftpswiz
// writes, checked against the arguments the azurerm and google providers
// document; the CLI scripts by running them with recording stand-ins for az
// and gcloud, checked against the documented flags; and, where the real
// gcloud is installed, each recorded gcloud command through gcloud's own
// argument parser (it stops at the missing credentials, after parsing).

func cloudPlan(t testing.TB) *wizard.Plan {
	t.Helper()
	p, err := wizard.Decide(wizard.Answers{Version: 1, Role: wizard.RoleBoth,
		Server: &wizard.Server{PublicAddress: "203.0.113.50", HostAddress: "10.0.0.5", NAT: wizard.NATOneToOne,
			AllowedClients: []string{"192.0.2.0/24", "198.18.0.0/15"}, AdminNetwork: "198.51.100.0/24",
			Capacity: wizard.Capacity{Transfers: 16}, Vsftpd: wizard.Vsftpd{Users: []string{"acme"}}},
		Client:    &wizard.Client{NAT: wizard.ClientNATNone, Software: []wizard.ClientSoftware{wizard.ClientLFTP}},
		Firewalls: []wizard.Firewall{wizard.FirewallAzure, wizard.FirewallGCP},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// hclBlock is one block of the HCL subset: labels, attributes (raw values)
// and nested blocks.
type hclBlock struct {
	Type   string
	Labels []string
	Attrs  map[string]string
	Blocks []*hclBlock
	Line   int
}

var (
	hclOpenRE = regexp.MustCompile(`^([a-z_]+)((?: "[^"]*")*) \{$`)
	hclAttrRE = regexp.MustCompile(`^([a-z_]+) += (.+)$`)
	hclValRE  = regexp.MustCompile(`^("([^"\\]|\\.)*"|-?[0-9]+|true|false|\[("([^"\\]|\\.)*"(, "([^"\\]|\\.)*")*)?\]|[a-z_]+(\.[a-z_0-9]+)+|string|\{\})$`)
)

// parseHCL parses the HCL subset ftpswiz writes: comments, blocks, one
// attribute per line with a string, number, bool, list of strings or a
// reference as value. Anything else is an error.
func parseHCL(src string) ([]*hclBlock, error) {
	root := &hclBlock{}
	stack := []*hclBlock{root}
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case line == "}":
			if len(stack) == 1 {
				return nil, fmt.Errorf("line %d: } without a block", i+1)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if m := regexp.MustCompile(`^([a-z_]+) \{\}$`).FindStringSubmatch(line); m != nil && len(stack) > 1 {
			// An empty block (the azurerm provider's features {}).
			top := stack[len(stack)-1]
			top.Blocks = append(top.Blocks, &hclBlock{Type: m[1], Attrs: map[string]string{}, Line: i + 1})
			continue
		}
		if m := regexp.MustCompile(`^([a-z_]+) += \{$`).FindStringSubmatch(line); m != nil {
			// An object value (required_providers' entries): read as a block.
			line = m[1] + " {"
		}
		if m := hclOpenRE.FindStringSubmatch(line); m != nil {
			b := &hclBlock{Type: m[1], Attrs: map[string]string{}, Line: i + 1}
			for _, l := range regexp.MustCompile(`"([^"]*)"`).FindAllStringSubmatch(m[2], -1) {
				b.Labels = append(b.Labels, l[1])
			}
			top := stack[len(stack)-1]
			top.Blocks = append(top.Blocks, b)
			stack = append(stack, b)
			continue
		}
		if m := hclAttrRE.FindStringSubmatch(line); m != nil && len(stack) > 1 {
			if !hclValRE.MatchString(m[2]) {
				return nil, fmt.Errorf("line %d: value %q is not one ftpswiz writes", i+1, m[2])
			}
			top := stack[len(stack)-1]
			if _, dup := top.Attrs[m[1]]; dup {
				return nil, fmt.Errorf("line %d: %s set twice", i+1, m[1])
			}
			top.Attrs[m[1]] = m[2]
			continue
		}
		return nil, fmt.Errorf("line %d: %q is not HCL ftpswiz writes", i+1, line)
	}
	if len(stack) != 1 {
		return nil, fmt.Errorf("unclosed block %s", stack[len(stack)-1].Type)
	}
	return root.Blocks, nil
}

// tfSchema is what a provider documents for a resource: its arguments, the
// required ones, and nested blocks with theirs.
type tfSchema struct {
	args, required []string
	blocks         map[string]tfSchema
}

// tfSchemas are from the providers' documentation (registry.terraform.io:
// hashicorp/azurerm azurerm_network_security_group and
// azurerm_network_security_rule; hashicorp/google google_compute_firewall).
var tfSchemas = map[string]tfSchema{
	"azurerm_network_security_group": {
		args:     []string{"name", "resource_group_name", "location", "security_rule", "tags"},
		required: []string{"name", "resource_group_name", "location"},
	},
	"azurerm_network_security_rule": {
		args: []string{"name", "resource_group_name", "network_security_group_name", "description", "protocol",
			"source_port_range", "source_port_ranges", "destination_port_range", "destination_port_ranges",
			"source_address_prefix", "source_address_prefixes", "source_application_security_group_ids",
			"destination_address_prefix", "destination_address_prefixes", "destination_application_security_group_ids",
			"access", "priority", "direction"},
		required: []string{"name", "resource_group_name", "network_security_group_name", "protocol", "access", "priority", "direction"},
	},
	"google_compute_firewall": {
		args: []string{"name", "network", "description", "destination_ranges", "direction", "disabled", "priority",
			"source_ranges", "source_service_accounts", "source_tags", "target_service_accounts", "target_tags", "project"},
		required: []string{"name", "network"},
		blocks: map[string]tfSchema{
			"allow": {args: []string{"protocol", "ports"}, required: []string{"protocol"}},
			"deny":  {args: []string{"protocol", "ports"}, required: []string{"protocol"}},
		},
	},
}

func checkTFBlock(t *testing.T, where string, b *hclBlock, s tfSchema) {
	t.Helper()
	for k := range b.Attrs {
		if !slices.Contains(s.args, k) {
			t.Errorf("%s: argument %s is not documented", where, k)
		}
	}
	for _, k := range s.required {
		if _, ok := b.Attrs[k]; !ok {
			t.Errorf("%s: required argument %s missing", where, k)
		}
	}
	for _, nb := range b.Blocks {
		ns, ok := s.blocks[nb.Type]
		if !ok {
			t.Errorf("%s: block %s is not documented", where, nb.Type)
			continue
		}
		checkTFBlock(t, where+"."+nb.Type, nb, ns)
	}
}

func unquote(t *testing.T, v string) string {
	t.Helper()
	s, err := strconv.Unquote(v)
	if err != nil {
		t.Errorf("%s is not a string: %v", v, err)
	}
	return s
}

func oneOf(t *testing.T, where string, b *hclBlock, keys ...string) {
	t.Helper()
	n := 0
	for _, k := range keys {
		if _, ok := b.Attrs[k]; ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%s: exactly one of %v must be set, %d are", where, keys, n)
	}
}

func TestCloudTerraformShape(t *testing.T) {
	files := fwRender(t, cloudPlan(t))
	gcpName := regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	for _, path := range []string{"firewall/azure-nsg.tf", "firewall/gcp-firewall.tf"} {
		blocks, err := parseHCL(string(fwFile(t, files, path).Content))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		resources := 0
		prios := map[string]bool{}
		for _, b := range blocks {
			where := fmt.Sprintf("%s:%d %s %v", path, b.Line, b.Type, b.Labels)
			switch b.Type {
			case "terraform", "provider", "variable", "output":
				continue
			case "resource":
			default:
				t.Errorf("%s: unexpected block", where)
				continue
			}
			resources++
			s, ok := tfSchemas[b.Labels[0]]
			if !ok || len(b.Labels) != 2 {
				t.Errorf("%s: resource type not expected", where)
				continue
			}
			checkTFBlock(t, where, b, s)
			switch b.Labels[0] {
			case "azurerm_network_security_rule":
				oneOf(t, where, b, "source_port_range", "source_port_ranges")
				oneOf(t, where, b, "destination_port_range", "destination_port_ranges")
				oneOf(t, where, b, "source_address_prefix", "source_address_prefixes")
				oneOf(t, where, b, "destination_address_prefix", "destination_address_prefixes")
				if p := unquote(t, b.Attrs["protocol"]); !slices.Contains([]string{"Tcp", "Udp", "Icmp", "Esp", "Ah", "*"}, p) {
					t.Errorf("%s: protocol %s", where, p)
				}
				if a := unquote(t, b.Attrs["access"]); a != "Allow" && a != "Deny" {
					t.Errorf("%s: access %s", where, a)
				}
				dir := unquote(t, b.Attrs["direction"])
				if dir != "Inbound" && dir != "Outbound" {
					t.Errorf("%s: direction %s", where, dir)
				}
				prio, err := strconv.Atoi(b.Attrs["priority"])
				if err != nil || prio < 100 || prio > 4096 {
					t.Errorf("%s: priority %s outside 100-4096", where, b.Attrs["priority"])
				}
				key := b.Attrs["network_security_group_name"] + dir + b.Attrs["priority"]
				if prios[key] {
					t.Errorf("%s: priority %d used twice in one group and direction", where, prio)
				}
				prios[key] = true
				if d := unquote(t, b.Attrs["description"]); len(d) > 140 {
					t.Errorf("%s: description longer than 140", where)
				}
				if n := unquote(t, b.Attrs["name"]); len(n) > 80 {
					t.Errorf("%s: name longer than 80", where)
				}
			case "google_compute_firewall":
				if n := unquote(t, b.Attrs["name"]); !gcpName.MatchString(n) || len(n) > 63 {
					t.Errorf("%s: name %q is not RFC 1035 (at most 63)", where, n)
				}
				dir := unquote(t, b.Attrs["direction"])
				if dir != "INGRESS" && dir != "EGRESS" {
					t.Errorf("%s: direction %s", where, dir)
				}
				if _, ok := b.Attrs["source_ranges"]; dir == "INGRESS" && !ok {
					t.Errorf("%s: INGRESS without source_ranges", where)
				}
				if _, ok := b.Attrs["destination_ranges"]; dir == "EGRESS" && !ok {
					t.Errorf("%s: EGRESS without destination_ranges", where)
				}
				if prio, err := strconv.Atoi(b.Attrs["priority"]); err != nil || prio < 0 || prio > 65535 {
					t.Errorf("%s: priority %s outside 0-65535", where, b.Attrs["priority"])
				}
				if len(b.Blocks) != 1 {
					t.Errorf("%s: exactly one allow or deny block, got %d", where, len(b.Blocks))
				}
			}
		}
		if resources == 0 {
			t.Errorf("%s: no resources", path)
		}
	}
}

// TestParseHCLRefuses: the checker fails on what it must fail on.
func TestParseHCLRefuses(t *testing.T) {
	for _, src := range []string{
		"resource \"a\" \"b\" {\n  x = $(reboot)\n}\n",
		"resource \"a\" \"b\" {\n  x = \"1\"\n  x = \"2\"\n}\n",
		"resource \"a\" \"b\" {\n",
		"}\n",
		"x = 1\n",
	} {
		if _, err := parseHCL(src); err == nil {
			t.Errorf("parseHCL accepted %q", src)
		}
	}
}

// cloudFlags are the documented flags of the commands the scripts run
// (az network nsg rule create; gcloud compute firewall-rules create/update).
var cloudFlags = map[string][]string{
	"az network nsg rule create": {"--resource-group", "--nsg-name", "--name", "--priority", "--direction", "--access",
		"--protocol", "--source-address-prefixes", "--source-port-ranges", "--destination-address-prefixes",
		"--destination-port-ranges", "--description", "--output"},
	"gcloud compute firewall-rules create": {"--network", "--direction", "--action", "--priority", "--rules",
		"--source-ranges", "--destination-ranges", "--target-tags", "--description"},
	"gcloud compute firewall-rules update": {"--priority", "--rules", "--source-ranges", "--destination-ranges",
		"--target-tags", "--description"},
	"gcloud compute firewall-rules describe": {"--format"},
}

// recordCLI runs a generated cloud script with a stand-in for tool that
// records every call (one argument per line, calls separated by a blank
// line) and answers "not found" to describe.
func recordCLI(t *testing.T, f File, tool string, env ...string) [][]string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	shim := fmt.Sprintf("#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done >> %s\necho >> %s\ncase \"$*\" in *' describe '*) exit 1;; esac\n", shQuote(log), shQuote(log))
	if err := os.WriteFile(filepath.Join(dir, tool), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(script, f.Content, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", script)
	cmd.Env = append([]string{"PATH=" + dir + ":/usr/bin:/bin"}, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", f.Path, err, out)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for _, c := range strings.Split(strings.TrimSuffix(string(data), "\n\n"), "\n\n") {
		calls = append(calls, append([]string{tool}, strings.Split(c, "\n")...))
	}
	return calls
}

func checkFlags(t *testing.T, call []string, words int) {
	t.Helper()
	cmd := strings.Join(call[:words], " ")
	flags, ok := cloudFlags[cmd]
	if !ok {
		t.Errorf("%v: command %q not expected", call, cmd)
		return
	}
	seen := map[string]bool{}
	for _, a := range call[words:] {
		if !strings.HasPrefix(a, "--") {
			continue
		}
		name, _, _ := strings.Cut(a, "=")
		if !slices.Contains(flags, name) {
			t.Errorf("%s: flag %s is not documented", cmd, name)
		}
		if seen[name] {
			t.Errorf("%s: flag %s twice", cmd, name)
		}
		seen[name] = true
	}
}

func TestCloudCLIShape(t *testing.T) {
	files := fwRender(t, cloudPlan(t))
	az := recordCLI(t, fwFile(t, files, "firewall/azure-nsg.sh"), "az", "AZ_RESOURCE_GROUP=rg", "AZ_SERVER_NSG=srv-nsg", "AZ_CLIENT_NSG=cli-nsg")
	if len(az) != 6 {
		t.Errorf("az: %d calls, want 6 (3 server rules, 2 client rules, the deny-all egress)", len(az))
	}
	for _, c := range az {
		checkFlags(t, c, 5)
		if v := argAfter(c, "--priority"); v == "" {
			t.Errorf("az call without priority: %v", c)
		}
	}
	gc := recordCLI(t, fwFile(t, files, "firewall/gcp-firewall.sh"), "gcloud", "GCP_NETWORK=default")
	var creates [][]string
	for _, c := range gc {
		checkFlags(t, c, 4)
		if c[3] == "create" {
			creates = append(creates, c)
		}
	}
	if len(creates) != 6 {
		t.Fatalf("gcloud: %d creates, want 6", len(creates))
	}
	// The dual-stack plan's rules too: one family each.
	files6 := fwRender(t, cloudPlan6(t))
	for _, c := range recordCLI(t, fwFile(t, files6, "firewall/azure-nsg.sh"), "az", "AZ_RESOURCE_GROUP=rg", "AZ_SERVER_NSG=srv-nsg", "AZ_CLIENT_NSG=cli-nsg") {
		checkFlags(t, c, 5)
	}
	for _, c := range recordCLI(t, fwFile(t, files6, "firewall/gcp-firewall.sh"), "gcloud", "GCP_NETWORK=default") {
		checkFlags(t, c, 4)
		if c[3] == "create" {
			creates = append(creates, c)
		}
	}

	// The real gcloud's parser, when it is installed (google-cloud-cli is
	// not a Debian package, but the machines this runs on have it; in CI
	// its absence is a failure, elsewhere the checks above stand).
	gcloud, err := exec.LookPath("gcloud")
	if testing.Short() {
		t.Skip("the real gcloud parser check is skipped with -short")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: gcloud (google-cloud-cli) is missing, so its parser check cannot run: %v", err)
		}
		t.Skipf("the real gcloud parser check needs gcloud: %v", err)
	}
	cfg := t.TempDir()
	for _, c := range creates {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, gcloud, c[1:]...)
		cmd.Env = append(os.Environ(), "CLOUDSDK_CONFIG="+cfg, "CLOUDSDK_CORE_PROJECT=ftpswiz-check", "CLOUDSDK_CORE_DISABLE_PROMPTS=1")
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil {
			t.Fatalf("gcloud %v succeeded without credentials?", c[1:])
		}
		if !strings.Contains(string(out), "You do not currently have an active account selected") {
			t.Errorf("gcloud refused %v before asking for credentials:\n%s", c[1:], out)
		}
	}
	// Negative control: the parser does refuse a bad flag.
	cmd := exec.Command(gcloud, append(append([]string{}, creates[0][1:]...), "--rules-typo=tcp:21")...)
	cmd.Env = append(os.Environ(), "CLOUDSDK_CONFIG="+cfg, "CLOUDSDK_CORE_PROJECT=ftpswiz-check", "CLOUDSDK_CORE_DISABLE_PROMPTS=1")
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "unrecognized arguments") {
		t.Errorf("negative control: gcloud accepted an unknown flag:\n%s", out)
	}
}

func argAfter(call []string, flag string) string {
	for i, a := range call {
		if a == flag && i+1 < len(call) {
			return call[i+1]
		}
	}
	return ""
}

// TestCloudRules: the rules follow the flows: every host flow once, ports
// and peers unchanged, the client's egress filter closed by a deny rule
// with the lowest precedence, priorities unique.
func TestCloudRules(t *testing.T) {
	p := cloudPlan(t)
	sides := fwHostSides(p)
	rules, err := cloudRules(p, sides)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range sides {
		n += len(p.FlowsFor(s))
	}
	if len(rules) != n+1 {
		t.Errorf("%d rules for %d flows, want one each and a deny-all egress", len(rules), n)
	}
	last := rules[len(rules)-1]
	if last.Allow || last.Inbound || last.Side != wizard.SideClientHost || last.Priority <= rules[len(rules)-2].Priority {
		t.Errorf("last rule %+v, want the client's deny-all egress after its allows", last)
	}
	seen := map[string]bool{}
	for _, r := range rules {
		key := fmt.Sprintf("%s/%v/%d", r.Side, r.Inbound, r.Priority)
		if seen[key] || seen[r.Name] {
			t.Errorf("rule %s: priority or name reused", r.Name)
		}
		seen[key], seen[r.Name] = true, true
	}
	for _, r := range rules[:len(rules)-1] {
		if r.Side == wizard.SideServerHost && r.Inbound && r.Ports == p.Server.Passive.String() &&
			!slices.Equal(r.Peers, p.Server.AllowedClients) {
			t.Errorf("passive rule peers %v, want %v", r.Peers, p.Server.AllowedClients)
		}
	}
}

// cloudPlan6 is cloudPlan on a dual-stack server with IPv6 clients.
func cloudPlan6(t testing.TB) *wizard.Plan {
	t.Helper()
	p, err := wizard.Decide(wizard.Answers{Version: 1, Role: wizard.RoleBoth,
		Server: &wizard.Server{PublicAddress: "203.0.113.50", HostAddress: "10.0.0.5", IPv6Address: "2001:db8:20::5",
			NAT: wizard.NATOneToOne, AllowedClients: []string{"192.0.2.0/24", "2001:db8:50::/64"}, AdminNetwork: "198.51.100.0/24",
			Capacity: wizard.Capacity{Transfers: 16}, Vsftpd: wizard.Vsftpd{Users: []string{"acme"}}},
		Client: &wizard.Client{NAT: wizard.ClientNATNone, IPv6Prefix: "2001:db8:50::/64",
			Software: []wizard.ClientSoftware{wizard.ClientLFTP}},
		Firewalls: []wizard.Firewall{wizard.FirewallAzure, wizard.FirewallGCP},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCloudRulesIPv6: in a dual-stack plan Azure's and Google Cloud's rules
// come one family each (neither cloud mixes them in a rule), the IPv6 rules
// carry the IPv6 prefixes, nothing is widened to Azure's "*" (it would open
// the other family too), the egress filter denies both families, and the
// Terraform and CLI files keep their documented shape.
func TestCloudRulesIPv6(t *testing.T) {
	p := cloudPlan6(t)
	rules, err := cloudRules(p, fwHostSides(p))
	if err != nil {
		t.Fatal(err)
	}
	six := 0
	for _, r := range rules {
		fams := map[bool]bool{}
		for _, c := range r.Peers {
			fams[strings.Contains(c, ":")] = true
		}
		if len(fams) != 1 || r.Any {
			t.Errorf("rule %s: peers %v (Any %v): one family per rule, never *", r.Name, r.Peers, r.Any)
		}
		if fams[true] {
			six++
			if !strings.HasSuffix(r.Name, "-ipv6") {
				t.Errorf("IPv6 rule %s is not named -ipv6", r.Name)
			}
		}
		if r.Side == wizard.SideServerHost && r.Ports == p.Server.Passive.String() && fams[true] && !slices.Equal(r.Peers, []string{"2001:db8:50::/64"}) {
			t.Errorf("IPv6 passive rule peers %v", r.Peers)
		}
	}
	if six == 0 {
		t.Fatal("no IPv6 rule")
	}
	if last := rules[len(rules)-1]; last.Allow || !slices.Equal(last.Peers, []string{"::/0"}) {
		t.Errorf("last rule %+v, want the IPv6 deny-all egress", last)
	}
	files := fwRender(t, p)
	for _, path := range []string{"firewall/azure-nsg.tf", "firewall/gcp-firewall.tf"} {
		if _, err := parseHCL(string(fwFile(t, files, path).Content)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if !strings.Contains(string(fwFile(t, files, path).Content), `"2001:db8:50::/64"`) {
			t.Errorf("%s lacks the IPv6 clients", path)
		}
	}
	// Control: the IPv4-only plan has no IPv6 rule and keeps Azure's "*".
	any4 := false
	p4 := cloudPlan(t)
	r4, err := cloudRules(p4, fwHostSides(p4))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range r4 {
		any4 = any4 || r.Any
		if strings.HasSuffix(r.Name, "-ipv6") {
			t.Errorf("IPv4 plan has IPv6 rule %s", r.Name)
		}
	}
	if !any4 {
		t.Error("control: the IPv4-only plan's anywhere rules no longer use *")
	}
}

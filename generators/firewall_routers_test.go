package generators

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// The router kinds without a local tool (RouterOS, UCI, FortiOS) are
// checked against the vendors' documented grammar: these checkers accept
// only the commands, properties and values the vendors document
// (help.mikrotik.com "NAT" and "Filter"; openwrt.org "Firewall
// configuration" for fw4; docs.fortinet.com FortiOS 7 CLI reference for
// firewall vip, address, policy and profile-protocol-options). Nothing here
// ran on a real device.

func routersPlan(t *testing.T, kind wizard.RouterKind, allowed string) *wizard.Plan {
	t.Helper()
	y := fmt.Sprintf(`version: 1
role: both
ftps: {mode: both}
server:
  public_address: 198.51.100.10
  host_address: 10.20.0.2
  nat: port-forward
  router: {kind: %s}
  allowed_clients: [%s]
  admin_network: 10.20.0.0/24
  capacity: {concurrent_transfers: 16}
client:
  nat: masquerade
  router: {kind: %s}
  lan_cidr: 192.168.50.0/24
  software: [lftp]
firewalls: [nftables, iptables]
`, kind, allowed, kind)
	path := filepath.Join(t.TempDir(), "answers.yaml")
	if err := os.WriteFile(path, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return decideFile(t, path, nil)
}

var (
	rosPorts  = regexp.MustCompile(`^[0-9]{1,5}(-[0-9]{1,5})?(,[0-9]{1,5}(-[0-9]{1,5})?)*$`)
	rosAddr   = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,3}){3}(/[0-9]{1,2})?$`)
	rosValues = map[string]*regexp.Regexp{
		"chain":                regexp.MustCompile(`^(dstnat|srcnat|forward)$`),
		"action":               regexp.MustCompile(`^(dst-nat|masquerade|accept)$`),
		"protocol":             regexp.MustCompile(`^tcp$`),
		"dst-port":             rosPorts,
		"dst-address":          rosAddr,
		"src-address":          rosAddr,
		"to-addresses":         rosAddr,
		"in-interface":         regexp.MustCompile(`^[A-Za-z0-9._-]{1,15}$`),
		"in-interface-list":    regexp.MustCompile(`^(WAN|LAN)$`),
		"connection-state":     regexp.MustCompile(`^new$`),
		"connection-nat-state": regexp.MustCompile(`^dstnat$`),
		"comment":              regexp.MustCompile(`^"ftpswiz[^"\\]*"$`),
	}
)

// checkRouterOS accepts a RouterOS script made of the commands ftpswiz
// writes, with documented properties and well-formed values.
func checkRouterOS(text string) error {
	for i, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		switch l {
		case `/ip firewall nat remove [find comment~"^ftpswiz"]`, `/ip firewall filter remove [find comment~"^ftpswiz"]`,
			`/ip firewall service-port set ftp disabled=yes`:
			continue
		}
		rest, ok := strings.CutPrefix(l, "/ip firewall nat add ")
		if !ok {
			rest, ok = strings.CutPrefix(l, "/ip firewall filter add ")
		}
		if !ok {
			return fmt.Errorf("line %d: not a documented command: %q", i+1, l)
		}
		// comment="..." is last and may hold spaces.
		body, comment, ok := strings.Cut(rest, " comment=")
		if !ok {
			return fmt.Errorf("line %d: no comment (ftpswiz finds its rules by comment): %q", i+1, l)
		}
		if !rosValues["comment"].MatchString(comment) {
			return fmt.Errorf("line %d: bad comment %q", i+1, comment)
		}
		seen := map[string]bool{}
		for _, kv := range strings.Fields(body) {
			k, v, ok := strings.Cut(kv, "=")
			re := rosValues[k]
			if !ok || re == nil {
				return fmt.Errorf("line %d: undocumented property %q", i+1, kv)
			}
			if seen[k] {
				return fmt.Errorf("line %d: %s twice", i+1, k)
			}
			seen[k] = true
			if !re.MatchString(v) {
				return fmt.Errorf("line %d: %s=%q is not a valid value", i+1, k, v)
			}
		}
		if !seen["chain"] || !seen["action"] {
			return fmt.Errorf("line %d: chain and action are required: %q", i+1, l)
		}
		if strings.Contains(body, "action=dst-nat") && !seen["to-addresses"] {
			return fmt.Errorf("line %d: dst-nat without to-addresses", i+1)
		}
	}
	return nil
}

var uciLine = regexp.MustCompile(`^set firewall\.ftpswiz_[0-9]+(=redirect|=rule|\.(name='[A-Za-z0-9 ._():/-]*'|src='(wan|lan)'|dest='(wan|lan)'|proto='tcp'|src_dport='[0-9]{1,5}(-[0-9]{1,5})?'|dest_port='[0-9]{1,5}(-[0-9]{1,5})?'|dest_ip='[0-9./]+'|src_ip='[0-9./]+'|target='(DNAT|ACCEPT)'|reflection='[01]'))$`)

// checkUCI accepts the uci batch of an OpenWrt script: documented fw4
// redirect and rule options only, and the commit and restart.
func checkUCI(text string) error {
	_, batch, ok := strings.Cut(text, "uci -q batch <<'FTPSWIZ_UCI'\n")
	if !ok {
		return fmt.Errorf("no uci batch")
	}
	batch, tail, ok := strings.Cut(batch, "FTPSWIZ_UCI\n")
	if !ok || tail != "uci commit firewall\nservice firewall restart\n" {
		return fmt.Errorf("the batch must be followed by uci commit firewall and service firewall restart, got %q", tail)
	}
	for i, l := range strings.Split(strings.TrimRight(batch, "\n"), "\n") {
		if !uciLine.MatchString(l) {
			return fmt.Errorf("batch line %d: not a documented fw4 option: %q", i+1, l)
		}
	}
	return nil
}

var fortiSet = map[string]map[string]*regexp.Regexp{
	"firewall vip": {
		"comment": regexp.MustCompile(`^"[^"]*"$`), "extip": regexp.MustCompile(`^[0-9.]+$`), "extintf": regexp.MustCompile(`^"any"$`),
		"mappedip": regexp.MustCompile(`^"[0-9.]+"$`), "portforward": regexp.MustCompile(`^enable$`), "protocol": regexp.MustCompile(`^tcp$`),
		"extport": regexp.MustCompile(`^[0-9]{1,5}(-[0-9]{1,5})?$`), "mappedport": regexp.MustCompile(`^[0-9]{1,5}(-[0-9]{1,5})?$`),
	},
	"firewall address": {"subnet": regexp.MustCompile(`^[0-9.]+ [0-9.]+$`)},
	"firewall policy": {
		"name": regexp.MustCompile(`^"ftpswiz[^"]*"$`), "srcintf": regexp.MustCompile(`^"[A-Za-z0-9._-]+"$`), "dstintf": regexp.MustCompile(`^"[A-Za-z0-9._-]+"$`),
		"action": regexp.MustCompile(`^accept$`), "srcaddr": regexp.MustCompile(`^"[^"]+"( "[^"]+")*$`), "dstaddr": regexp.MustCompile(`^"[^"]+"( "[^"]+")*$`),
		"schedule": regexp.MustCompile(`^"always"$`), "service": regexp.MustCompile(`^"ALL"$`), "nat": regexp.MustCompile(`^(enable|disable)$`),
		"utm-status": regexp.MustCompile(`^enable$`), "profile-protocol-options": regexp.MustCompile(`^"ftpswiz-ftps"$`),
	},
	"firewall profile-protocol-options": {"comment": regexp.MustCompile(`^"[^"]*"$`)},
	"ftp":                               {"status": regexp.MustCompile(`^disable$`)},
}

// checkFortiOS accepts FortiOS CLI made of config/edit/set/next/end blocks
// of the documented tables, properly nested.
func checkFortiOS(text string) error {
	var stack []string // "config X" or "edit"
	for i, raw := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		l := strings.TrimSpace(raw)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		switch {
		case strings.HasPrefix(l, "config "):
			t := strings.TrimPrefix(l, "config ")
			if _, ok := fortiSet[t]; !ok {
				return fmt.Errorf("line %d: undocumented table %q", i+1, t)
			}
			stack = append(stack, "config "+t)
		case strings.HasPrefix(l, "edit "):
			if len(stack) == 0 || !strings.HasPrefix(stack[len(stack)-1], "config ") {
				return fmt.Errorf("line %d: edit outside config", i+1)
			}
			if v := strings.TrimPrefix(l, "edit "); v != "0" && !regexp.MustCompile(`^"ftpswiz[A-Za-z0-9-]*"$`).MatchString(v) {
				return fmt.Errorf("line %d: edit %s", i+1, v)
			}
			stack = append(stack, "edit")
		case l == "next":
			if len(stack) == 0 || stack[len(stack)-1] != "edit" {
				return fmt.Errorf("line %d: next without edit", i+1)
			}
			stack = stack[:len(stack)-1]
		case l == "end":
			if len(stack) == 0 || !strings.HasPrefix(stack[len(stack)-1], "config ") {
				return fmt.Errorf("line %d: end without config", i+1)
			}
			stack = stack[:len(stack)-1]
		case strings.HasPrefix(l, "set "):
			table := ""
			for j := len(stack) - 1; j >= 0; j-- {
				if strings.HasPrefix(stack[j], "config ") {
					table = strings.TrimPrefix(stack[j], "config ")
					break
				}
			}
			k, v, _ := strings.Cut(strings.TrimPrefix(l, "set "), " ")
			re := fortiSet[table][k]
			if re == nil {
				return fmt.Errorf("line %d: %q is not a documented setting of %s", i+1, k, table)
			}
			if !re.MatchString(v) {
				return fmt.Errorf("line %d: set %s %q is not a valid value", i+1, k, v)
			}
		default:
			return fmt.Errorf("line %d: not FortiOS CLI: %q", i+1, l)
		}
	}
	if len(stack) != 0 {
		return fmt.Errorf("unclosed %v", stack)
	}
	return nil
}

// TestRouterKindsFiles: each router kind gets its own file for both router
// sides (and no nftables/iptables file for them), in its grammar, with the
// forwards' ports unchanged and hairpin NAT and the FTP helper covered.
func TestRouterKindsFiles(t *testing.T) {
	checks := map[wizard.RouterKind]struct {
		ext   string
		check func(string) error
		must  []string
	}{
		wizard.RouterMikroTik:  {".rsc", checkRouterOS, []string{"to-addresses=10.20.0.2", "dst-port=50000-50148", "service-port set ftp disabled=yes", `comment="ftpswiz hairpin"`}},
		wizard.RouterOpenWrt:   {".openwrt.sh", checkUCI, []string{".src_dport='50000-50148'", ".dest_port='50000-50148'", ".reflection='1'", "kmod-nf-nathelper-extra"}},
		wizard.RouterFortiGate: {".fortigate.conf", checkFortiOS, []string{"set extport 50000-50148", "set mappedport 50000-50148", "config ftp", "set status disable", "ftpswiz-ftps-hairpin", "session-helper"}},
		wizard.RouterPfSense:   {".pfsense.md", nil, []string{"| 50000-50148 | 10.20.0.2 | 50000-50148 (unchanged) |", "NAT Reflection", "FTP proxy"}},
		wizard.RouterOPNsense:  {".opnsense.md", nil, []string{"50000-50148 (unchanged)", "Reflection for port forwards"}},
		wizard.RouterWebPage:   {".router.md", nil, []string{"| TCP | 21 | 10.20.0.2 | 21 (unchanged) |", "FTP ALG", "NAT loopback"}},
	}
	for _, allowed := range []string{"0.0.0.0/0", "192.0.2.20/32"} {
		for kind, c := range checks {
			t.Run(string(kind)+"/"+allowed, func(t *testing.T) {
				files, err := RenderWith(Registry(), routersPlan(t, kind, allowed))
				if err != nil {
					t.Fatal(err)
				}
				byPath := map[string]File{}
				for _, f := range files {
					byPath[f.Path] = f
				}
				for _, side := range []wizard.Side{wizard.SideServerRouter, wizard.SideClientRouter} {
					for _, other := range []string{".nft", ".iptables"} {
						if _, ok := byPath["firewall/"+string(side)+other]; ok {
							t.Errorf("%s router gets a Linux file %s%s", kind, side, other)
						}
					}
					f, ok := byPath["firewall/"+string(side)+c.ext]
					if !ok {
						t.Fatalf("no firewall/%s%s", side, c.ext)
					}
					if f.Desc.Side != side || f.Desc.Tool == "" {
						t.Errorf("%s: description %+v", f.Path, f.Desc)
					}
					text := string(f.Content)
					if c.check != nil {
						if err := c.check(text); err != nil {
							t.Errorf("%s: %v\n%s", f.Path, err, text)
						}
					}
					if side == wizard.SideServerRouter {
						for _, m := range c.must {
							if !strings.Contains(text, m) {
								t.Errorf("%s lacks %q:\n%s", f.Path, m, text)
							}
						}
					}
					if !strings.Contains(text, "not run on a real device") {
						t.Errorf("%s does not say it is unproven on a device", f.Path)
					}
				}
				if _, ok := byPath["firewall/server-host.nft"]; !ok {
					t.Error("the server host still gets its nftables file")
				}
				if !strings.Contains(string(byPath["REPORT.md"].Content), kind.Label()) {
					t.Errorf("REPORT.md does not name the router kind %s", kind.Label())
				}
			})
		}
	}
}

// TestRouterGrammarCheckersCatch is the negative control: each checker
// refuses a file with one wrong line.
func TestRouterGrammarCheckersCatch(t *testing.T) {
	files, err := RenderWith(Registry(), routersPlan(t, wizard.RouterMikroTik, "192.0.2.20/32"))
	if err != nil {
		t.Fatal(err)
	}
	ros := string(fwFile(t, files, "firewall/server-router.rsc").Content)
	for _, bad := range []string{
		strings.Replace(ros, "dst-port=21 ", "dst-port=21:22 ", 1),
		strings.Replace(ros, "to-addresses=", "to-address=", 1),
		ros + "/ip firewall nat add chain=dstnat action=dst-nat comment=\"ftpswiz x\"\n",
		ros + "/system reset-configuration\n",
	} {
		if checkRouterOS(bad) == nil {
			t.Errorf("RouterOS checker accepted a broken script:\n%s", bad)
		}
	}
	files, err = RenderWith(Registry(), routersPlan(t, wizard.RouterOpenWrt, "192.0.2.20/32"))
	if err != nil {
		t.Fatal(err)
	}
	uci := string(fwFile(t, files, "firewall/server-router.openwrt.sh").Content)
	for _, bad := range []string{
		strings.Replace(uci, ".src_dport=", ".srcdport=", 1),
		strings.Replace(uci, "target='DNAT'", "target='SNATX'", 1),
		strings.Replace(uci, "uci commit firewall\n", "", 1),
	} {
		if checkUCI(bad) == nil {
			t.Errorf("UCI checker accepted a broken script:\n%s", bad)
		}
	}
	files, err = RenderWith(Registry(), routersPlan(t, wizard.RouterFortiGate, "192.0.2.20/32"))
	if err != nil {
		t.Fatal(err)
	}
	forti := string(fwFile(t, files, "firewall/server-router.fortigate.conf").Content)
	for _, bad := range []string{
		strings.Replace(forti, "    next\nend", "end", 1),
		strings.Replace(forti, "set portforward enable", "set port-forward enable", 1),
		strings.Replace(forti, "set extport 21", "set extport 21:22", 1),
	} {
		if checkFortiOS(bad) == nil {
			t.Errorf("FortiOS checker accepted a broken file:\n%s", bad)
		}
	}
}

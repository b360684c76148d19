package wizard

import (
	"os"
	"strings"
	"testing"
)

// TestBadInputs feeds answers files with one mistake each through the same
// path the CLI uses (DecodeAnswers, Decide, AnnotateLines) and checks that the
// error names the field, says what is wrong, carries the line number and a fix.
func TestBadInputs(t *testing.T) {
	base, err := os.ReadFile("testdata/classic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type edit = struct{ old, new string }
	tests := []struct {
		name  string
		edits []edit
		field string // the field the error must name ("" for decode errors)
		want  string // a substring of the message
		line  int    // the expected line (0: don't check)
	}{
		// decoding
		{"unknown top-level key", []edit{{"role: both", "role: both\ncolour: blue"}}, "colour", `unknown key (fix: remove it, or use one of the keys valid here: version, protocol`, 5},
		{"unknown nested key", []edit{{"  nat: port-forward", "  nat: port-forward\n  natt: x"}}, "server.natt", `did you mean "nat"? Valid keys in server: public_address`, 11},
		{"typo in capacity", []edit{{"concurrent_transfers: 16", "concurrent_transfer: 16"}}, "server.capacity.concurrent_transfer", `unknown key`, 16},
		{"string for a number", []edit{{"concurrent_transfers: 16", "concurrent_transfers: many"}}, "server.capacity.concurrent_transfers", `"many" is not a whole number`, 16},
		{"scalar for a list", []edit{{"firewalls: [nftables, iptables]", "firewalls: nftables"}}, "firewalls", `"nftables" is not a list`, 27},
		{"bad yaml", []edit{{"ftps:\n  mode: explicit", "ftps:\n  mode: [explicit"}}, "", "not valid YAML", 0},
		{"duplicate key", []edit{{"  nat: port-forward", "  nat: port-forward\n  nat: none"}}, "server.nat", "is given twice (first on line 10)", 11},
		{"list for a section", []edit{{"ftps:\n  mode: explicit", "ftps: [explicit]"}}, "ftps", "is not a section of keys", 5},
		{"section for a value", []edit{{"role: both", "role: {a: b}"}}, "role", "is a section of keys, not text", 4},
		{"yaml alias", []edit{{"admin_network: 10.20.0.0/24", "admin_network: &net 10.20.0.0/24\n  allowed_clients: [*net]"}}, "server.allowed_clients[0]", "is a YAML alias", 15},
		{"yaml tag", []edit{{"users: [alice]", "users: [!!binary YWxpY2UKc3NsX2VuYWJsZT1OTw==]"}}, "server.vsftpd.users[0]", "explicit YAML tag", 19},
		// item 9: numbers of the wrong kind name the field and the fix
		{"infinite transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: .inf"}}, "server.capacity.concurrent_transfers", `".inf" is not a whole number`, 16},
		{"NaN transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: .nan"}}, "server.capacity.concurrent_transfers", `".nan" is not a whole number`, 16},
		{"overflowing transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 99999999999999999999"}}, "server.capacity.concurrent_transfers", "far too large", 16},
		{"int64-sized port", []edit{{"mode: explicit", "mode: explicit\n  explicit_port: 9223372036854775807"}}, "ftps.explicit_port", "far too large", 7},
		{"fractional transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16.5"}}, "server.capacity.concurrent_transfers", `"16.5" is not a whole number`, 16},
		{"whole float transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16.0"}}, "server.capacity.concurrent_transfers", `"16.0" is not a whole number`, 16},
		{"string for a boolean", []edit{{"mode: explicit", "mode: explicit\n  active_mode: maybe"}}, "ftps.active_mode", `"maybe" is not true or false`, 7},
		{"missing version", []edit{{"version: 1\n", ""}}, "version", "is missing (fix: add version: 1", 1},
		{"empty version", []edit{{"version: 1\n", "version:\n"}}, "version", "is empty", 3},
		{"too many users", []edit{{"users: [alice]", "users: [" + strings.Repeat("u,", MaxListItems) + "u]"}}, "server.vsftpd.users", "has 1001 items", 19},
		// version and role
		{"version too new", []edit{{"version: 1", "version: 2"}}, "version", "version 2 is not supported", 3},
		{"unknown role", []edit{{"role: both", "role: vendor"}}, "role", `"vendor" is not a valid value`, 4},
		{"role server with client section", []edit{{"role: both", "role: server"}}, "client", "role server plans only the server", 20},
		{"role client with server section", []edit{{"role: both", "role: client"}}, "server", "role client plans only the client", 7},
		{"role both without client", []edit{{"client:\n  nat: masquerade\n  router:\n    wan_interface: wan0\n    lan_interface: lan0\n  lan_cidr: 192.168.50.0/24\n  software: [lftp, curl, filezilla]\n", ""}}, "client", "is required for role both", 0},
		// ftps
		{"unknown mode", []edit{{"mode: explicit", "mode: tls"}}, "ftps.mode", `"tls" is not a valid value`, 6},
		{"implicit on 21", []edit{{"mode: explicit", "mode: implicit\n  implicit_port: 21"}}, "ftps.implicit_port", "is 21", 7},
		{"explicit on 990", []edit{{"mode: explicit", "mode: explicit\n  explicit_port: 990"}}, "ftps.explicit_port", "is 990", 7},
		{"both on one port", []edit{{"mode: explicit", "mode: both\n  explicit_port: 2121\n  implicit_port: 2121"}}, "ftps.implicit_port", "the same as explicit_port", 0},
		{"control port out of range", []edit{{"mode: explicit", "mode: explicit\n  explicit_port: 70000"}}, "ftps.explicit_port", "70000 is not a TCP port", 0},
		{"negative control port", []edit{{"mode: explicit", "mode: explicit\n  explicit_port: -21"}}, "ftps.explicit_port", "-21 is not a TCP port", 0},
		// server addresses and NAT
		{"private public address with NAT", []edit{{"public_address: 198.51.100.10", "public_address: 10.20.0.5"}}, "server.public_address", "10.20.0.5 is a private address", 8},
		{"CGNAT public address with NAT", []edit{{"public_address: 198.51.100.10", "public_address: 100.64.1.1"}}, "server.public_address", "private address", 8},
		{"bad public address", []edit{{"public_address: 198.51.100.10", "public_address: 198.51.100.300"}}, "server.public_address", "neither an IPv4 address nor a DNS name", 8},
		{"url as public address", []edit{{"public_address: 198.51.100.10", "public_address: ftp://ftp.example.com"}}, "server.public_address", "neither an IPv4 address nor a DNS name", 8},
		{"IPv6 public address", []edit{{"public_address: 198.51.100.10", "public_address: 2001:db8::1"}}, "server.public_address", "IPv6", 8},
		// the fuzzer's: a name with the root's final dot was accepted, and the
		// certbot deploy hook then refused to render it
		{"public name with a final dot", []edit{{"public_address: 198.51.100.10", "public_address: ftps.example.com."}}, "server.public_address", `"ftps.example.com." ends with a dot (fix: write the name without its final dot: ftps.example.com)`, 8},
		{"missing public address", []edit{{"  public_address: 198.51.100.10\n", ""}}, "server.public_address", "is missing", 7},
		{"unknown nat", []edit{{"nat: port-forward", "nat: pat"}}, "server.nat", "use one of: none, one-to-one, port-forward, dynamic-dns", 10},
		{"host address missing behind NAT", []edit{{"  host_address: 10.20.0.2\n", ""}}, "server.host_address", "required with nat port-forward", 7},
		{"host address not an IP", []edit{{"host_address: 10.20.0.2", "host_address: vsftpd.lan"}}, "server.host_address", "not an IPv4 address", 9},
		{"host address equals public", []edit{{"host_address: 10.20.0.2", "host_address: 198.51.100.10"}}, "server.host_address", "the same as public_address", 9},
		{"dynamic dns with an IP", []edit{{"nat: port-forward", "nat: dynamic-dns"}}, "server.public_address", "must use a DNS name", 8},
		{"port-forward without router", []edit{{"  router:\n    wan_interface: wan0\n    lan_interface: lan0\n  admin", "  admin"}}, "server.router", "required with nat port-forward", 7},
		{"router with nat none", []edit{{"nat: port-forward", "nat: none"}, {"host_address: 10.20.0.2", "host_address: 198.51.100.10"}}, "server.router", "nat none", 11},
		{"same router interfaces", []edit{{"    wan_interface: wan0\n    lan_interface: lan0\n  admin", "    wan_interface: eth0\n    lan_interface: eth0\n  admin"}}, "server.router.lan_interface", "the same as wan_interface", 13},
		{"bad interface name", []edit{{"    wan_interface: wan0\n    lan_interface: lan0\n  admin", "    wan_interface: this-name-is-far-too-long\n    lan_interface: lan0\n  admin"}}, "server.router.wan_interface", "not an interface name", 12},
		{"bad allowed CIDR", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0/24\n  allowed_clients: [192.0.2.0/33]"}}, "server.allowed_clients[0]", "not an IPv4 CIDR", 15},
		{"CIDR with host bits", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.1/24"}}, "server.admin_network", "host bits set", 14},
		{"address instead of CIDR", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.7"}}, "server.admin_network", "10.20.0.7/32", 14},
		{"ssh port out of range", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0/24\n  ssh_port: 0\n  passive_start: 2"}}, "server.passive_start", "outside 1024-65535", 0},
		// passive range and capacity
		{"passive start below 1024", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0/24\n  passive_start: 990"}}, "server.passive_start", "990 is outside 1024-65535", 15},
		{"passive range past 65535", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0/24\n  passive_start: 65500"}}, "server.passive_start", "lower passive_start to 65461", 15},
		{"passive range over control port", []edit{{"mode: explicit", "mode: explicit\n  explicit_port: 50010"}}, "server.passive_start", "contains control port 50010", 0},
		{"passive range over ssh", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0/24\n  ssh_port: 50020"}}, "server.passive_start", "contains the SSH port 50020", 0},
		{"zero transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 0"}}, "server.capacity.concurrent_transfers", "must be at least 1", 16},
		{"negative transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: -4"}}, "server.capacity.concurrent_transfers", "must be at least 1", 16},
		{"absurd transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 1000000"}}, "server.capacity.concurrent_transfers", "more than one vsftpd host", 16},
		{"fewer clients than transfers", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    concurrent_clients: 4"}}, "server.capacity.concurrent_clients", "fewer than concurrent_transfers", 17},
		{"per client above clients", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    per_client_limit: 40"}}, "server.capacity.per_client_limit", "more than concurrent_clients", 17},
		{"target not a probability", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: 2"}}, "server.capacity.target_failure_rate", "not a probability", 17},
		// TLS and vsftpd
		{"unknown tls profile", []edit{{"  vsftpd:", "  tls:\n    profile: old\n  vsftpd:"}}, "server.tls.profile", `"old" is not a valid value`, 18},
		{"modern on 3.0.3", []edit{{"  vsftpd:", "  tls:\n    profile: modern\n  vsftpd:"}}, "server.tls.profile", "cannot switch TLS 1.2 off", 18},
		{"modern without TLS 1.3", []edit{{"  vsftpd:", "  tls:\n    profile: modern\n    allow_tls13: false\n  vsftpd:"}, {"flavour: debian-3.0.3", "flavour: rhel"}}, "server.tls.allow_tls13", "profile modern means TLS 1.3 only", 19},
		{"relative cert path", []edit{{"  vsftpd:", "  tls:\n    cert_file: certs/ftp.pem\n  vsftpd:"}}, "server.tls.cert_file", "not an absolute path", 18},
		{"unknown flavour", []edit{{"flavour: debian-3.0.3", "flavour: debian-13"}}, "server.vsftpd.flavour", "use one of: auto, debian-3.0.3, upstream-3.0.5, rhel", 18},
		{"root user", []edit{{"users: [alice]", "users: [root]"}}, "server.vsftpd.users[0]", "root must never log in", 19},
		{"bad user name", []edit{{"users: [alice]", "users: [Alice Smith]"}}, "server.vsftpd.users[0]", "not a valid user name", 19},
		{"duplicate user", []edit{{"users: [alice]", "users: [alice, alice]"}}, "server.vsftpd.users[1]", "listed twice", 19},
		{"relative local root", []edit{{"users: [alice]", "users: [alice]\n    local_root: srv/ftp"}}, "server.vsftpd.local_root", "absolute directory", 20},
		{"upload dir with slash", []edit{{"users: [alice]", "users: [alice]\n    upload_dir: a/b"}}, "server.vsftpd.upload_dir", "one directory name", 20},
		// client
		{"unknown client nat", []edit{{"nat: masquerade", "nat: snat"}}, "client.nat", "use one of: none, masquerade, cgnat", 21},
		{"masquerade without lan", []edit{{"  lan_cidr: 192.168.50.0/24\n", ""}}, "client.lan_cidr", "required with nat masquerade", 20},
		{"client router with cgnat", []edit{{"nat: masquerade", "nat: cgnat"}, {"  lan_cidr: 192.168.50.0/24\n", ""}}, "client.router", "no router of yours", 22},
		{"server address with role both", []edit{{"nat: masquerade", "nat: masquerade\n  server_address: 198.51.100.10"}}, "client.server_address", "role both", 22},
		{"passive ports with role both", []edit{{"nat: masquerade", "nat: masquerade\n  passive_ports: 50000-50074"}}, "client.passive_ports", "role both", 22},
		{"unknown client software", []edit{{"software: [lftp, curl, filezilla]", "software: [lftp, cyberduck]"}}, "client.software[1]", "use one of: lftp, curl, filezilla, winscp, rclone, python", 26},
		{"duplicate client software", []edit{{"software: [lftp, curl, filezilla]", "software: [lftp, lftp]"}}, "client.software[1]", "listed twice", 26},
		{"bad client user", []edit{{"software: [lftp, curl, filezilla]", "software: [lftp]\n  user: bob@example.com"}}, "client.user", "not a valid user name", 27},
		// issue 16 item 1: every string that reaches a file or a command passes its field's rule
		{"newline in cert_file", []edit{{"  vsftpd:", "  tls:\n    cert_file: \"/etc/ssl/certs/x.pem\\nssl_enable=NO\\nanonymous_enable=YES\"\n  vsftpd:"}}, "server.tls.cert_file", "a line break (U+000A)", 18},
		{"CR in key_file", []edit{{"  vsftpd:", "  tls:\n    key_file: \"/etc/ssl/private/x.key\\rssl_enable=NO\"\n  vsftpd:"}}, "server.tls.key_file", "a line break (U+000D)", 18},
		{"U+2028 in key_file", []edit{{"  vsftpd:", "  tls:\n    key_file: \"/etc/ssl/private/x.key\\u2028ssl_enable=NO\"\n  vsftpd:"}}, "server.tls.key_file", "a line break (U+2028)", 18},
		{"NEL in cert_file", []edit{{"  vsftpd:", "  tls:\n    cert_file: \"/etc/ssl/x.pem\\u0085x\"\n  vsftpd:"}}, "server.tls.cert_file", "a line break (U+0085)", 18},
		{"tab in cert_file", []edit{{"  vsftpd:", "  tls:\n    cert_file: \"/etc/ssl/x\\t.pem\"\n  vsftpd:"}}, "server.tls.cert_file", "a tab", 18},
		{"NUL in cert_file", []edit{{"  vsftpd:", "  tls:\n    cert_file: \"/etc/ssl/x\\0.pem\"\n  vsftpd:"}}, "server.tls.cert_file", "a NUL byte", 18},
		{"zero-width char in cert_file", []edit{{"  vsftpd:", "  tls:\n    cert_file: \"/etc/ssl/x\\u200b.pem\"\n  vsftpd:"}}, "server.tls.cert_file", "a control character (U+200B)", 18},
		{"space in cert_file", []edit{{"  vsftpd:", "  tls:\n    cert_file: /etc/ssl/my cert.pem\n  vsftpd:"}}, "server.tls.cert_file", "whitespace", 18},
		{"hash in key_file", []edit{{"  vsftpd:", "  tls:\n    key_file: \"/etc/ssl/x.key#x\"\n  vsftpd:"}}, "server.tls.key_file", "'#', which starts a comment", 18},
		{"command substitution in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: \"/srv/$(touch /tmp/pwned)\""}}, "server.vsftpd.local_root", `'$', which the shell would interpret`, 20},
		{"backtick in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: \"/srv/`id`\""}}, "server.vsftpd.local_root", "'`', which the shell would interpret", 20},
		{"semicolon in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: \"/srv/ftp;reboot\""}}, "server.vsftpd.local_root", "';', which the shell", 20},
		{"quote in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: \"/srv/a'b\""}}, "server.vsftpd.local_root", `'\'', which the shell`, 20},
		{"glob in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: \"/srv/*\""}}, "server.vsftpd.local_root", "'*', which the shell", 20},
		{"tilde in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: \"/srv/~x\""}}, "server.vsftpd.local_root", "'~', which the shell", 20},
		{"percent in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: \"/srv/%u\""}}, "server.vsftpd.local_root", "'%', which sshd expands", 20},
		{"dot-dot in local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: /srv/../etc"}}, "server.vsftpd.local_root", `has a ".." component`, 20},
		{"unclean local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: /srv//ftps/"}}, "server.vsftpd.local_root", "write /srv/ftps", 20},
		{"non-ASCII local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: /srv/fté"}}, "server.vsftpd.local_root", "U+00E9", 20},
		{"overlong local_root", []edit{{"users: [alice]", "users: [alice]\n    local_root: /" + strings.Repeat("a", MaxPathLength)}}, "server.vsftpd.local_root", "more than the 1024", 20},
		{"newline in upload_dir", []edit{{"users: [alice]", "users: [alice]\n    upload_dir: \"up\\nwrite_enable=YES\""}}, "server.vsftpd.upload_dir", "a line break", 20},
		{"option-like upload_dir", []edit{{"users: [alice]", "users: [alice]\n    upload_dir: -rf"}}, "server.vsftpd.upload_dir", "starts with '-'", 20},
		{"dollar in upload_dir", []edit{{"users: [alice]", "users: [alice]\n    upload_dir: \"$HOME\""}}, "server.vsftpd.upload_dir", "'$'", 20},
		{"newline in user", []edit{{"users: [alice]", "users: [\"alice\\nroot\"]"}}, "server.vsftpd.users[0]", "not a valid user name", 19},
		{"upper-case client user", []edit{{"software: [lftp, curl, filezilla]", "software: [lftp]\n  user: Bob.Smith"}}, "client.user", "not a valid user name", 27},
		{"colon in interface", []edit{{"    wan_interface: wan0\n    lan_interface: lan0\n  admin", "    wan_interface: eth0:1\n    lan_interface: lan0\n  admin"}}, "server.router.wan_interface", "not an interface name", 12},
		{"at in interface", []edit{{"    wan_interface: wan0\n    lan_interface: lan0\n  admin", "    wan_interface: wan0\n    lan_interface: veth0@if2\n  admin"}}, "server.router.lan_interface", "not an interface name", 13},
		{"16-byte interface", []edit{{"    wan_interface: wan0\n    lan_interface: lan0\n  admin", "    wan_interface: abcdefghijklmnop\n    lan_interface: lan0\n  admin"}}, "server.router.wan_interface", "at most 15", 12},
		{"dotdot interface", []edit{{"lan_interface: lan0\n  lan_cidr", "lan_interface: ..\n  lan_cidr"}}, "client.router.lan_interface", "not an interface name", 24},
		// item 2: the target failure rate is finite and bounded
		{"NaN target", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: .nan"}}, "server.capacity.target_failure_rate", `".nan" is not a finite number`, 17},
		{"infinite target", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: .inf"}}, "server.capacity.target_failure_rate", `".inf" is not a finite number`, 17},
		{"negative infinite target", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: -.inf"}}, "server.capacity.target_failure_rate", "not a finite number", 17},
		{"tiny target", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: 1e-300"}}, "server.capacity.target_failure_rate", "below 1e-12", 17},
		{"denormal target", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: 5e-324"}}, "server.capacity.target_failure_rate", "below 1e-12", 17},
		{"zero-ish negative target", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: -1e-9"}}, "server.capacity.target_failure_rate", "not a probability", 17},
		{"target of one", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: 1"}}, "server.capacity.target_failure_rate", "not a probability", 17},
		// item 3: integers bounded
		{"huge max_clients", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    concurrent_clients: 2147483648000"}}, "server.capacity.concurrent_clients", "far too large", 17},
		{"too many clients", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    concurrent_clients: 2147483647"}}, "server.capacity.concurrent_clients", "more sessions than one vsftpd host", 17},
		{"too many per client", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    concurrent_clients: 100\n    per_client_limit: 20000"}}, "server.capacity.per_client_limit", "more sessions than one vsftpd host", 18},
		{"huge per client", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 16\n    per_client_limit: 2147483648000"}}, "server.capacity.per_client_limit", "far too large", 17},
		// item 4: control ports, SSH and the passive range never overlap
		{"explicit on the SSH port", []edit{{"mode: explicit", "mode: explicit\n  explicit_port: 22"}}, "ftps.explicit_port", "the same as server.ssh_port", 7},
		{"implicit on the SSH port", []edit{{"mode: explicit", "mode: implicit\n  implicit_port: 2222"}, {"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0/24\n  ssh_port: 2222"}}, "ftps.implicit_port", "the same as server.ssh_port", 7},
		{"SSH moved onto the control port", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0/24\n  ssh_port: 21"}}, "ftps.explicit_port", "the same as server.ssh_port", 5},
		{"passive range too big for any start", []edit{{"mode: explicit", "mode: both"}, {"concurrent_transfers: 16", "concurrent_transfers: 8000"}}, "server.capacity.concurrent_transfers", "lower concurrent_transfers to 6949 or less", 16},
		{"passive range too big at a strict target", []edit{{"concurrent_transfers: 16", "concurrent_transfers: 10000\n    target_failure_rate: 1e-12"}}, "server.capacity.concurrent_transfers", "lower concurrent_transfers to", 16},
		// item 5: contradictions
		{"explicit port with mode implicit", []edit{{"mode: explicit", "mode: implicit\n  explicit_port: 2121"}}, "ftps.explicit_port", "mode implicit serves no explicit FTPS", 7},
		{"implicit port with mode explicit", []edit{{"mode: explicit", "mode: explicit\n  implicit_port: 9990"}}, "ftps.implicit_port", "mode explicit serves no implicit FTPS", 7},
		{"nat none with another host address", []edit{{"nat: port-forward", "nat: none"}, {"  router:\n    wan_interface: wan0\n    lan_interface: lan0\n  admin", "  admin"}}, "server.host_address", "with nat none the host has the public address 198.51.100.10 itself", 9},
		{"unspecified public address", natNone("0.0.0.0"), "server.public_address", "0.0.0.0 is an unspecified address", 8},
		{"this-network public address", natNone("0.1.2.3"), "server.public_address", "unspecified address", 8},
		{"multicast public address", natNone("224.0.0.251"), "server.public_address", "a multicast address", 8},
		{"broadcast public address", natNone("255.255.255.255"), "server.public_address", "broadcast", 8},
		{"link-local public address", natNone("169.254.1.1"), "server.public_address", "link-local", 8},
		{"loopback public address behind NAT", []edit{{"public_address: 198.51.100.10", "public_address: 127.0.0.1"}}, "server.public_address", "private address", 8},
		{"multicast host address", []edit{{"host_address: 10.20.0.2", "host_address: 239.1.1.1"}}, "server.host_address", "a multicast address", 9},
		{"admin network is the public address", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 198.51.100.10/32"}}, "server.admin_network", "the server's own address", 14},
		{"admin network is the host address", []edit{{"admin_network: 10.20.0.0/24", "admin_network: 10.20.0.2/32"}}, "server.admin_network", "the server's own address", 14},
		// issue 11: certificates
		{"unknown cert source", tlsEdit("source: acme"), "server.tls.source", `"acme" is not a valid value`, 0},
		{"letsencrypt for an IP address", tlsEdit("source: letsencrypt"), "server.tls.source", "certbot certifies DNS names", 0},
		{"snakeoil as self-signed", tlsEdit("cert_file: /etc/ssl/certs/ssl-cert-snakeoil.pem\n    key_file: /etc/ssl/private/x.key\n    source: self-signed"), "server.tls.cert_file", "system-wide snakeoil pair", 0},
		{"snakeoil key for own", tlsEdit("cert_file: /etc/ssl/certs/ftp.pem\n    key_file: /etc/ssl/private/ssl-cert-snakeoil.key"), "server.tls.key_file", "system-wide snakeoil pair", 0},
		{"own without a key", tlsEdit("source: own\n    cert_file: /etc/ssl/certs/ftp.pem"), "server.tls.key_file", "is missing", 0},
		{"key type any for self-signed", tlsEdit("key_type: any"), "server.tls.key_type", "only for source own", 0},
		{"unknown key type", tlsEdit("key_type: dsa"), "server.tls.key_type", `"dsa" is not a valid value`, 0},
		{"letsencrypt section with self-signed", tlsEdit("letsencrypt: {challenge: http-01}"), "server.tls.letsencrypt", "source is self-signed", 0},
		{"bad fingerprint", tlsEdit("fingerprint: ab:cd"), "server.tls.fingerprint", "not a SHA-256 fingerprint", 0},
		{"fingerprint for own", tlsEdit("source: own\n    cert_file: /etc/ssl/certs/ftp.pem\n    key_file: /etc/ssl/private/ftp.key\n    fingerprint: " + strings.TrimSuffix(strings.Repeat("AB:", 32), ":")), "server.tls.fingerprint", "only for source self-signed", 0},
		{"self-signed inside certbot's directory", tlsEdit("cert_file: /etc/letsencrypt/x.pem\n    key_file: /etc/ftpswiz/tls/k.pem\n    source: self-signed"), "server.tls.cert_file", "certbot's directory", 0},
		{"unknown challenge", leEdit("challenge: tls-alpn-01"), "server.tls.letsencrypt.challenge", `"tls-alpn-01" is not a valid value`, 0},
		{"bad email", leEdit("email: \"ops@example.com; rm -rf /\""), "server.tls.letsencrypt.email", "not an e-mail address", 0},
		{"plain-http ACME server", leEdit("server: http://acme.example/dir"), "server.tls.letsencrypt.server", "not an https URL", 0},
		{"letsencrypt with a foreign cert path", leEdit("challenge: http-01\n    cert_file: /etc/ssl/certs/ftp.pem"), "server.tls.cert_file", "certbot keeps the current pair in /etc/letsencrypt/live/ftps.example.com/fullchain.pem", 0},
		{"relative certbot dir", leEdit("config_dir: letsencrypt"), "server.tls.letsencrypt.config_dir", "not an absolute path", 0},
		// firewalls
		{"unknown firewall", []edit{{"firewalls: [nftables, iptables]", "firewalls: [nftables, pf]"}}, "firewalls[1]", "use one of: nftables, iptables, ufw, firewalld, aws", 27},
		{"duplicate firewall", []edit{{"firewalls: [nftables, iptables]", "firewalls: [nftables, nftables]"}}, "firewalls[1]", "listed twice", 27},
		// the IPv6 admin network
		{"IPv6 admin network without IPv6", []edit{{"  host_address: 10.20.0.2\n", "  host_address: 10.20.0.2\n  admin_network_ipv6: 2001:db8:20::/64\n"}},
			"server.admin_network_ipv6", "the server is not reached over IPv6", 10},
		{"IPv6 admin network not IPv6", []edit{{"  host_address: 10.20.0.2\n", "  host_address: 10.20.0.2\n  ipv6_address: 2001:db8:20::2\n  admin_network_ipv6: 10.20.0.0/24\n"}},
			"server.admin_network_ipv6", "is not an IPv6 CIDR", 11},
		// a rule format written for IPv4 only, in a plan with IPv6 flows
		{"MikroTik router with IPv6", []edit{{"  router:\n    wan_interface: wan0\n    lan_interface: lan0\n", "  router:\n    kind: mikrotik\n"},
			{"  host_address: 10.20.0.2\n", "  host_address: 10.20.0.2\n  ipv6_address: 2001:db8:20::2\n"}},
			"server.router.kind", "MikroTik RouterOS: ftpswiz writes its file for IPv4 only", 13},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d bad inputs", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := string(base)
			for _, e := range tt.edits {
				if !strings.Contains(doc, e.old) {
					t.Fatalf("test bug: %q not in the base file", e.old)
				}
				doc = strings.Replace(doc, e.old, e.new, 1)
			}
			a, err := DecodeAnswers([]byte(doc))
			if err == nil {
				var plan *Plan
				plan, err = Decide(a)
				if err == nil {
					t.Fatalf("accepted; plan has %d decisions\n%s", len(plan.Decisions), doc)
				}
				err = AnnotateLines([]byte(doc), err)
			}
			msg := err.Error()
			// Changing the role legitimately invalidates several sections.
			if n := len(FieldErrors(err)); n > 1 && !strings.HasPrefix(tt.name, "role ") {
				t.Errorf("one mistake, %d errors:\n%v", n, err)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q\ndoes not contain %q", msg, tt.want)
			}
			if tt.field == "" {
				if FieldErrors(err) != nil {
					t.Errorf("want a decode error, got field errors: %v", err)
				}
				return
			}
			var found *FieldError
			for _, f := range FieldErrors(err) {
				if f.Field == tt.field && strings.Contains(f.Error(), tt.want) {
					found = f
				}
			}
			if found == nil {
				t.Fatalf("no error on field %s containing %q; got:\n%v", tt.field, tt.want, err)
			}
			if found.Fix == "" {
				t.Errorf("%s: no fix given", tt.field)
			}
			if tt.line != 0 && found.Line != tt.line {
				t.Errorf("%s: line %d, want %d", tt.field, found.Line, tt.line)
			}
		})
	}
}

// natNone edits the classic answers to nat none with public address addr
// (and no host address, so that it defaults to addr).
func natNone(addr string) []struct{ old, new string } {
	return []struct{ old, new string }{
		{"nat: port-forward", "nat: none"},
		{"  router:\n    wan_interface: wan0\n    lan_interface: lan0\n  admin", "  admin"},
		{"  host_address: 10.20.0.2\n", ""},
		{"public_address: 198.51.100.10", "public_address: " + addr},
	}
}

func TestValidationErrorListsEveryProblem(t *testing.T) {
	a := Answers{Version: 1, Role: "vendor", FTPS: FTPS{Mode: "tls"}, Firewalls: []Firewall{"pf"}}
	_, err := Decide(a)
	fields := FieldErrors(err)
	got := map[string]bool{}
	for _, f := range fields {
		got[f.Field] = true
	}
	for _, want := range []string{"role", "ftps.mode", "firewalls[0]"} {
		if !got[want] {
			t.Errorf("missing error for %s in %v", want, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "invalid answers (3 problems):") {
		t.Errorf("message = %q", err.Error())
	}
}

// tlsEdit adds a tls section (at line 17) with the given keys.
func tlsEdit(keys string) []struct{ old, new string } {
	return []struct{ old, new string }{{"  vsftpd:\n", "  tls:\n    " + keys + "\n  vsftpd:\n"}}
}

// leEdit moves the server to a DNS name and gives it a letsencrypt section
// with the given keys.
func leEdit(keys string) []struct{ old, new string } {
	return []struct{ old, new string }{
		{"public_address: 198.51.100.10", "public_address: ftps.example.com"},
		{"  vsftpd:\n", "  tls:\n    source: letsencrypt\n    letsencrypt:\n      " + strings.Replace(keys, "\n    cert_file", "\n    cert_file", 1) + "\n  vsftpd:\n"},
	}
}

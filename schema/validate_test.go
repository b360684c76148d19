package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/ftpswiz/ftpswiz/wizard"
)

const scenariosDir = "../testdata/scenarios"

// compiled compiles the committed schema with a real JSON Schema validator
// (draft 2020-12).
func compiled(t *testing.T) *sjs.Schema {
	t.Helper()
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(Answers))
	if err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(URL, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(URL)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// instance decodes YAML into JSON-compatible values, as an editor's YAML
// language server sees them.
func instance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("YAML: %v", err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("to JSON: %v", err)
	}
	inst, err := sjs.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestGoldenAnswersValidate: every answers file of the golden scenarios,
// the inputs and the normalised answers.yaml ftpswiz wrote, validates.
func TestGoldenAnswersValidate(t *testing.T) {
	s := compiled(t)
	var files []string
	for _, g := range []string{"*/answers.yaml", "*/expected/answers.yaml"} {
		m, err := filepath.Glob(filepath.Join(scenariosDir, g))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	t.Logf("%d answers files", len(files))
	if len(files) < 10 {
		t.Fatalf("only %d answers files found under %s: %q", len(files), scenariosDir, files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(instance(t, data)); err != nil {
			t.Errorf("%s does not validate:\n%v", f, err)
		}
	}
}

// leaves returns the instance locations of the innermost causes of a
// validation error, as JSON pointers.
func leaves(err error) []string {
	ve, ok := err.(*sjs.ValidationError)
	if !ok {
		return nil
	}
	var out []string
	var walk func(*sjs.ValidationError)
	walk = func(e *sjs.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, "/"+strings.Join(e.InstanceLocation, "/"))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

// pointer turns ftpswiz's field name ("server.router.wan_interface",
// "firewalls[1]") into a JSON pointer.
func pointer(field string) string {
	r := strings.NewReplacer(".", "/", "[", "/", "]", "")
	return "/" + r.Replace(field)
}

// TestBadAnswersFailAtSameField: a bad answers file fails the schema at the
// same field as ftpswiz's own validation.
func TestBadAnswersFailAtSameField(t *testing.T) {
	s := compiled(t)
	base, err := os.ReadFile(filepath.Join(scenariosDir, "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
		field          string // ftpswiz's field (and the schema's location)
	}{
		{"bad role", "role: both", "role: boss", "role"},
		{"no transfers", "concurrent_transfers: 16", "concurrent_transfers: 0", "server.capacity.concurrent_transfers"},
		{"too many transfers", "concurrent_transfers: 16", "concurrent_transfers: 20000", "server.capacity.concurrent_transfers"},
		{"port out of range", "mode: explicit", "mode: explicit\n  explicit_port: 70000", "ftps.explicit_port"},
		{"bad mode", "mode: explicit", "mode: tls", "ftps.mode"},
		{"unknown firewall", "firewalls: [nftables, iptables]", "firewalls: [nftables, pf]", "firewalls[1]"},
		{"interface name too long", "wan_interface: wan0\n    lan_interface: lan0\n  allowed", "wan_interface: wan0-is-far-too-long\n    lan_interface: lan0\n  allowed", "server.router.wan_interface"},
		{"root user", "users: [acme]", "users: [root]", "server.vsftpd.users[0]"},
		{"bad user name", "users: [acme]", "users: [Acme Corp]", "server.vsftpd.users[0]"},
		{"failure rate not small", "concurrent_transfers: 16", "concurrent_transfers: 16\n    target_failure_rate: 0.7", "server.capacity.target_failure_rate"},
		{"not a cidr", "admin_network: 10.20.0.0/24", "admin_network: 10.20.0.0", "server.admin_network"},
		{"relative cert", "    source: letsencrypt", "    source: letsencrypt\n    cert_file: cert.pem", "server.tls.cert_file"},
		{"passive start low", "capacity:", "passive_start: 80\n  capacity:", "server.passive_start"},
		{"bad flavour", "flavour: debian-3.0.3", "flavour: debian-12", "server.vsftpd.flavour"},
		{"role server with client", "role: both", "role: server", "client"},
		{"role both without server", "role: both", "role: both\nserver_gone:", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(base, []byte(tt.old)) {
				t.Fatalf("classic answers lack %q", tt.old)
			}
			data := bytes.Replace(base, []byte(tt.old), []byte(tt.new), 1)

			// ftpswiz's own verdict.
			var fields []string
			a, err := wizard.DecodeAnswers(data)
			if err == nil {
				_, err = wizard.Decide(a)
				for _, fe := range wizard.FieldErrors(err) {
					fields = append(fields, fe.Field)
				}
			}
			if err == nil {
				t.Fatalf("ftpswiz accepts it")
			}
			verr := s.Validate(instance(t, data))
			if verr == nil {
				t.Fatalf("the schema accepts it; ftpswiz says: %v", err)
			}
			locs := leaves(verr)
			if tt.field == "" { // an unknown key: a decoding error in ftpswiz, additionalProperties in the schema
				if !strings.Contains(err.Error(), "unknown key") || !slices.Contains(locs, "") && !slices.Contains(locs, "/") {
					t.Errorf("ftpswiz: %v; schema at %q", err, locs)
				}
				return
			}
			if !slices.Contains(fields, tt.field) {
				t.Errorf("ftpswiz reports %q, want %s (%v)", fields, tt.field, err)
			}
			if !slices.Contains(locs, pointer(tt.field)) {
				t.Errorf("the schema fails at %q, want %s:\n%v", locs, pointer(tt.field), verr)
			}
		})
	}
}

// TestDefaultSpellingsValidate: a zero number or an empty string means
// "the default" to ftpswiz, like an omitted key; the schema accepts them
// too (enumerated keys excepted: the schema wants a listed value).
func TestDefaultSpellingsValidate(t *testing.T) {
	s := compiled(t)
	base, err := os.ReadFile(filepath.Join(scenariosDir, "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, old, new string }{
		{"explicit_port 0", "mode: explicit", "mode: explicit\n  explicit_port: 0"},
		{"passive_start 0", "capacity:", "passive_start: 0\n  capacity:"},
		{"concurrent_clients 0", "concurrent_transfers: 16", "concurrent_transfers: 16\n    concurrent_clients: 0\n    target_failure_rate: 0"},
		{"empty cert_file", "    source: letsencrypt", "    source: letsencrypt\n    cert_file: \"\""},
		{"empty local_root", "users: [acme]", "users: [acme]\n    local_root: \"\""},
		{"empty client user", "software: [lftp, curl, filezilla]", "software: [lftp, curl, filezilla]\n  user: \"\""},
		{"empty firewalls", "firewalls: [nftables, iptables]", "firewalls: []"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(base, []byte(tt.old)) {
				t.Fatalf("classic answers lack %q", tt.old)
			}
			data := bytes.Replace(base, []byte(tt.old), []byte(tt.new), 1)
			a, err := wizard.DecodeAnswers(data)
			if err == nil {
				_, err = wizard.Decide(a)
			}
			if err != nil {
				t.Fatalf("ftpswiz rejects it: %v", err)
			}
			if err := s.Validate(instance(t, data)); err != nil {
				t.Errorf("the schema rejects what ftpswiz accepts:\n%v", err)
			}
		})
	}
}

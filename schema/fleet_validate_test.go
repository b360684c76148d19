package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ftpswiz/ftpswiz/fleet"
	"github.com/ftpswiz/ftpswiz/wizard"
)

const fleetClassic = "../testdata/fleet/classic/answers.yaml"

// compiledFleet compiles the committed fleet schema with the validator.
func compiledFleet(t *testing.T) *sjs.Schema {
	t.Helper()
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(Fleet))
	if err != nil {
		t.Fatalf("the fleet schema is not JSON: %v", err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(FleetURL, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(FleetURL)
	if err != nil {
		t.Fatalf("the fleet schema does not compile: %v", err)
	}
	return s
}

// TestGoldenFleetValidates: the fleet golden's answers validate.
func TestGoldenFleetValidates(t *testing.T) {
	data, err := os.ReadFile(fleetClassic)
	if err != nil {
		t.Fatal(err)
	}
	if err := compiledFleet(t).Validate(instance(t, data)); err != nil {
		t.Errorf("%s does not validate:\n%v", fleetClassic, err)
	}
}

// decidePrefix is how fleet.Decide names the server or site whose merged
// answers failed: "servers[1] (ftp-b): ...", "client_sites[0] (customer-1),
// for server ftp-a: ...".
var decidePrefix = regexp.MustCompile(`^((?:servers|client_sites)\[[0-9]+\]) \([a-z0-9-]+\)(?:, [^:]*)?: `)

// fleetVerdict is ftpswiz's verdict on a fleet file: the error and the
// fields it names, in the fleet file's terms ("fleet.serial",
// "servers[1].answers.server.host_address").
func fleetVerdict(data []byte) ([]string, error) {
	fa, err := fleet.Decode(data)
	if err != nil {
		return fieldsOf(err, ""), err
	}
	_, err = fleet.Decide(fa)
	if err == nil {
		return nil, nil
	}
	m := decidePrefix.FindStringSubmatch(err.Error())
	if m == nil {
		return nil, err
	}
	return fieldsOf(err, m[1]+".answers."), err
}

// fieldsOf collects the fields of every *wizard.FieldError in err's tree.
func fieldsOf(err error, prefix string) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		var fe *wizard.FieldError
		if errors.As(e, &fe) && fe == e {
			out = append(out, prefix+fe.Field)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// TestBadFleetFailsAtSameField: a bad fleet file fails the schema at the
// field ftpswiz names. A bad value in the defaults is ftpswiz's error in the
// first server's merged answers and the schema's in the defaults (at, where
// it differs); a bad name in a site's server list is ftpswiz's error at the
// list and the schema's at the item.
func TestBadFleetFailsAtSameField(t *testing.T) {
	s := compiledFleet(t)
	base, err := os.ReadFile(fleetClassic)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
		doc            string // the whole file instead of the golden edited
		field          string // ftpswiz's field ("" for a decoding error naming want)
		at             string // the schema's location, when not pointer(field)
		want           string // in ftpswiz's message, for a decoding error
	}{
		{name: "version", old: "version: 1", new: "version: 2", field: "version"},
		{name: "fleet name", old: "name: acme", new: "name: Acme", field: "fleet.name"},
		{name: "serial negative", old: "serial: 1", new: "serial: -1", field: "fleet.serial"},
		{name: "serial too big", old: "serial: 1", new: "serial: 201", field: "fleet.serial"},
		{name: "server name", old: "  - name: ftp-b\n", new: "  - name: FTP_B\n", field: "servers[1].name"},
		{name: "server name traversal", old: "  - name: ftp-a\n", new: "  - name: ../../etc\n", field: "servers[0].name"},
		{name: "router name", old: "    router: office-gw\n    answers:\n      server:\n        host_address: 10.20.0.3",
			new: "    router: ../gw\n    answers:\n      server:\n        host_address: 10.20.0.3", field: "servers[1].router"},
		{name: "ansible_host", old: "  - name: ftp-a\n", new: "  - name: ftp-a\n    ansible_host: 'a b'\n", field: "servers[0].ansible_host"},
		{name: "site ansible_host", old: "  - name: customer-1\n", new: "  - name: customer-1\n    ansible_host: '$(id)'\n", field: "client_sites[0].ansible_host"},
		{name: "site server name", old: "  - name: customer-1\n", new: "  - name: customer-1\n    servers: [ftp-a, FTP-B]\n",
			field: "client_sites[0].servers", at: "/client_sites/0/servers/1"},
		{name: "defaults not a section", doc: "version: 1\ndefaults: [role]\nservers:\n  - name: a\n", field: "defaults"},
		{name: "no servers", doc: "version: 1\nservers: []\n", field: "servers"},
		{name: "no server name", doc: "version: 1\nservers:\n  - router: gw\n", field: "servers[0].name", at: "/servers/0"},
		{name: "too many servers", doc: "version: 1\nservers:\n" + strings.Repeat("  - name: a\n", fleet.MaxServers+1), field: "servers"},
		{name: "server field", old: "host_address: 10.20.0.3", new: "host_address: 10.20.0.300", field: "servers[1].answers.server.host_address"},
		{name: "defaults field", old: "concurrent_transfers: 16", new: "concurrent_transfers: 0",
			field: "servers[0].answers.server.capacity.concurrent_transfers", at: "/defaults/server/capacity/concurrent_transfers"},
		{name: "defaults enum", old: "    mode: explicit", new: "    mode: tls", field: "servers[0].answers.ftps.mode", at: "/defaults/ftps/mode"},
		{name: "site field", old: "software: [lftp, curl]", new: "software: [lftp, ncftp]", field: "client_sites[0].answers.client.software[1]"},
		{name: "unknown answers key", old: "        host_address: 10.20.0.3\n", new: "        host_address: 10.20.0.3\n        hostaddress: x\n",
			field: "servers[1].answers.server.hostaddress", at: "/servers/1/answers/server"},
		{name: "unknown fleet key", old: "  - name: ftp-b\n", new: "  - name: ftp-b\n    nmae: b\n", want: "field nmae not found", at: "/servers/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.doc)
			if tt.doc == "" {
				if !bytes.Contains(base, []byte(tt.old)) {
					t.Fatalf("the fleet golden lacks %q", tt.old)
				}
				data = bytes.Replace(base, []byte(tt.old), []byte(tt.new), 1)
			}
			fields, err := fleetVerdict(data)
			if err == nil {
				t.Fatal("ftpswiz accepts it")
			}
			verr := s.Validate(instance(t, data))
			if verr == nil {
				t.Fatalf("the schema accepts it; ftpswiz says: %v", err)
			}
			at := tt.at
			if tt.field != "" {
				if !slices.Contains(fields, tt.field) {
					t.Errorf("ftpswiz reports %q, want %s (%v)", fields, tt.field, err)
				}
				if at == "" {
					at = pointer(tt.field)
				}
			} else if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ftpswiz: %v, want %q", err, tt.want)
			}
			if at == "" {
				at = "/"
			}
			locs := leaves(verr)
			if !slices.Contains(locs, at) && !(at == "/" && slices.Contains(locs, "")) {
				t.Errorf("the schema fails at %q, want %s:\n%v", locs, at, verr)
			}
		})
	}
}

// TestFleetSpellingsValidate: what ftpswiz accepts in a fleet file the
// schema accepts: sections split between the defaults and a server (every
// key of partial answers optional), omitted or zero settings, a site's
// server list, an IPv6 ansible_host with a zone.
func TestFleetSpellingsValidate(t *testing.T) {
	s := compiledFleet(t)
	base, err := os.ReadFile(fleetClassic)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, old, new string }{
		{"router split", "    router:\n      wan_interface: wan0\n      lan_interface: lan0\n      firewall: {use: dedicated}\n    allowed_clients",
			"    router:\n      wan_interface: wan0\n    allowed_clients"},
		{"role in the servers", "defaults:\n  role: server\n", "defaults:\n"},
		{"no fleet section", "fleet:\n  name: acme\n  serial: 1\n", ""},
		{"serial 0", "serial: 1", "serial: 0"},
		{"empty fleet name", "name: acme", "name: \"\""},
		{"site servers", "  - name: customer-1\n", "  - name: customer-1\n    servers: [ftp-b]\n"},
		{"ansible_host ipv6 zone", "  - name: ftp-a\n", "  - name: ftp-a\n    ansible_host: 'fe80::1%lan0'\n"},
		{"ansible_host name", "  - name: ftp-a\n", "  - name: ftp-a\n    ansible_host: ftp-a.example.net\n"},
		{"no client sites", "client_sites:\n  - name: customer-1\n", "unused_sites:\n  - name: customer-1\n"},
	}
	// The lan_interface moved out of the defaults goes into each server.
	routerSplit := func(d []byte) []byte {
		return bytes.ReplaceAll(d, []byte("      server:\n        host_address:"),
			[]byte("      server:\n        router: {lan_interface: lan0, firewall: {use: dedicated}}\n        host_address:"))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(base, []byte(tt.old)) {
				t.Fatalf("the fleet golden lacks %q", tt.old)
			}
			data := bytes.Replace(base, []byte(tt.old), []byte(tt.new), 1)
			switch tt.name {
			case "router split":
				data = routerSplit(data)
			case "role in the servers":
				data = bytes.ReplaceAll(data, []byte("    answers:\n      server:\n"), []byte("    answers:\n      role: server\n      server:\n"))
			case "no client sites":
				// Drop the sites section: everything from its key on.
				data = data[:bytes.Index(data, []byte("unused_sites:"))]
			}
			if _, err := fleetVerdict(data); err != nil {
				t.Fatalf("ftpswiz rejects it: %v\n%s", err, data)
			}
			if err := s.Validate(instance(t, data)); err != nil {
				t.Errorf("the schema rejects what ftpswiz accepts:\n%v", err)
			}
		})
	}
}

// TestFleetSchemaDerived: the partial answers are the answers schema's
// own definitions, not a copy that could drift: every answers definition
// is in the fleet schema unchanged, and the partial root has the answers
// root's keys and requires none.
func TestFleetSchemaDerived(t *testing.T) {
	var answers, fl struct {
		Defs       map[string]any `json:"$defs"`
		Properties map[string]any `json:"properties"`
		Required   []string       `json:"required"`
	}
	for _, x := range []struct {
		data []byte
		v    any
	}{{Answers, &answers}, {Fleet, &fl}} {
		if err := json.Unmarshal(x.data, x.v); err != nil {
			t.Fatal(err)
		}
	}
	for name, def := range answers.Defs {
		if got := fmt.Sprint(fl.Defs[name]); got != fmt.Sprint(def) {
			t.Errorf("$defs/%s differs between the answers and the fleet schema", name)
		}
	}
	partial, _ := fl.Defs[partialAnswers].(map[string]any)
	props, _ := partial["properties"].(map[string]any)
	if len(props) != len(answers.Properties) || len(props) < 5 {
		t.Errorf("partial answers have %d keys, the answers file %d", len(props), len(answers.Properties))
	}
	for k, v := range answers.Properties {
		if fmt.Sprint(props[k]) != fmt.Sprint(v) {
			t.Errorf("partial answers' %s differs from the answers file's", k)
		}
	}
	if partial["required"] != nil || partial["allOf"] != nil || len(answers.Required) == 0 {
		t.Errorf("partial answers require keys or carry role rules: %v %v", partial["required"], partial["allOf"])
	}
	if !slices.Equal(fl.Required, []string{"version", "servers"}) {
		t.Errorf("the fleet file requires %q", fl.Required)
	}
	if _, err := os.Stat(filepath.Join(moduleRoot, "schema", FleetFileName)); err != nil {
		t.Error(err)
	}
}

// TestReadmeFleetValidates: the README's fleet example is accepted by
// ftpswiz and by the schema.
func TestReadmeFleetValidates(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(moduleRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Fleets")
	_, block, ok2 := strings.Cut(section, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 || !strings.Contains(block, "servers:") {
		t.Fatalf("no yaml example in the README's Fleets section")
	}
	if _, err := fleetVerdict([]byte(block)); err != nil {
		t.Errorf("ftpswiz rejects the README's fleet example: %v", err)
	}
	if err := compiledFleet(t).Validate(instance(t, []byte(block))); err != nil {
		t.Errorf("the README's fleet example does not validate:\n%v", err)
	}
}

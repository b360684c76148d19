package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// The schema is generated here, in a test, from the Go types of package
// wizard and the comments in its source: the binary only embeds the
// result, so it links no reflection library and needs no source.

// moduleRoot is the module's source directory, relative to this package
// (tests run in their package directory).
const moduleRoot = ".."

// modulePath is ftpswiz's module path.
const modulePath = "github.com/ftpswiz/ftpswiz"

// Patterns mirror wizard/validate.go (RE2 and ECMA-262 alike).
const (
	ipv4Octet     = `(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])`
	ipv4Pattern   = `^` + ipv4Octet + `(\.` + ipv4Octet + `){3}$`
	cidrPattern   = `^` + ipv4Octet + `(\.` + ipv4Octet + `){3}/(3[0-2]|[12]?[0-9])$`
	ifnamePattern = `^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$`
	userPattern   = `^[a-z_][a-z0-9_-]{0,31}$`
	absPattern    = `^/`
	// One directory name: no slash, not "." or "..".
	dirNamePattern = `^([^/.][^/]*|\.[^/.][^/]*|\.\.[^/]+)$`
	// first-last (or one port), four or five digits each; the bounds are
	// checked by ftpswiz.
	portRangePattern = `^[0-9]{4,5}(-[0-9]{4,5})?$`
	// ipv6Pattern and cidr6Pattern are the shape of an IPv6 address and
	// prefix; the address itself is checked by ftpswiz.
	ipv6Pattern  = `^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$`
	cidr6Pattern = `^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$`
)

// enums are the answers' enumerated string types and their values.
func enums() map[reflect.Type][]string {
	software := strs(wizard.ClientSoftwares())
	for _, s := range strs(wizard.SFTPClientSoftwares()) {
		if !contains(software, s) {
			software = append(software, s)
		}
	}
	return map[reflect.Type][]string{
		reflect.TypeFor[wizard.Protocol]():         strs(wizard.Protocols()),
		reflect.TypeFor[wizard.Role]():             strs(wizard.Roles()),
		reflect.TypeFor[wizard.Mode]():             strs(wizard.Modes()),
		reflect.TypeFor[wizard.ServerNAT]():        strs(wizard.ServerNATs()),
		reflect.TypeFor[wizard.TLSProfile]():       strs(wizard.TLSProfiles()),
		reflect.TypeFor[wizard.TLSSource]():        strs(wizard.TLSSources()),
		reflect.TypeFor[wizard.KeyType]():          strs(wizard.KeyTypes()),
		reflect.TypeFor[wizard.Challenge]():        strs(wizard.Challenges()),
		reflect.TypeFor[wizard.Flavour]():          strs(wizard.Flavours()),
		reflect.TypeFor[wizard.ClientNAT]():        strs(wizard.ClientNATs()),
		reflect.TypeFor[wizard.ClientSoftware]():   software,
		reflect.TypeFor[wizard.Firewall]():         strs(wizard.Firewalls()),
		reflect.TypeFor[wizard.DNSRecords]():       strs(wizard.AllDNSRecords()),
		reflect.TypeFor[wizard.ContainerEngine]():  strs(wizard.ContainerEngines()),
		reflect.TypeFor[wizard.ContainerNetwork](): strs(wizard.ContainerNetworks()),
	}
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func num(n float64) json.Number { return json.Number(strconv.FormatFloat(n, 'g', -1, 64)) }

// port: 1-65535, or 0 (ftpswiz reads 0 as "the default", like an omitted
// key).
func port(s *jsonschema.Schema) { s.Minimum, s.Maximum = "0", "65535" }

// pattern: the value matches p, or is empty (ftpswiz reads "" as "the
// default", like an omitted key).
func pattern(p string) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) { s.Pattern = "^$|" + p }
}

// strict: the value matches p; "" is an error (no default).
func strict(p string) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) { s.Pattern = p }
}

func items(f func(*jsonschema.Schema)) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		s.UniqueItems = true
		f(s.Items)
	}
}

func unique(s *jsonschema.Schema) { s.UniqueItems = true }

func users(s *jsonschema.Schema) {
	s.UniqueItems = true
	strict(userPattern)(s.Items)
	s.Items.Not = &jsonschema.Schema{Const: "root"}
}

// constraints are the bounds and patterns of each field, by definition
// name and key: what wizard.Validate checks of a single value.
func constraints() map[string]map[string]func(*jsonschema.Schema) {
	return map[string]map[string]func(*jsonschema.Schema){
		"Answers": {
			"version":   func(s *jsonschema.Schema) { s.Const = wizard.SchemaVersion },
			"firewalls": unique,
		},
		"FTPS": {"explicit_port": port, "implicit_port": port},
		"SFTP": {
			"port": port, "group": pattern(userPattern), "users": users,
			"chroot_root": pattern(absPattern), "upload_dir": pattern(dirNamePattern),
		},
		"Server": {
			"host_address":    pattern(ipv4Pattern),
			"allowed_clients": items(strict(cidrPattern + "|" + cidr6Pattern)),
			"admin_network":   pattern(cidrPattern + "|" + cidr6Pattern),
			"ipv6_address":    pattern(ipv6Pattern),
			"ssh_port":        port,
			"public_address": func(s *jsonschema.Schema) {
				s.MinLength, s.MaxLength = ptr(uint64(1)), ptr(uint64(253))
			},
			"passive_start": func(s *jsonschema.Schema) {
				s.AnyOf = []*jsonschema.Schema{{Const: 0}, {Minimum: "1024", Maximum: "65535"}}
			},
		},
		"Router": {"wan_interface": strict(ifnamePattern), "lan_interface": strict(ifnamePattern)},
		"Capacity": {
			"concurrent_transfers": func(s *jsonschema.Schema) { s.Minimum, s.Maximum = "1", num(wizard.MaxTransfers) },
			"concurrent_clients":   func(s *jsonschema.Schema) { s.Minimum, s.Maximum = "0", num(wizard.MaxClients) },
			"per_client_limit":     func(s *jsonschema.Schema) { s.Minimum, s.Maximum = "0", num(wizard.MaxClients) },
			// 0 is the default (1e-6); otherwise from MinTargetFailureRate up to, not including, 0.5.
			"target_failure_rate": func(s *jsonschema.Schema) {
				s.Minimum, s.ExclusiveMaximum = "", ""
				s.AnyOf = []*jsonschema.Schema{{Const: 0}, {
					Minimum:          num(wizard.MinTargetFailureRate),
					ExclusiveMaximum: "0.5",
				}}
			},
		},
		"TLS": {"cert_file": pattern(absPattern), "key_file": pattern(absPattern)},
		"Container": {
			"name": pattern(`^[a-z0-9][a-z0-9_.-]{0,62}$`), "config_dir": pattern(absPattern),
			"base_image": func(s *jsonschema.Schema) { s.MaxLength = ptr(uint64(255)) },
		},
		"Vsftpd": {
			"users": users, "local_root": pattern(absPattern), "upload_dir": pattern(dirNamePattern),
		},
		"Client": {
			"lan_cidr":            pattern(cidrPattern),
			"ipv6_prefix":         pattern(cidr6Pattern),
			"server_ipv6_address": pattern(ipv6Pattern),
			"server_address":      func(s *jsonschema.Schema) { s.MaxLength = ptr(uint64(253)) },
			"passive_ports":       pattern(portRangePattern),
			"software":            unique,
			"user":                pattern(userPattern),
		},
	}
}

func ptr[T any](v T) *T { return &v }

// withDefault sets the default an editor shows, then applies f.
func withDefault(v any, f func(*jsonschema.Schema)) func(*jsonschema.Schema) {
	return func(s *jsonschema.Schema) {
		s.Default = v
		if f != nil {
			f(s)
		}
	}
}

// defaults are the defaults of omitted keys, from the wizard's constants
// (wizard.Normalize fills them in).
func defaults() map[string]map[string]any {
	return map[string]map[string]any{
		"Answers":     {"protocol": string(wizard.ProtocolFTPS), "firewalls": []string{string(wizard.FirewallNftables)}},
		"FTPS":        {"mode": string(wizard.ModeExplicit), "explicit_port": wizard.DefaultExplicitPort, "implicit_port": wizard.DefaultImplicitPort, "active_mode": false},
		"Server":      {"nat": string(wizard.NATNone), "ssh_port": wizard.DefaultSSHPort, "passive_start": wizard.DefaultPassiveStart, "admin_network": wizard.AnyIPv4},
		"Capacity":    {"target_failure_rate": wizard.DefaultTargetFailureRate},
		"TLS":         {"profile": string(wizard.ProfileIntermediate), "require_ssl_reuse": true},
		"LetsEncrypt": {"challenge": string(wizard.ChallengeHTTP01), "config_dir": wizard.DefaultLetsEncryptDir},
		"Vsftpd":      {"flavour": string(wizard.FlavourAuto), "local_root": wizard.DefaultLocalRoot, "upload_dir": wizard.DefaultUploadDir, "write_enable": true},
		"SFTP":        {"upload_dir": wizard.DefaultUploadDir, "password_authentication": false},
		"Client":      {"nat": string(wizard.ClientNATNone)},
	}
}

// roleRules are the sections each role needs or forbids (as
// wizard.Validate checks them, at the same field).
func roleRules() []*jsonschema.Schema {
	rule := func(roles []wizard.Role, required []string, forbidden []string) *jsonschema.Schema {
		var enum []any
		for _, r := range roles {
			enum = append(enum, string(r))
		}
		then := &jsonschema.Schema{Required: required}
		if len(forbidden) > 0 {
			props := jsonschema.NewProperties()
			for _, f := range forbidden {
				props.Set(f, &jsonschema.Schema{Not: &jsonschema.Schema{}})
			}
			then.Properties = props
		}
		ifProps := jsonschema.NewProperties()
		ifProps.Set("role", &jsonschema.Schema{Enum: enum})
		return &jsonschema.Schema{If: &jsonschema.Schema{Properties: ifProps, Required: []string{"role"}}, Then: then}
	}
	return []*jsonschema.Schema{
		rule([]wizard.Role{wizard.RoleServer}, []string{"server"}, []string{"client"}),
		rule([]wizard.Role{wizard.RoleClient}, []string{"client"}, []string{"server"}),
		rule([]wizard.Role{wizard.RoleBoth}, []string{"server", "client"}, nil),
	}
}

// sourcePackages returns the module's packages (relative paths) that
// define the types reachable from t: their comments are the descriptions.
func sourcePackages(t reflect.Type) []string {
	seen := map[reflect.Type]bool{}
	pkgs := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		if rel, ok := strings.CutPrefix(t.PkgPath(), modulePath+"/"); ok {
			pkgs[rel] = true
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(t)
	out := make([]string, 0, len(pkgs))
	for p := range pkgs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Generate returns the JSON Schema of the answers file, generated from
// wizard.Answers: field names from the yaml tags, descriptions from the Go
// comments of the packages defining its types (under root, the module's
// source directory), enums from the wizard's value lists, bounds and
// defaults from its constants.
func Generate(root string) ([]byte, error) {
	s, err := answersSchema(root)
	if err != nil {
		return nil, err
	}
	return encode(s)
}

// answersSchema is Generate's schema before encoding.
func answersSchema(root string) (*jsonschema.Schema, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		BaseSchemaID:               "",
	}
	comments, err := addComments(r, root, reflect.TypeFor[wizard.Answers]())
	if err != nil {
		return nil, err
	}
	en := enums()
	r.Mapper = func(t reflect.Type) *jsonschema.Schema {
		values, ok := en[t]
		if !ok {
			return nil
		}
		s := &jsonschema.Schema{Type: "string", Description: oneLine(comments[t.PkgPath()+"."+t.Name()])}
		for _, v := range values {
			s.Enum = append(s.Enum, v)
		}
		return s
	}
	s := r.Reflect(&wizard.Answers{})
	s.ID = jsonschema.ID(URL)
	s.Title = "ftpswiz answers file"
	s.Description = fmt.Sprintf("The answers ftpswiz plans an FTPS (or SFTP) deployment from, version %d. "+
		"Omitted fields take their defaults. ftpswiz's own validation checks more than this schema.", wizard.SchemaVersion)
	s.Required = []string{"role"}
	s.AllOf = roleRules()
	if err := applyConstraints(s, "Answers", constraints(), defaults()); err != nil {
		return nil, err
	}
	return s, nil
}

// addComments reads the Go comments of the packages defining the types
// reachable from t (under root) and makes them r's descriptions, a field's
// Go name replaced by its yaml key. It returns the comments by type and
// field ("PKG.Type", "PKG.Type.Field").
func addComments(r *jsonschema.Reflector, root string, t reflect.Type) (map[string]string, error) {
	// AddGoComments keys comments by base joined with the directory walked,
	// so base/root/PKG must come out as the module path plus PKG.
	for _, pkg := range sourcePackages(t) {
		dir := filepath.Join(root, filepath.FromSlash(pkg))
		if err := r.AddGoComments(modulePath+"/schema", dir); err != nil {
			return nil, fmt.Errorf("read the comments of %s: %w", dir, err)
		}
	}
	comments := r.CommentMap
	r.CommentMap = nil
	r.LookupComment = func(ft reflect.Type, field string) string {
		key := ft.PkgPath() + "." + ft.Name()
		if field == "" {
			return oneLine(comments[key])
		}
		c := oneLine(comments[key+"."+field])
		// "Transfers is the number ..." reads "concurrent_transfers is ...".
		if f, ok := ft.FieldByName(field); ok {
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && strings.HasPrefix(c, field+" ") {
				c = name + c[len(field):]
			}
		}
		return c
	}
	return comments, nil
}

// applyConstraints sets the defaults and applies the constraints to the
// properties of s (the definition named root) and its definitions.
func applyConstraints(s *jsonschema.Schema, root string, cons map[string]map[string]func(*jsonschema.Schema), defs map[string]map[string]any) error {
	for def, fields := range defs {
		for key, v := range fields {
			if cons[def] == nil {
				cons[def] = map[string]func(*jsonschema.Schema){}
			}
			cons[def][key] = withDefault(v, cons[def][key])
		}
	}
	for def, fields := range cons {
		var target *jsonschema.Schema
		if def == root {
			target = s
		} else {
			target = s.Definitions[def]
		}
		if target == nil || target.Properties == nil {
			return fmt.Errorf("no definition %s in the reflected schema (did a Go type change?)", def)
		}
		for key, apply := range fields {
			p, ok := target.Properties.Get(key)
			if !ok {
				return fmt.Errorf("no field %s.%s in the reflected schema (did a yaml tag change?)", def, key)
			}
			apply(p)
		}
	}
	return nil
}

// encode writes a schema as the committed files spell it.
func encode(s *jsonschema.Schema) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode the schema: %w", err)
	}
	return b.Bytes(), nil
}

// oneLine joins a Go comment's lines.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

package wizard

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestAddressOf(t *testing.T) {
	tests := []struct {
		in   string
		want Family
		ip   bool
	}{
		{"198.51.100.10", FamilyIPv4, true},
		{"2001:db8::1", FamilyIPv6, true},
		{"ftp.example.com", FamilyName, false},
		{"", "", false},
	}
	for _, tt := range tests {
		a := AddressOf(tt.in)
		if a.Family != tt.want || a.IsIP() != tt.ip || a.String() != tt.in {
			t.Errorf("AddressOf(%q) = %+v (IsIP %v), want family %q IsIP %v", tt.in, a, a.IsIP(), tt.want, tt.ip)
		}
	}
}

// TestServiceSameFromEitherEnd: the service a plan describes is the same
// whether it comes from the server end (role server) or from what the
// client end was told (role client): address, endpoints, passive range.
func TestServiceSameFromEitherEnd(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "scenarios", "classic", "answers.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	both, err := Decide(a)
	if err != nil {
		t.Fatal(err)
	}
	sv := both.Service
	if sv.Address != (Address{Value: "ftps.example.com", Family: FamilyName}) || sv.Protocol != ProtocolFTPS ||
		sv.Mode != ModeExplicit || !sv.RequireSSLReuse || sv.Passive != both.Server.Passive ||
		sv.Limits.PerClient == 0 || both.Role != RoleBoth || !slices.Equal(both.Firewalls, both.Answers.Firewalls) {
		t.Fatalf("service of classic: %+v", sv)
	}
	c := a
	c.Role, c.Server = RoleClient, nil
	cl := *a.Client
	cl.ServerAddress, cl.PassivePorts = sv.Address.Value, sv.Passive.String()
	c.Client = &cl
	client, err := Decide(c)
	if err != nil {
		t.Fatal(err)
	}
	got := client.Service
	if got.Address != sv.Address || !slices.Equal(got.Endpoints, sv.Endpoints) || got.Passive != sv.Passive || got.Mode != sv.Mode {
		t.Errorf("service from the client end %+v, from the server end %+v", got, sv)
	}
}

// TestPlanBoxes: the boxes of a plan's network, managed or not: a cloud's
// 1:1 NAT is a box ftpswiz writes no rules for, a port-forwarding Linux
// router one it does.
func TestPlanBoxes(t *testing.T) {
	tests := []struct {
		scenario string
		want     []Box
	}{
		{"cloud-one-to-one", []Box{{SideServerHost, true}, {SideServerRouter, false}}},
		{"classic", []Box{{SideServerHost, true}, {SideServerRouter, true}, {SideClientRouter, true}, {SideClientHost, false}}},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "scenarios", tt.scenario, "answers.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := DecodeAnswers(data)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Decide(a)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Boxes, tt.want) {
			t.Errorf("%s: boxes %+v, want %+v", tt.scenario, p.Boxes, tt.want)
		}
	}
}

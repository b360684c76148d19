package wizard

import (
	"slices"
	"testing"
)

// TestPasvRefreshPlan: a dynamic-DNS plan on the host restarts exactly the
// instances that announce the name (every IPv4 one; an IPv6 listener
// announces no address); a container plan, and NAT with a fixed name, get
// none, and the container plan keeps its warning to restart it by hand.
func TestPasvRefreshPlan(t *testing.T) {
	ddns := func(a *Answers) { a.Server.NAT, a.Server.PublicAddress = NATDynamicDNS, "ftp.example.net" }
	for _, tc := range []struct {
		name  string
		edit  func(a *Answers)
		units []string // nil: no refresh
		warn  bool
	}{
		{"explicit", ddns, []string{"vsftpd.service"}, false},
		{"both modes", func(a *Answers) { ddns(a); a.FTPS.Mode = ModeBoth }, []string{"vsftpd.service", "vsftpd-implicit.service"}, false},
		{"dual stack: the IPv6 listener announces no address", func(a *Answers) {
			ddns(a)
			a.Server.IPv6Address = "2001:db8:20::2"
			a.Client = nil
			a.Role = RoleServer
		}, []string{"vsftpd.service"}, false},
		{"container", func(a *Answers) {
			ddns(a)
			a.Server.Container = &Container{}
			a.Client, a.Role = nil, RoleServer
		}, nil, true},
		{"port-forward with a name", func(a *Answers) { a.Server.PublicAddress = "ftp.example.net" }, nil, false},
		{"port-forward with an address", func(*Answers) {}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := classic(t)
			tc.edit(&a)
			p, err := Decide(a)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			r := p.Server.PasvRefresh
			switch {
			case tc.units == nil && r != nil:
				t.Errorf("refresh %+v, want none", r)
			case tc.units != nil && (r == nil || !slices.Equal(r.Units, tc.units) || r.Name != a.Server.PublicAddress):
				t.Errorf("refresh %+v, want %s for %v", r, a.Server.PublicAddress, tc.units)
			}
			if d, _ := p.Decision("vsftpd.pasv_address"); d.Warning != tc.warn {
				t.Errorf("pasv_address decision warning = %v, want %v: %s", d.Warning, tc.warn, d.Why)
			}
		})
	}
}

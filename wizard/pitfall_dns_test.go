package wizard

import (
	"strings"
	"testing"
)

// TestDNSPitfallOnlyWithAnEgressFilter: "the client cannot resolve NAME
// once the egress filter is on" is a pitfall only where the client side's
// rules are an egress filter: a dedicated client router or host, or a client
// host behind a cloud firewall (its rules end in a deny of other outbound
// traffic). A shared box's rules only add, so its DNS keeps working and the
// pitfall would send the reader after a problem the plan does not have. An
// address instead of a name needs no DNS at all.
func TestDNSPitfallOnlyWithAnEgressFilter(t *testing.T) {
	clientHost := func(a *Answers, use BoxUse, fw ...Firewall) {
		a.Client = &Client{NAT: ClientNATCGNAT, HostFirewall: BoxFirewall{Use: use}, Software: []ClientSoftware{ClientLFTP}}
		a.Firewalls = fw
	}
	for _, tt := range []struct {
		name string
		edit func(a *Answers)
		want bool
	}{
		{"shared client router (the default)", func(a *Answers) {}, false},
		{"dedicated client router: egress lockdown", func(a *Answers) {
			r := *a.Client.Router
			r.Firewall.Use = BoxDedicated
			a.Client.Router = &r
		}, true},
		{"shared client host", func(a *Answers) { clientHost(a, BoxShared, FirewallNftables) }, false},
		{"dedicated client host", func(a *Answers) { clientHost(a, BoxDedicated, FirewallNftables) }, true},
		{"shared client host behind an AWS security group", func(a *Answers) { clientHost(a, BoxShared, FirewallNftables, FirewallAWS) }, true},
		{"dedicated client router, server dialled by address", func(a *Answers) {
			r := *a.Client.Router
			r.Firewall.Use = BoxDedicated
			a.Client.Router = &r
			a.Server.PublicAddress = "198.51.100.10"
		}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := classic(t)
			a.Server.PublicAddress = "ftps.example.com"
			c := *a.Client
			a.Client = &c
			tt.edit(&a)
			p := decide(t, a)
			got := false
			for _, x := range p.Pitfalls {
				got = got || strings.Contains(x.Symptom, "cannot resolve")
			}
			if got != tt.want {
				t.Errorf("DNS pitfall = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBackendsDecisionDefersToBoxUse: the firewall.backends decision once
// told every reader with an existing firewall to "merge the accept rules
// into your own chains", while each shared box's own decision says ftpswiz's
// rules already join its table and only add. It now points at the boxes'
// use and asks for no manual merge.
func TestBackendsDecisionDefersToBoxUse(t *testing.T) {
	p := decide(t, classic(t))
	d, ok := p.Decision("firewall.backends")
	if !ok {
		t.Fatal("no firewall.backends decision")
	}
	if strings.Contains(d.Why, "merge") {
		t.Errorf("asks for a manual merge: %s", d.Why)
	}
	for _, w := range []string{"shared box", "only add", "dedicated"} {
		if !strings.Contains(d.Why, w) {
			t.Errorf("lacks %q: %s", w, d.Why)
		}
	}
}

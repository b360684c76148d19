package wizard

import (
	"reflect"
	"testing"
)

// TestPortMapWordsEveryPurpose: every purpose has its words (a new purpose
// without them would show its raw key in REPORT.md, ports and the review).
func TestPortMapWordsEveryPurpose(t *testing.T) {
	for _, pu := range []Purpose{PurposeControlExplicit, PurposeControlImplicit, PurposePassive, PurposeActive,
		PurposeAdmin, PurposeSFTP, PurposeACME} {
		if pu.Carries() == string(pu) || pu.Short() == "" {
			t.Errorf("%s: Carries %q, Short %q", pu, pu.Carries(), pu.Short())
		}
	}
	if got := Purpose("new-thing").Carries(); got != "new-thing" {
		t.Errorf("control: an unknown purpose is %q", got)
	}
}

func TestPortMapRows(t *testing.T) {
	p := &Plan{Flows: []Flow{
		{Side: SideServerRouter, Direction: Forward, Purpose: PurposePassive, Ports: PortRange{First: 50000, Last: 50074},
			From: []string{AnyIPv4}, DNATTo: "10.20.0.2", Family: FamilyIPv4, Why: "w", Warning: true},
		{Side: SideServerHost, Direction: Outbound, Purpose: PurposeActive, Ports: PortRange{First: 1024, Last: 65535},
			SourcePorts: PortRange{First: 20, Last: 20}, Family: FamilyIPv6},
	}}
	rows := p.PortMap()
	want := []PortMapRow{
		{Side: "Server's NAT router", Direction: "forward", Protocol: "TCP (IPv4)", Ports: "50000-50074", Carries: "data, passive mode",
			CarriesShort: "data", From: "anywhere (0.0.0.0/0)", To: "the router's WAN address, forwarded to 10.20.0.2", Why: "w", Warning: true,
			PortsShort: "50000-50074", FromShort: "anywhere", ToShort: "→ 10.20.0.2"},
		{Side: "Server host", Direction: "outbound", Protocol: "TCP (IPv6)", Ports: "1024-65535 (from source port 20)",
			Carries: "data, active mode", CarriesShort: "active", From: "this box", To: "any address",
			PortsShort: "1024-65535 (src 20)", FromShort: "this box", ToShort: "any"},
	}
	for i := range want {
		want[i].Flow = p.Flows[i]
		if !reflect.DeepEqual(rows[i], want[i]) {
			t.Errorf("row %d:\ngot  %+v\nwant %+v", i, rows[i], want[i])
		}
	}
}

// TestPortMapShortFormsAgree: the review's narrow table (the short forms)
// says "this box" where REPORT.md and ftpswiz ports (the long forms) do: an
// outbound flow's source is the box itself, not "anywhere", and an inbound
// host flow's destination is the box, not "any".
func TestPortMapShortFormsAgree(t *testing.T) {
	for _, a := range []Answers{classic(t), func() Answers {
		a := classic(t)
		a.Client = &Client{NAT: ClientNATCGNAT}
		return a
	}()} {
		n := 0
		for _, r := range decide(t, a).PortMap() {
			if (r.From == "this box") != (r.FromShort == "this box") {
				t.Errorf("%s %s: From %q, short %q", r.Side, r.Ports, r.From, r.FromShort)
			}
			if (r.To == "this box") != (r.ToShort == "this box") {
				t.Errorf("%s %s: To %q, short %q", r.Side, r.Ports, r.To, r.ToShort)
			}
			if r.From == "this box" || r.To == "this box" {
				n++
			}
		}
		if n == 0 {
			t.Error("no row of the box itself: the test proves nothing")
		}
	}
}

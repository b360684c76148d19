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
			PortsShort: "1024-65535 (src 20)", FromShort: "anywhere", ToShort: "any"},
	}
	for i := range want {
		want[i].Flow = p.Flows[i]
		if !reflect.DeepEqual(rows[i], want[i]) {
			t.Errorf("row %d:\ngot  %+v\nwant %+v", i, rows[i], want[i])
		}
	}
}

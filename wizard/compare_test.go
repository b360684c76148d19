package wizard

import (
	"strings"
	"testing"
)

func TestComparisonRows(t *testing.T) {
	rows := Comparison()
	// The aspects issue 6 asks for, in this order.
	want := []string{"family", "ports", "nat", "helper", "implicit", "clients", "auth", "chroot", "audit", "failures"}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		if r.Key != want[i] {
			t.Errorf("row %d is %q, want %q", i, r.Key, want[i])
		}
		if r.Aspect == "" || r.FTPS == "" || r.SFTP == "" {
			t.Errorf("row %q has an empty cell: %+v", r.Key, r)
		}
		for _, cell := range []string{r.Aspect, r.FTPS, r.SFTP} {
			if strings.ContainsAny(cell, "\n\t*`") {
				t.Errorf("row %q: cells are plain one-paragraph text: %q", r.Key, cell)
			}
			// A cell must stay readable in a third of an 80-column table.
			if n := len(strings.Fields(cell)); n > 50 {
				t.Errorf("row %q: %d words in a cell is too long for the table", r.Key, n)
			}
		}
	}
	rows[0].FTPS = "changed"
	if Comparison()[0].FTPS == "changed" {
		t.Error("Comparison must return a fresh slice")
	}
	// Facts the rows must state (they are what people get wrong).
	facts := map[string][]string{
		"ports":    {"21", "990", "passive range", "22"},
		"helper":   {"encrypts"},
		"auth":     {"X.509", "SSH keys", "host key"},
		"chroot":   {"ChrootDirectory", "internal-sftp", "root"},
		"implicit": {"AUTH TLS", "990"},
	}
	for _, r := range rows {
		for _, f := range facts[r.Key] {
			if !strings.Contains(r.FTPS+" "+r.SFTP, f) {
				t.Errorf("row %q does not mention %q", r.Key, f)
			}
		}
	}
}

func TestRecommend(t *testing.T) {
	natBoth := Answers{
		Server: &Server{NAT: NATPortForward},
		Client: &Client{NAT: ClientNATMasquerade, Software: []ClientSoftware{ClientLFTP}},
	}
	tests := []struct {
		name    string
		a       Answers
		o       RecommendOptions
		want    Protocol
		reasons []string // substrings, each in some reason
		caveats []string // substrings, each in some caveat
	}{
		{name: "no answers yet", a: Answers{}, want: ProtocolSFTP,
			reasons: []string{"one port"}, caveats: []string{"speaks only FTP or FTPS"}},
		{name: "both behind NAT with egress filters", a: natBoth, want: ProtocolSFTP,
			reasons: []string{"Both ends are behind NAT", "forwarded with unchanged numbers", "filters outgoing"}},
		{name: "partner mandates FTPS", a: natBoth, o: RecommendOptions{PartnerRequiresFTPS: true}, want: ProtocolFTPS,
			reasons: []string{"accepts only FTP or FTPS"},
			caveats: []string{"pasv_address", "unchanged port numbers", "Both ends are behind NAT"}},
		{name: "client certificates", a: Answers{}, o: RecommendOptions{ClientCertificates: true}, want: ProtocolFTPS,
			reasons: []string{"X.509"}},
		{name: "dynamic DNS server", a: Answers{Server: &Server{NAT: NATDynamicDNS}}, want: ProtocolSFTP,
			reasons: []string{"restarted after every change"}},
		{name: "CGNAT client", a: Answers{Client: &Client{NAT: ClientNATCGNAT}}, want: ProtocolSFTP,
			reasons: []string{"425 Security: Bad IP connecting"}},
		{name: "high concurrency", a: Answers{Server: &Server{NAT: NATNone, Capacity: Capacity{Transfers: 300}}}, want: ProtocolSFTP,
			reasons: []string{"300 transfers"}},
		{name: "implicit legacy partner on a public host", a: Answers{FTPS: FTPS{Mode: ModeImplicit, ActiveMode: true},
			Server: &Server{NAT: NATNone}}, want: ProtocolFTPS,
			reasons: []string{"implicit FTPS", "active mode"}, caveats: []string{"one port in one direction"}},
		{name: "python client alone does not outweigh SFTP", a: Answers{Client: &Client{NAT: ClientNATNone,
			Software: []ClientSoftware{ClientPython}}}, want: ProtocolSFTP,
			reasons: []string{"filters outgoing"}, caveats: []string{"paramiko"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Recommend(tt.a, tt.o)
			if r.Protocol != tt.want {
				t.Fatalf("recommends %s, want %s; reasons %q", r.Protocol, tt.want, r.Reasons)
			}
			if len(r.Reasons) == 0 {
				t.Fatal("a recommendation without reasons")
			}
			check := func(kind string, list, subs []string) {
				t.Helper()
				for _, s := range subs {
					found := false
					for _, l := range list {
						found = found || strings.Contains(l, s)
					}
					if !found {
						t.Errorf("no %s mentions %q: %q", kind, s, list)
					}
				}
			}
			check("reason", r.Reasons, tt.reasons)
			check("caveat", r.Caveats, tt.caveats)
		})
	}
}

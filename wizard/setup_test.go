package wizard

import (
	"strings"
	"testing"
)

// The wizard's shortcuts: worded for both protocols, found by key, each
// set-up filling two valid NAT types (something else none).
func TestShortcutQuestions(t *testing.T) {
	for _, p := range Protocols() {
		for _, q := range shortcutQuestions(p) {
			t.Run(string(p)+"/"+q.Key, func(t *testing.T) {
				checkTexts(t, q)
				if got, ok := QuestionFor(p, q.Key); !ok || got.Title != q.Title {
					t.Errorf("QuestionFor(%s, %s) = %q, %v", p, q.Key, got.Title, ok)
				}
				if p == ProtocolSFTP && strings.Contains(q.Description+q.Effect, "vsftpd") {
					t.Errorf("SFTP wording names vsftpd: %s", q.Description)
				}
			})
		}
	}
	q, ok := QuestionByKey(QSetup)
	if !ok {
		t.Fatal("no set-up question")
	}
	v := &validator{}
	for _, c := range q.Choices {
		sn, cn, ok := SetupNATs(c.Value)
		if ok != (c.Value != SetupOther) {
			t.Errorf("%s: SetupNATs ok %v", c.Value, ok)
		}
		if !ok {
			continue
		}
		v.enum("server.nat", string(sn), strs(ServerNATs()))
		v.enum("client.nat", string(cn), strs(ClientNATs()))
		if got := SetupOf(sn, cn); got != c.Value {
			t.Errorf("SetupOf(%s, %s) = %s, want %s", sn, cn, got, c.Value)
		}
	}
	if len(v.errs) > 0 {
		t.Errorf("set-ups fill invalid NAT types: %v", v.errs)
	}
	if got := SetupOf(NATDynamicDNS, ClientNATCGNAT); got != SetupOther {
		t.Errorf("SetupOf(dynamic-dns, cgnat) = %s", got)
	}
}

func TestSplitRouterAnswer(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		out  RouterAnswer
		err  string
	}{
		{"wan0 lan0", 2, RouterAnswer{WAN: "wan0", LAN: "lan0"}, ""},
		{"  eth0,eth1 ", 2, RouterAnswer{WAN: "eth0", LAN: "eth1"}, ""},
		{"wan0 lan0 192.168.50.0/24", 3, RouterAnswer{WAN: "wan0", LAN: "lan0", Network: "192.168.50.0/24"}, ""},
		{"", 2, RouterAnswer{}, "0 of 2 values given; type the WAN interface and the LAN interface, separated by spaces, e.g. eth0 eth1"},
		{"wan0 lan0", 3, RouterAnswer{}, "2 of 3 values given; type the WAN interface, the LAN interface and the LAN network (CIDR)"},
		{"a b c", 2, RouterAnswer{}, "3 of 2 values given"},
	} {
		got, err := SplitRouterAnswer(tt.in, tt.want)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
		case got != tt.out:
			t.Errorf("%q: %+v, want %+v", tt.in, got, tt.out)
		}
	}
}

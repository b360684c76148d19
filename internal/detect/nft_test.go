package detect

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"testing"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/lab"
)

// customNftConf is a hand-written ruleset: a set with braces inside, a
// regular chain, a one-line chain, comments, and a second table.
const customNftConf = `table inet fw { # the office firewall
	set admins { type ipv4_addr; elements = { 192.0.2.7, 192.0.2.8 } }
	chain in_filter {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
		jump ssh_rules # regular chain
	}
	chain ssh_rules { tcp dport 22 ip saddr @admins accept; }
	chain fwd_filter { type filter hook forward priority 0; policy drop; }
}
table ip nat {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
	}
}
`

func TestParseNftConf(t *testing.T) {
	tests := []struct {
		name string
		conf string
		want []NftChain
	}{
		{"Debian's default", lab.DebianNftables, []NftChain{
			{Family: "inet", Table: "filter", Name: "input", Hook: "input", Source: "f"},
			{Family: "inet", Table: "filter", Name: "forward", Hook: "forward", Source: "f"},
			{Family: "inet", Table: "filter", Name: "output", Hook: "output", Source: "f"},
		}},
		{"custom", customNftConf, []NftChain{
			{Family: "inet", Table: "fw", Name: "in_filter", Hook: "input", Policy: "drop", Source: "f"},
			{Family: "inet", Table: "fw", Name: "fwd_filter", Hook: "forward", Policy: "drop", Source: "f"},
			{Family: "ip", Table: "nat", Name: "prerouting", Hook: "prerouting", Policy: "accept", Source: "f"},
		}},
		{"empty", "flush ruleset\n", nil},
		{"unbalanced", "table inet t {\n chain c {\n type filter hook input priority 0;\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseNftConf([]byte(tt.conf), "f"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestNftChainsFallsBackToTheConfiguration(t *testing.T) {
	conf := func(string) ([]byte, error) { return []byte(lab.DebianNftables), nil }
	denied := func(context.Context) ([]byte, error) { return nil, errors.New("Operation not permitted") }
	found := func(string) (string, error) { return "/usr/sbin/nft", nil }
	tests := []struct {
		name     string
		s        System
		liveRead bool
		chains   int // of Chains()
		conf     int
	}{
		{"not root", System{LookPath: found, RunNft: denied, ReadFile: conf}, false, 3, 3},
		{"root, empty live ruleset", System{LookPath: found, ReadFile: conf,
			RunNft: func(context.Context) ([]byte, error) { return []byte(`{"nftables": [{"metainfo": {}}]}`), nil }}, true, 0, 3},
		{"no nft, no file", System{LookPath: func(string) (string, error) { return "", fs.ErrNotExist },
			ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist }}, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.s.NftChains(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if r.LiveRead != tt.liveRead || len(r.Chains()) != tt.chains || len(r.Conf) != tt.conf {
				t.Errorf("got %+v", r)
			}
		})
	}
	if _, err := (System{LookPath: found, RunNft: denied, ReadFile: func(string) ([]byte, error) {
		return nil, errors.New("I/O error")
	}}).NftChains(context.Background()); err == nil {
		t.Error("a read error of the configuration is not reported")
	}
}

// TestNftChainsLive loads rulesets into a namespace of the test's own with
// the real nft and reads them back through `nft -j list chains` run there.
func TestNftChainsLive(t *testing.T) {
	if testing.Short() {
		t.Skip("network namespaces; skipped with -short")
	}
	lab.Require(t, "nft", "ip")
	for name, conf := range map[string]string{"debian": lab.DebianNftables, "custom": customNftConf} {
		t.Run(name, func(t *testing.T) { nftChainsLive(t, conf) })
	}
}

func nftChainsLive(t *testing.T, conf string) {
	{
		ns := lab.NewNamespace(t)
		ns.MustNFT(conf)
		s := System{
			RunNft: func(ctx context.Context) ([]byte, error) {
				ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				return ns.Command(ctx, "nft", "-j", "list", "chains").Output()
			},
			ReadFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
		}
		r, err := s.NftChains(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := ParseNftConf([]byte(conf), "nft list chains")
		for i := range want {
			if want[i].Policy == "" {
				want[i].Policy = "accept" // what nft lists for a base chain without one
			}
		}
		if !r.LiveRead || !reflect.DeepEqual(r.Live, want) {
			t.Errorf("live chains\ngot  %+v\nwant %+v", r.Live, want)
		}
	}
}

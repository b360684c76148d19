package detect

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"
	"time"

	"github.com/ftpswiz/ftpswiz/internal/safefile"
)

// NftChain is one base chain of the machine's nftables ruleset: a chain
// attached to a hook, which is where ftpswiz's shared rules are jumped to
// from.
type NftChain struct {
	Family string // ip, ip6, inet, ...
	Table  string
	Name   string
	Hook   string // input, forward, output, prerouting, postrouting
	Policy string // accept or drop ("" when not given)
	// Source says where it was read: "nft list chains" (the live ruleset)
	// or the configuration file's path.
	Source string
}

// TableName is the chain's table as ftpswiz's answers spell it: "family
// name" ("inet filter").
func (c NftChain) TableName() string { return c.Family + " " + c.Table }

// NftConfPath is where Debian, Ubuntu and RHEL keep the ruleset that
// nftables.service loads.
const NftConfPath = "/etc/nftables.conf"

// nftTimeout bounds `nft list chains`: it asks the kernel over netlink and
// answers in milliseconds; a hung one must not hold the command up.
const nftTimeout = 3 * time.Second

// nftConfLimit is the most of the configuration file that is read.
const nftConfLimit = 1 << 20

// NftRuleset is what the machine's nftables has, as far as ftpswiz can
// read it without changing anything.
type NftRuleset struct {
	// LiveRead says the live ruleset was read (`nft -j list chains` needs
	// root); Live holds its base chains.
	LiveRead bool
	Live     []NftChain
	// Conf holds the base chains /etc/nftables.conf declares (what
	// nftables.service loads at boot), nil when it cannot be read.
	Conf []NftChain
}

// Find returns the base chain NAME of table "family name", if the live
// ruleset (when read, else the configuration) has it.
func (r NftRuleset) Find(table, name string) (NftChain, bool) {
	for _, c := range r.Chains() {
		if c.TableName() == table && c.Name == name {
			return c, true
		}
	}
	return NftChain{}, false
}

// Chains is the live ruleset's base chains when it was read, else the
// configuration's.
func (r NftRuleset) Chains() []NftChain {
	if r.LiveRead {
		return r.Live
	}
	return r.Conf
}

// NftChains reads the machine's nftables base chains: the live ruleset
// when it can be read (`nft -j list chains`, bounded by a timeout) and the
// ones declared in /etc/nftables.conf. What cannot be read is left empty.
func (s System) NftChains(ctx context.Context) (NftRuleset, error) {
	var r NftRuleset
	if path, err := s.lookPath("nft"); err == nil {
		run := s.RunNft
		if run == nil {
			run = func(ctx context.Context) ([]byte, error) {
				ctx, cancel := context.WithTimeout(ctx, nftTimeout)
				defer cancel()
				return exec.CommandContext(ctx, path, "-j", "list", "chains").Output()
			}
		}
		if out, err := run(ctx); err == nil {
			if chains, err := ParseNftJSON(out); err == nil {
				r.LiveRead, r.Live = true, chains
			}
		}
	}
	read := s.ReadFile
	if read == nil {
		read = readLimited
	}
	data, err := read(NftConfPath)
	switch {
	case err == nil:
		r.Conf = ParseNftConf(data, NftConfPath)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
	default:
		return r, fmt.Errorf("read %s: %w", NftConfPath, err)
	}
	return r, nil
}

func readLimited(name string) ([]byte, error) {
	data, _, err := safefile.ReadLimited(name, nftConfLimit)
	return data, err
}

// ParseNftJSON reads the base chains from `nft -j list chains` output.
// Regular chains (no hook) are left out.
func ParseNftJSON(data []byte) ([]NftChain, error) {
	var doc struct {
		Nftables []struct {
			Chain *struct {
				Family string `json:"family"`
				Table  string `json:"table"`
				Name   string `json:"name"`
				Hook   string `json:"hook"`
				Policy string `json:"policy"`
			} `json:"chain"`
		} `json:"nftables"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("nft -j list chains: %w", err)
	}
	var out []NftChain
	for _, e := range doc.Nftables {
		if c := e.Chain; c != nil && c.Hook != "" {
			out = append(out, NftChain{Family: c.Family, Table: c.Table, Name: c.Name, Hook: c.Hook,
				Policy: c.Policy, Source: "nft list chains"})
		}
	}
	return out, nil
}

// ParseNftConf finds the base chains declared in an nftables
// configuration file in the usual layout ("table FAMILY NAME {", "chain
// NAME {", "type filter hook HOOK priority P; policy POLICY;"). It reads
// what is declared, not what a ruleset with includes or defines would load:
// good enough to suggest the table and chain to join, which the user
// confirms.
func ParseNftConf(data []byte, source string) []NftChain {
	var out []NftChain
	var family, table string
	var cur *NftChain
	depth := 0
	var stmt []string
	// end closes a statement: the words since the last ';', '{', '}' or
	// line end; open says a '{' ended it (a block begins).
	end := func(open bool) {
		f := stmt
		stmt = stmt[:0]
		switch {
		case open && len(f) >= 3 && f[0] == "table" && depth == 0:
			family, table = f[1], f[2]
		case open && len(f) >= 2 && f[0] == "chain" && depth == 1 && table != "":
			cur = &NftChain{Family: family, Table: table, Name: f[1], Source: source}
		case len(f) >= 4 && f[0] == "type" && f[2] == "hook" && cur != nil && depth == 2:
			cur.Hook = f[3]
		case len(f) >= 2 && f[0] == "policy" && cur != nil && depth == 2:
			cur.Policy = f[1]
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 64*1024)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		word := strings.Builder{}
		flush := func() {
			if word.Len() > 0 {
				stmt = append(stmt, word.String())
				word.Reset()
			}
		}
		for _, r := range line {
			switch r {
			case ' ', '\t':
				flush()
			case ';':
				flush()
				end(false)
			case '{':
				flush()
				end(true)
				depth++
			case '}':
				flush()
				end(false)
				depth--
				if depth == 1 && cur != nil {
					if cur.Hook != "" {
						out = append(out, *cur)
					}
					cur = nil
				}
				if depth <= 0 {
					depth, table = 0, ""
				}
			default:
				word.WriteRune(r)
			}
		}
		flush()
		end(false)
	}
	return out
}

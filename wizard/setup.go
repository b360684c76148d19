package wizard

import (
	"fmt"
	"strings"
)

// The wizard's shortcuts (issue 14): questions that are not one
// answers-file field each but fill several at once, so the common case
// takes few answers. Every value they fill is still a field of its own in
// the answers file, checked by Validate under its own name.

// Keys of the shortcut questions. QSetup is not an answers-file field (the
// answers file records the NAT types it fills); QServerRouter and
// QClientRouter are the router sections whose fields they fill.
const (
	QSetup        = "setup"
	QServerRouter = "server.router"
	QClientRouter = "client.router"
)

// Set-ups the set-up question offers for role both: each fills server.nat
// and client.nat at once; SetupOther asks them one by one.
const (
	SetupClassic = "classic"
	SetupCloud   = "cloud"
	SetupDirect  = "direct"
	SetupOther   = "other"
)

// SetupNATs returns the NAT types a set-up fills; false for SetupOther (and
// anything unknown), whose NAT types are asked one by one.
func SetupNATs(setup string) (ServerNAT, ClientNAT, bool) {
	switch setup {
	case SetupClassic:
		return NATPortForward, ClientNATMasquerade, true
	case SetupCloud:
		return NATOneToOne, ClientNATMasquerade, true
	case SetupDirect:
		return NATNone, ClientNATNone, true
	}
	return "", "", false
}

// SetupOf returns the set-up whose NAT types these are (SetupOther when no
// set-up has them).
func SetupOf(s ServerNAT, c ClientNAT) string {
	for _, v := range []string{SetupClassic, SetupCloud, SetupDirect} {
		if sn, cn, _ := SetupNATs(v); sn == s && cn == c {
			return v
		}
	}
	return SetupOther
}

// setupQuestion asks both NAT types at once (role both).
func setupQuestion(p Protocol) Question {
	server := "vsftpd"
	ports := "the control port and the whole passive range"
	if p == ProtocolSFTP {
		server, ports = "sshd", "the SFTP port"
	}
	return Question{
		Key: QSetup, Kind: KindChoice,
		Title:       "How do the two sides reach the internet?",
		Description: "Each side's NAT decides which rules it needs: a router that forwards ports to the server, a router that masquerades the clients' network. Pick the set-up of both sides at once; \"something else\" asks each side on its own.",
		Choices: []Choice{
			{
				Value: SetupClassic, Label: "Each side behind its own Linux router (classic)",
				Picture: "LAN─▶masq═net═DNAT─▶" + server,
				What:    "The server's router forwards ports to the " + server + " host on its LAN; the customer's router masquerades the clients' LAN.",
				Effect:  "server.nat port-forward and client.nat masquerade: rules forwarding " + ports + " on the server's router, egress rules on the customer's router.",
			},
			{
				Value: SetupCloud, Label: "Server in a cloud (public IP), client behind a Linux router",
				Picture: "LAN─▶masq═net═1:1─▶VM",
				What:    "The server is a cloud VM reached through its public (elastic) address; the customer's router masquerades the clients' LAN.",
				Effect:  "server.nat one-to-one and client.nat masquerade: rules on the server host (or its security group) and on the customer's router.",
			},
			{
				Value: SetupDirect, Label: "Both hosts have public addresses",
				Picture: "client (fw) ═net═▶ " + server + " (fw)",
				What:    "No NAT on either side: each host has its own public address and firewall.",
				Effect:  "server.nat none and client.nat none: rules for the two hosts' own firewalls.",
			},
			{
				Value: SetupOther, Label: "Something else (ask each side)",
				What:   "Dynamic DNS, carrier-grade NAT or another combination.",
				Effect: "Asks how the server is reached and how the client network reaches the internet, one question each.",
			},
		},
	}
}

// routerQuestions are the one-answer questions for a router's interfaces
// (and, for the client's router, the network it masquerades).
func routerQuestions(p Protocol) []Question {
	what := "the FTPS ports (the control port and the passive range)"
	server := "vsftpd"
	if p == ProtocolSFTP {
		what, server = "the SFTP port", "SFTP server"
	}
	return []Question{
		{
			Key: QServerRouter, Kind: KindText,
			Title:       "The server's router: WAN and LAN interface",
			Description: "On the router that forwards the ports: the interface with the public address, then the one on the " + server + " host's network, separated by a space (ip -br link on the router lists them).",
			Example:     "eth0 eth1",
			Effect:      "The router rules forward " + what + " arriving on the WAN interface out of the LAN interface to the " + server + " host.",
		},
		{
			Key: QClientRouter, Kind: KindText,
			Title:       "The client's router: WAN and LAN interface, LAN network",
			Description: "On the masquerading router: the interface with the public address, the one on the clients' network, and that network in CIDR form, separated by spaces (ip -br addr on the router lists all three).",
			Example:     "eth0 eth1 192.168.1.0/24",
			Effect:      "The egress rules let the LAN network out of the WAN interface to " + what + " of the server, replies back, nothing inbound.",
		},
	}
}

// shortcutQuestions are the set-up and router questions worded for p.
// For FTPS they include whether vsftpd runs in a container.
func shortcutQuestions(p Protocol) []Question {
	out := append([]Question{setupQuestion(p)}, routerQuestions(p)...)
	if p != ProtocolSFTP {
		out = append(out, containerQuestion())
	}
	return out
}

// RouterAnswer is one router's interfaces (and LAN network) as the router
// question's answer holds them: the words of the answer, in order.
type RouterAnswer struct {
	WAN, LAN, Network string
}

// SplitRouterAnswer reads a router question's answer: want words (2 for
// the server's router, 3 for the client's), separated by spaces or commas.
// The error names what is missing or extra; each word is then checked by
// Validate under its own field.
func SplitRouterAnswer(s string, want int) (RouterAnswer, error) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
	names := []string{"the WAN interface", "the LAN interface", "the LAN network (CIDR)"}[:want]
	example := "eth0 eth1"
	if want == 3 {
		example = "eth0 eth1 192.168.1.0/24"
	}
	if len(f) != want {
		return RouterAnswer{}, fmt.Errorf("%d of %d values given; type %s, separated by spaces, e.g. %s",
			len(f), want, joinAnd(names), example)
	}
	r := RouterAnswer{WAN: f[0], LAN: f[1]}
	if want == 3 {
		r.Network = f[2]
	}
	return r, nil
}

func joinAnd(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

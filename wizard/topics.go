package wizard

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/explain"
)

// explainVars fills the catalogue's placeholders with the planner's facts.
func explainVars() explain.Vars {
	return explain.Vars{"bind_attempts": strconv.Itoa(BindAttempts)}
}

// Topic is a concept `ftpswiz explain` teaches, independent of any answers.
type Topic struct {
	Key   string
	Title string
	Text  string
	// Protocols are the protocols whose plans the topic applies to
	// (AppliesTo).
	Protocols []Protocol
}

// ftpsTopic is the Protocols of a topic about FTP or vsftpd.
var ftpsTopic = []Protocol{ProtocolFTPS}

// AppliesTo reports whether the topic speaks of plans of the protocol: a
// plan's `ftpswiz explain --answers FILE` lists only those.
func (t Topic) AppliesTo(p Protocol) bool {
	return slices.Contains(t.Protocols, p)
}

// Topics returns the concept topics, sorted by key, in a fresh slice.
func Topics() []Topic {
	t := []Topic{
		{"passive-vs-active", "Passive and active mode",
			"FTP moves files over a second TCP connection, the data connection. In passive mode (PASV/EPSV) " +
				"the server opens a port and tells the client which; the client connects to it. In active " +
				"mode (PORT/EPRT) the client opens a port and the server connects back. Passive mode keeps " +
				"every connection client-initiated, so the client side needs nothing inbound and NAT on the " +
				"client side just works; the server side must open a passive port range. Active mode needs " +
				"inbound connections to the client, which no NAT can follow under TLS. ftpswiz plans passive " +
				"mode and switches active mode off unless you ask for it.", ftpsTopic},
		{"conntrack-helper", "Why the conntrack FTP helper cannot help FTPS",
			"For plain FTP, a firewall's FTP helper (Linux nf_conntrack_ftp, nftables `ct helper`) reads " +
				"the PASV reply in the control channel, learns the data port and opens it just for that " +
				"connection, and rewrites the address for NAT. Under TLS the control channel is ciphertext: " +
				"the helper sees nothing, opens nothing, rewrites nothing. Measured: plain FTP through a " +
				"helper-only firewall passes, FTPS fails every time. So FTPS needs a fixed passive range " +
				"opened (and forwarded) explicitly, and pasv_address set to the public address. Linux " +
				"kernels since 6.0 never attach helpers automatically anyway.", ftpsTopic},
		{"nat-types", "NAT in front of the server",
			"none: the host has the public address and needs no pasv_address. one-to-one: a cloud or router " +
				"maps a public address onto the host's private one, keeping ports; vsftpd must announce the " +
				"public address. port-forward: a router forwards chosen ports to the host; the control port " +
				"and the whole passive range must be forwarded with unchanged port numbers. dynamic-dns: the " +
				"public address changes; clients dial a name, vsftpd resolves it at start-up " +
				"(pasv_addr_resolve=YES) and must be restarted when the address changes (ftpswiz writes a timer that " +
				"does it).", ftpsTopic},
		{"ftps-vs-sftp", "FTPS is not SFTP",
			"FTPS is FTP over TLS: a control connection plus one data connection per transfer, on ports " +
				"negotiated inside the encrypted channel, so firewalls and NAT need a fixed passive range and " +
				"careful configuration on both sides. SFTP is a different protocol, a subsystem of SSH: one " +
				"TCP connection on port 22 carries everything, so it crosses NAT and egress filters with a " +
				"single rule. Choose FTPS when a partner or appliance requires it; otherwise SFTP is simpler " +
				"to run through firewalls.", Protocols()},
	}
	// The failures' topics come from the one catalogue of explanations:
	// every entry is one, so each key a lint finding or a probe diagnosis
	// names (`more: ftpswiz explain KEY`) is there.
	for _, e := range explain.All() {
		var protos []Protocol
		for _, p := range Protocols() {
			if e.AppliesTo(string(p)) {
				protos = append(protos, p)
			}
		}
		t = append(t, Topic{e.Key, e.Title, e.Text(explainVars()), protos})
	}
	sort.Slice(t, func(i, j int) bool { return t[i].Key < t[j].Key })
	return t
}

// TopicsFor returns the topics that apply to plans of the protocol, sorted
// by key.
func TopicsFor(p Protocol) []Topic {
	var out []Topic
	for _, t := range Topics() {
		if t.AppliesTo(p) {
			out = append(out, t)
		}
	}
	return out
}

// FindTopic returns the topic with the key, case-insensitively.
func FindTopic(key string) (Topic, bool) {
	for _, t := range Topics() {
		if strings.EqualFold(t.Key, key) {
			return t, true
		}
	}
	return Topic{}, false
}

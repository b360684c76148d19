package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// helperOnlyRuleset is a server router whose ONLY way to open passive data
// ports is the conntrack FTP helper: the helper is attached to new port-21
// connections, the forward policy is drop, and only established/related
// traffic and port 21 (DNATed) are accepted. No passive range anywhere.
const helperOnlyRuleset = `table inet ftpfw {
	ct helper ftp-standard {
		type "ftp" protocol tcp;
		l3proto ip;
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "wan0" tcp dport 21 dnat ip to 10.20.0.2
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "wan0" oifname "lan0" ip daddr 10.20.0.2 tcp dport 21 ct state new ct helper set "ftp-standard" accept
		iifname "lan0" oifname "wan0" accept
	}
}
`

// TestConntrackHelperIsBlindToTLS is the negative control behind the
// report's "do not rely on the FTP helper" advice: through a router that
// opens data connections only via the conntrack FTP helper, plain FTP works
// (the helper reads PASV, nf_nat_ftp rewrites the private address) and FTPS
// fails every time (the helper sees ciphertext). Opening and forwarding the
// passive range then makes FTPS work, so the failure is the firewall's.
func TestConntrackHelperIsBlindToTLS(t *testing.T) {
	Require(t, "vsftpd", "lftp", "nft", "openssl")
	RequireConntrackFTP(t)
	const n = 8

	l := New(t)
	u := NewUser(t)
	cert := NewCert(t, SrvPublicAddr)
	sum := RandomFile(t, filepath.Join(u.Home, "data.bin"), 256*1024)
	l.CliRouter.MustNFT(MasqueradeRuleset)
	l.SrvRouter.MustNFT(helperOnlyRuleset)

	// TLS allowed but not forced, so the same server serves both; no
	// pasv_address (the NAT helper rewrites the plain PASV reply).
	start := func(name string, c ftpsConf) *Process {
		c.Log = filepath.Join(l.Dir, name+".log")
		return l.Srv.StartVsftpd(WriteFile(t, name+".conf", c.render(u, cert)))
	}
	vs := start("nopasv", ftpsConf{PasvMin: 50000, PasvMax: 50031})

	// The client is lenient (lftp's default PASV fix-up on), so under TLS it
	// dials 198.51.100.10 — the only address that could work.
	transfer := func(plain bool, i int) (bool, string) {
		dl := filepath.Join(l.Dir, fmt.Sprintf("dl-%t-%d.bin", plain, i))
		out, err := l.Cli.Lftp(20*time.Second, SrvPublicAddr, u,
			LftpOptions{Plain: plain, FixPasvAddress: true, Debug: true}, "get data.bin -o "+dl)
		if err != nil {
			return false, out
		}
		got, err := SHA256File(dl)
		return err == nil && got == sum, out
	}
	run := func(plain bool) (ok int, outs []string) {
		for i := 0; i < n; i++ {
			good, out := transfer(plain, i)
			if good {
				ok++
			}
			outs = append(outs, out)
		}
		return ok, outs
	}

	plainOK, plainOut := run(true)
	tlsOK, tlsOut := run(false)
	t.Logf("helper-only firewall, no pasv_address: plain FTP %d/%d transfers OK; FTPS %d/%d OK (%d/%d failed)",
		plainOK, n, tlsOK, n, n-tlsOK, n)
	if plainOK != n {
		t.Errorf("plain FTP through the helper: %d/%d OK, want all; first output:\n%s", plainOK, n, plainOut[0])
	}
	if !strings.Contains(plainOut[0], "227 Entering Passive Mode (198,51,100,10,") {
		t.Errorf("plain PASV reply was not rewritten by the NAT helper:\n%s", plainOut[0])
	}
	if tlsOK != 0 {
		t.Errorf("FTPS through a helper-only firewall: %d/%d OK, want 0 (is the forward policy not drop?)", tlsOK, n)
	}
	if !strings.Contains(tlsOut[0], "227 Entering Passive Mode (10,20,0,2,") {
		t.Errorf("FTPS PASV reply should reach the client untouched (10,20,0,2):\n%s", tlsOut[0])
	}

	// A PASV address that is not the server's own is ignored by the helper
	// (nf_conntrack_ftp loose=0): with pasv_address even plain FTP fails.
	loose, _ := os.ReadFile("/sys/module/nf_conntrack_ftp/parameters/loose")
	if strings.TrimSpace(string(loose)) == "N" || strings.TrimSpace(string(loose)) == "0" {
		vs.Stop()
		vs = start("pasv", ftpsConf{PasvAddress: SrvPublicAddr, PasvMin: 50000, PasvMax: 50031})
		defer vs.Stop()
		pasvOK, pasvOut := run(true)
		t.Logf("helper-only firewall, pasv_address=%s: plain FTP %d/%d OK (loose=N)", SrvPublicAddr, pasvOK, n)
		if pasvOK != 0 {
			t.Errorf("plain FTP with pasv_address through the helper: %d/%d OK, want 0 (loose=N)\n%s", pasvOK, n, pasvOut[0])
		}
	} else {
		t.Logf("nf_conntrack_ftp loose=%s: skipping the pasv_address leg", strings.TrimSpace(string(loose)))
	}

	// Positive control: forward the passive range with ports unchanged.
	l.SrvRouter.MustRun("nft", "add", "rule", "inet", "ftpfw", "prerouting",
		"iifname", "wan0", "tcp", "dport", "50000-50031", "dnat", "ip", "to", SrvAddr)
	l.SrvRouter.MustRun("nft", "insert", "rule", "inet", "ftpfw", "forward",
		"iifname", "wan0", "oifname", "lan0", "ip", "daddr", SrvAddr, "tcp", "dport", "50000-50031", "ct", "state", "new", "accept")
	fixedOK, fixedOut := run(false)
	t.Logf("passive range 50000-50031 DNATed and accepted: FTPS %d/%d OK", fixedOK, n)
	if fixedOK != n {
		t.Errorf("FTPS with the passive range forwarded: %d/%d OK, want all\n%s", fixedOK, n, fixedOut[0])
	}
}

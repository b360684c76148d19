package probe

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/netaddr"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// certificate checks the server certificate: validity dates, name, chain
// (or a pinned fingerprint).
func (p *prober) certificate() {
	p.step("certificate", func(s *Step) {
		if len(p.state.PeerCertificates) == 0 {
			fail(s, "cert-none", "The server sent no certificate.", "Set rsa_cert_file.", "server.tls.cert_file")
			p.stop("no certificate")
			return
		}
		leaf := p.state.PeerCertificates[0]
		now := p.o.Now()
		s.Detail = fmt.Sprintf("%s, issued by %s, valid until %s, names %s", leaf.Subject.CommonName,
			leaf.Issuer.CommonName, leaf.NotAfter.Format("2006-01-02"), strings.Join(certNames(leaf), ", "))
		sum := sha256.Sum256(leaf.Raw)
		pinned := p.o.Fingerprint != "" && normFingerprint(p.o.Fingerprint) == hex.EncodeToString(sum[:])
		var problems []*Diagnosis
		src := vsftpd.CertSourceOf("", leaf)
		switch {
		case now.After(leaf.NotAfter):
			problems = append(problems, &Diagnosis{Code: "cert-expired",
				Cause: fmt.Sprintf("The server certificate expired on %s: clients that verify certificates refuse the "+
					"connection (lftp: \"certificate has expired\", curl: error 60, FileZilla asks the user).",
					leaf.NotAfter.Format("2006-01-02 15:04 MST")),
				Fix:    vsftpd.CertRenewFix(src),
				Answer: "server.tls.source"})
		case now.Before(leaf.NotBefore):
			problems = append(problems, &Diagnosis{Code: "cert-not-yet-valid",
				Cause: fmt.Sprintf("The server certificate is valid only from %s: the server's or this machine's clock "+
					"is wrong, or the certificate was dated ahead.", leaf.NotBefore.Format("2006-01-02 15:04 MST")),
				Fix: "Check both clocks (NTP), or reissue the certificate."})
		}
		if !pinned {
			if err := leaf.VerifyHostname(p.o.ServerName); err != nil {
				problems = append(problems, &Diagnosis{Code: "cert-wrong-name",
					Cause: fmt.Sprintf("The certificate is for %s, not for %s, the name the client dialled: clients "+
						"that check names refuse it.", strings.Join(certNames(leaf), ", "), p.o.ServerName),
					Fix:    vsftpd.CertNameFix(src, p.o.ServerName),
					Answer: "server.tls.source"})
			}
			inter := x509.NewCertPool()
			for _, c := range p.state.PeerCertificates[1:] {
				inter.AddCert(c)
			}
			at := now
			if at.After(leaf.NotAfter) || at.Before(leaf.NotBefore) {
				at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2) // check the chain apart from the dates
			}
			var unknown x509.UnknownAuthorityError
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: p.o.RootCAs, Intermediates: inter, CurrentTime: at}); err != nil &&
				len(p.state.PeerCertificates) == 1 && src != vsftpd.CertSelfSigned && errors.As(err, &unknown) {
				problems = append(problems, &Diagnosis{Code: "cert-chain-incomplete",
					Cause: fmt.Sprintf("The server sent only its own certificate, issued by %q, without the "+
						"intermediate certificate(s): strict clients (lftp, curl, Python) cannot build the chain to a "+
						"root they trust and refuse it.", leaf.Issuer.CommonName),
					Fix: vsftpd.CertChainFix(src), Answer: "server.tls.cert_file"})
			} else if err != nil {
				cause := fmt.Sprintf("The certificate is issued by %q, which this machine does not trust (%v).",
					leaf.Issuer.String(), err)
				if bytes.Equal(leaf.RawIssuer, leaf.RawSubject) {
					cause = fmt.Sprintf("The certificate is self-signed (%q; Debian's default is the \"snakeoil\" "+
						"certificate): clients cannot verify it unless they are given it.", leaf.Subject.String())
				}
				problems = append(problems, &Diagnosis{Code: "cert-untrusted", Cause: cause,
					Fix: "Use a certificate from a CA the clients trust, or give clients this certificate or its " +
						"fingerprint (probe: --ca FILE or --fingerprint " + colonHex(sum[:]) + "; lftp: ssl:ca-file; " +
						"curl: --cacert; WinSCP: -certificate=).",
					Answer: "server.tls.cert_file"})
			}
		} else {
			s.Detail += "; fingerprint pinned"
		}
		if len(problems) == 0 {
			if left := leaf.NotAfter.Sub(now); left < 30*24*time.Hour {
				warn(s, "cert-expiring", fmt.Sprintf("The server certificate expires on %s, in %d days.",
					leaf.NotAfter.Format("2006-01-02"), int(left.Hours()/24)), vsftpd.CertRenewFix(src), "server.tls.source")
			}
			return
		}
		d := problems[0]
		for _, more := range problems[1:] {
			d = &Diagnosis{Code: d.Code, Cause: d.Cause + " " + more.Cause, Fix: d.Fix + " " + more.Fix,
				Answer: firstNonEmpty(d.Answer, more.Answer)}
		}
		if p.o.Insecure {
			warn(s, d.Code, d.Cause, d.Fix+" (--insecure: the probe carries on.)", d.Answer)
			if now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
				mid := leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
				p.clockShift = time.Until(mid)
			}
			return
		}
		fail(s, d.Code, d.Cause, d.Fix, d.Answer)
		if p.o.User != "" {
			// Never point at --insecure here: it would send the password
			// over a connection whose certificate failed.
			p.stop("the certificate failed verification: the probe does not send the password (trust the " +
				"server's certificate with --ca or --fingerprint to test the rest)")
		}
	})
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func normFingerprint(s string) string {
	s = strings.ToLower(s)
	s = strings.TrimPrefix(s, "sha256:")
	return strings.NewReplacer(":", "", " ", "", "-", "").Replace(s)
}

func (p *prober) login() {
	p.step("login", func(s *Step) {
		if p.o.User == "" {
			s.Status, s.Detail = Skip, "no --user given: login and data connections are not tested"
			p.stop("no login (give --user to test login, PASV and data connections)")
			return
		}
		code, msg, err := p.cmd(p.o.StepTimeout, "USER %s", p.o.User)
		if err != nil {
			p.connLost(s, "USER", err)
			return
		}
		if code == 331 {
			pass := p.o.Password
			if pass == "" && (p.o.User == "anonymous" || p.o.User == "ftp") {
				pass = DefaultPassword
			}
			// vsftpd delays a failed login (delay_failed_login=1 s).
			code, msg, err = p.cmd(p.o.StepTimeout+2*time.Second, "PASS %s", pass)
			if err != nil {
				p.connLost(s, "PASS", err)
				return
			}
		}
		switch {
		case code == 230:
			s.Detail = fmt.Sprintf("USER %s, PASS ****: %s", p.o.User, reply(code, msg))
		case code == 500 && oops(s, msg):
			p.stop("vsftpd ended the session at login")
		case code == 530 && strings.Contains(msg, "anonymous only"):
			fail(s, "local-disabled", "The server accepts only anonymous logins: "+reply(code, msg)+" (local_enable is not YES).",
				"Set local_enable=YES.", "")
			p.stop("login refused")
		case code == 530 && strings.Contains(strings.ToLower(msg), "encryption"):
			fail(s, "tls-required", "The server requires TLS for this login: "+reply(code, msg)+".",
				"Connect with TLS (explicit or implicit FTPS).", "ftps.mode")
			p.stop("login refused")
		case code == 530:
			fail(s, "login-incorrect", fmt.Sprintf("The server refused the login (%s). With the right password this "+
				"is, on Debian: the user's shell is not in /etc/shells (pam_shells; /usr/sbin/nologin is not), the user "+
				"is listed in /etc/ftpusers, userlist_enable denies the user, or pam_service_name names a PAM service "+
				"that does not exist.", reply(code, msg)),
				"Check the password; give the user a shell listed in /etc/shells, remove it from /etc/ftpusers, and set "+
					"pam_service_name=vsftpd.", "server.vsftpd.users")
			p.stop("login refused")
		default:
			fail(s, "login", "Login failed: "+reply(code, msg)+".", "Check user and password.", "")
			p.stop("login refused")
		}
	})
}

func (p *prober) protection() {
	p.step("protection", func(s *Step) {
		code, msg, err := p.cmd(p.o.StepTimeout, "PBSZ 0")
		if err != nil {
			p.connLost(s, "PBSZ", err)
			return
		}
		if code != 200 {
			fail(s, "pbsz", "PBSZ 0 refused: "+reply(code, msg)+".", "The server must support RFC 4217 (vsftpd with "+
				"ssl_enable=YES does).", "")
			p.stop("no data protection")
			return
		}
		code, msg, err = p.cmd(p.o.StepTimeout, "PROT P")
		if err != nil {
			p.connLost(s, "PROT P", err)
			return
		}
		if code != 200 {
			fail(s, "prot", "PROT P refused: "+reply(code, msg)+": data connections would not be encrypted.",
				"Enable TLS on data connections (vsftpd: ssl_enable=YES, force_local_data_ssl=YES).", "server.tls")
			p.stop("no data protection")
			return
		}
		s.Detail = "PBSZ 0, PROT P: " + reply(code, msg)
	})
}

func (p *prober) epsv() {
	p.step("epsv", func(s *Step) {
		code, msg, err := p.cmd(p.o.StepTimeout, "EPSV")
		switch {
		case err != nil:
			p.connLost(s, "EPSV", err)
		case code == 229:
			s.Detail = reply(code, msg) + " (no address: clients use the control connection's address, so EPSV " +
				"works even where the PASV address is wrong)"
		case code == 500 && oops(s, msg):
			p.stop("vsftpd ended the session at EPSV")
		default:
			s.Detail = "not supported (" + reply(code, msg) + "); clients fall back to PASV"
		}
	})
}

// parsePASV reads "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)".
func parsePASV(msg string) (netip.Addr, int, error) {
	i, j := strings.Index(msg, "("), strings.LastIndex(msg, ")")
	if i < 0 || j < i {
		return netip.Addr{}, 0, fmt.Errorf("no (h1,h2,h3,h4,p1,p2) in %q", msg)
	}
	parts := strings.Split(msg[i+1:j], ",")
	if len(parts) != 6 {
		return netip.Addr{}, 0, fmt.Errorf("bad PASV reply %q", msg)
	}
	var n [6]int
	for k, s := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 || v > 255 {
			return netip.Addr{}, 0, fmt.Errorf("bad PASV reply %q", msg)
		}
		n[k] = v
	}
	ip := netip.AddrFrom4([4]byte{byte(n[0]), byte(n[1]), byte(n[2]), byte(n[3])})
	return ip, n[4]*256 + n[5], nil
}

// sendPassive asks for a passive data port the way a client does in the
// control connection's family: EPSV over IPv6 (PASV can only name an IPv4
// address), PASV over IPv4 (so its announced address is checked).
func (p *prober) sendPassive(s *Step) (netip.Addr, int, bool) {
	if p.ip.Is6() {
		return p.sendEPSV(s)
	}
	return p.sendPASV(s)
}

// parseEPSV reads "229 Entering Extended Passive Mode (|||port|)".
func parseEPSV(msg string) (int, error) {
	i, j := strings.Index(msg, "("), strings.LastIndex(msg, ")")
	if i < 0 || j < i+5 {
		return 0, fmt.Errorf("no (|||port|) in %q", msg)
	}
	inner := msg[i+1 : j]
	d := inner[0]
	parts := strings.Split(inner, string(d))
	if len(parts) != 5 || parts[1] != "" || parts[2] != "" || parts[4] != "" {
		return 0, fmt.Errorf("bad EPSV reply %q", msg)
	}
	port, err := strconv.Atoi(parts[3])
	if err != nil || port < 1 || port > 65535 {
		return 0, fmt.Errorf("bad EPSV port in %q", msg)
	}
	return port, nil
}

// sendEPSV sends EPSV and returns the control address and the announced port.
func (p *prober) sendEPSV(s *Step) (netip.Addr, int, bool) {
	code, msg, err := p.cmd(p.o.StepTimeout, "EPSV")
	switch {
	case err != nil:
		fail(s, "epsv-session-ended", fmt.Sprintf("The session broke at EPSV (%v): vsftpd ends a session when its "+
			strconv.Itoa(vsftpd.BindAttempts)+" random tries find no free port in the passive range.", err),
			"Make the passive range large enough for the concurrent transfers.", "server.capacity.concurrent_transfers")
		p.stop("session ended at EPSV")
		return netip.Addr{}, 0, false
	case code == 229:
	case code == 500 && oops(s, msg):
		p.stop("vsftpd ended the session at EPSV")
		return netip.Addr{}, 0, false
	default:
		fail(s, "epsv-refused", "Over IPv6 a client can only use EPSV (PASV names IPv4 addresses only), and the server "+
			"refused it: "+reply(code, msg)+".", "Enable passive mode (pasv_enable=YES) on the IPv6 listener.", "server.ipv6_address")
		p.stop("no passive mode over IPv6")
		return netip.Addr{}, 0, false
	}
	port, perr := parseEPSV(msg)
	if perr != nil {
		fail(s, "epsv-unparsable", perr.Error(), "Check the server software.", "")
		p.stop("bad EPSV reply")
		return netip.Addr{}, 0, false
	}
	s.Detail = reply(code, msg)
	return p.ip, port, true
}

// sendPASV sends PASV and returns the announced address, port and the
// reply; err covers a broken connection or an unparsable reply.
func (p *prober) sendPASV(s *Step) (netip.Addr, int, bool) {
	code, msg, err := p.cmd(p.o.StepTimeout, "PASV")
	switch {
	case err != nil:
		fail(s, "pasv-session-ended", fmt.Sprintf("The session broke at PASV (%v). vsftpd ends a session at PASV with "+
			explain.Quote(explain.PassiveExhausted)+" when its "+strconv.Itoa(vsftpd.BindAttempts)+" random tries find no free port in the passive range, or with "+
			"\"500 OOPS: invalid pasv_address\" when pasv_address is not a bare IPv4 address; over TLS that message "+
			"arrives in clear text inside the encrypted stream and breaks it (lftp: \"%s\", curl: error 56).", err,
			explain.Get(explain.PassiveExhausted).Replies[1]),
			"Check pasv_address (ftpswiz check) and make the passive range large enough for the concurrent transfers.",
			"server.capacity.concurrent_transfers")
		p.stop("session ended at PASV")
		return netip.Addr{}, 0, false
	case code == 227:
	case code == 500 && oops(s, msg):
		p.stop("vsftpd ended the session at PASV")
		return netip.Addr{}, 0, false
	default:
		fail(s, "pasv-refused", "PASV refused: "+reply(code, msg)+" (vsftpd: pasv_enable=NO).",
			"Set pasv_enable=YES: under TLS no firewall or NAT can follow active mode.", "ftps.active_mode")
		p.stop("no passive mode")
		return netip.Addr{}, 0, false
	}
	ip, port, perr := parsePASV(msg)
	if perr != nil {
		fail(s, "pasv-unparsable", perr.Error(), "Check the server software.", "")
		p.stop("bad PASV reply")
		return netip.Addr{}, 0, false
	}
	s.Detail = reply(code, msg)
	return ip, port, true
}

// pasv sends PASV, checks the announced address and returns where to
// connect (the announced address, or the control address when the announced
// one is unusable, as lftp, FileZilla and curl do).
func (p *prober) pasv() (netip.Addr, int) {
	var target netip.Addr
	var port int
	p.step("pasv", func(s *Step) {
		ip, pt, ok := p.sendPassive(s)
		if !ok {
			return
		}
		if p.ip.Is6() {
			s.Detail += " (IPv6: data connections use EPSV, whose reply carries no address; PASV can only name IPv4 addresses)"
		}
		port = pt
		target = ip
		p.r.PASV = net.JoinHostPort(ip.String(), strconv.Itoa(pt))
		dialled := p.ip
		switch {
		case ip.IsUnspecified():
			target = dialled
			fail(s, "pasv-zero", fmt.Sprintf("The server announces 0.0.0.0 for data connections. vsftpd does this when "+
				"it listens on an IPv6 socket (listen_ipv6=YES, Debian's default) and pasv_address is set: it then "+
				"ignores pasv_address. lftp and FileZilla silently use %s instead; strict clients and appliances fail.",
				dialled),
				fmt.Sprintf("In vsftpd.conf set listen=YES and listen_ipv6=NO, keeping pasv_address=%s (run a second "+
					"instance for IPv6).", dialled), "server.public_address")
		case ip != dialled && netaddr.IsNonPublic(ip) && !netaddr.IsNonPublic(dialled):
			target = dialled
			fail(s, "pasv-address-private", fmt.Sprintf("The server announces its private address %s for data "+
				"connections, but clients reach it at %s: it is behind NAT without pasv_address. Stock lftp, curl and "+
				"FileZilla hide this by using the control address instead; strict clients (curl --disable-epsv "+
				"--no-ftp-skip-pasv-ip, libraries that trust PASV, appliances) time out.", ip, dialled),
				fmt.Sprintf("Set pasv_address=%s in vsftpd.conf (with listen=YES and listen_ipv6=NO).", dialled),
				"server.nat, server.public_address")
		case ip != dialled && netaddr.IsNonPublic(ip):
			warn(s, "pasv-address-different", fmt.Sprintf("The server announces %s for data connections, not %s "+
				"(dialled): clients on other networks may not reach it.", ip, dialled),
				"If clients dial the server at another address (NAT), set pasv_address to that public address.",
				"server.public_address")
		case ip != dialled:
			warn(s, "pasv-address-different", fmt.Sprintf("The server announces %s for data connections, while the "+
				"control connection goes to %s. That works if %s is the same server (several addresses); with a load "+
				"balancer or another NAT address, data connections go elsewhere or fail with %s", ip, dialled, ip,
				explain.Quote(explain.BadIP)),
				fmt.Sprintf("Set pasv_address=%s unless %s is intended.", dialled, ip), "server.public_address")
		}
		if !p.passive.IsZero() && !p.passive.Contains(pt) {
			d := &Diagnosis{Code: "pasv-port-outside-range", Cause: fmt.Sprintf("The server announced port %d, outside "+
				"the passive range %s the firewalls open: vsftpd's pasv_min_port/pasv_max_port differ from the range "+
				"the firewall rules were written for (or pasv_min_port > pasv_max_port, which makes vsftpd use ports up "+
				"to 65535).", pt, p.passive), Fix: "Make vsftpd's range and the firewall rules agree (ftpswiz " +
				"generates both from one plan).", Answer: "server.passive_start"}
			if s.Diagnosis == nil {
				s.Status, s.Diagnosis = Fail, d
			} else {
				s.Status = Fail
				s.Diagnosis.Cause += " " + d.Cause
				s.Diagnosis.Fix += " " + d.Fix
			}
		}
	})
	return target, port
}

// dataConn opens the data connection announced by the last PASV.
func (p *prober) dataConn(ip netip.Addr, port int) net.Conn {
	var conn net.Conn
	p.step("data", func(s *Step) {
		addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
		c, err := p.dial(addr, p.o.StepTimeout)
		if err != nil {
			p.connectError(s, addr, err, "data")
			p.stop("no data connection")
			return
		}
		conn = c
		s.Detail = "connected to " + addr
		if p.r.PASV != "" && p.r.PASV != addr {
			s.Detail += " (instead of the announced " + p.r.PASV + ", like lftp and FileZilla)"
		}
	})
	return conn
}

// dataResult is the outcome of one data transfer.
type dataResult struct {
	code     int
	msg      string
	resumed  bool
	data     []byte
	err      error  // network or TLS error on the data connection
	stage    string // where it failed
	tlsState tls.ConnectionState
}

// transferData runs command over an open data connection: it sends the
// command, expects 150/125, starts TLS (resuming the control session unless
// fresh), then reads (upload nil) or writes the data and reads the final reply.
func (p *prober) transferData(conn net.Conn, command string, upload []byte, fresh bool) dataResult {
	var r dataResult
	defer conn.Close()
	code, msg, err := p.cmd(p.o.StepTimeout, "%s", command)
	if err != nil {
		r.err, r.stage = err, "control"
		return r
	}
	if code != 150 && code != 125 {
		r.code, r.msg, r.stage = code, msg, "start"
		return r
	}
	tc := tls.Client(conn, p.tlsConfig(!fresh))
	_ = tc.SetDeadline(p.deadline(p.o.StepTimeout))
	if err := tc.Handshake(); err != nil {
		r.err, r.stage = err, "tls"
	} else {
		r.tlsState = tc.ConnectionState()
		r.resumed = r.tlsState.DidResume
		if upload != nil {
			if _, err := tc.Write(upload); err != nil {
				r.err, r.stage = err, "write"
			}
		} else {
			var buf bytes.Buffer
			_, err := io.Copy(&buf, io.LimitReader(tc, 1<<20))
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				r.err, r.stage = err, "read"
			}
			r.data = buf.Bytes()
		}
		_ = tc.Close() // close_notify: vsftpd needs it to finish an upload
	}
	code, msg, err = p.read(p.o.StepTimeout)
	if err != nil {
		if r.err == nil {
			r.err, r.stage = err, "control"
		}
		return r
	}
	r.code, r.msg = code, msg
	return r
}

// dataFailure diagnoses a failed transfer.
func (p *prober) dataFailure(s *Step, r dataResult, fresh bool) {
	switch {
	case r.code == 522 && strings.Contains(r.msg, "reuse"):
		if fresh || p.o.NoReuse {
			fail(s, "reuse-required", "The server requires TLS session resumption on data connections "+
				"(require_ssl_reuse=YES, vsftpd's default) and this client started a fresh TLS session: \""+
				reply(r.code, r.msg)+"\". Clients that cannot resume fail like this (Python's ftplib, some appliances; "+
				"curl shows only error 18 or 55).",
				"Use a client that resumes the session (lftp, curl, FileZilla, WinSCP, rclone with tls_cache_size; "+
					"Python: wrap the data socket with the control socket's session). Last resort: require_ssl_reuse=NO, "+
					"which drops the proof that the data connection comes from the same client.",
				"server.tls.require_ssl_reuse")
			return
		}
		fail(s, "reuse-failed", "The server requires TLS session resumption and this probe's resumption did not "+
			"work: \""+reply(r.code, r.msg)+"\". The server did not issue a resumable session (a session cache or "+
			"ticket problem), so every client fails the same way.",
			"Check vsftpd's TLS settings (ssl_ciphers; a load balancer in front must keep both connections on one "+
				"server).", "server.tls.require_ssl_reuse")
	case r.code == 425 && strings.Contains(r.msg, explain.Get(explain.BadIP).Match):
		fail(s, "bad-ip", "\""+reply(r.code, r.msg)+"\": the data connection came from another address than the "+
			"control connection (a carrier-grade NAT with several addresses, a load balancer, or a proxy).",
			"Route both connections through one address; pasv_promiscuous=YES is the insecure last resort.", "client.nat")
	case r.code == 425 || r.code == 426:
		fail(s, "data-failed", "The server could not use the data connection: \""+reply(r.code, r.msg)+"\".",
			"Check that the passive range is forwarded to the server, ports unchanged.", "server.nat")
	case r.code == 522:
		fail(s, "data-tls", "\""+reply(r.code, r.msg)+"\": the data connection's TLS failed.",
			"Check the TLS settings on both sides.", "server.tls")
	case r.code == 550 || r.code == 553:
		fail(s, "permission", "\""+reply(r.code, r.msg)+"\": permission denied. vsftpd refuses uploads when "+
			"write_enable is not YES (Debian ships it off), and the chroot root is read-only by design.",
			"Set write_enable=YES and upload into the writable directory (--remote-dir upload).",
			"server.vsftpd.write_enable, server.vsftpd.upload_dir")
	case r.code == 500 && strings.HasPrefix(r.msg, "OOPS"):
		oops(s, r.msg)
	case r.err != nil && r.stage == "tls" && isTimeout(r.err):
		fail(s, "data-tls-timeout", "The TLS handshake on the data connection got no answer: the server did not "+
			"accept the connection (it reached another host, or a firewall's FTP inspection broke it).",
			"Forward the passive range to the vsftpd host; disable FTP inspection on firewalls in the path.", "server.nat")
	case r.err != nil:
		fail(s, "data-"+r.stage, fmt.Sprintf("The transfer failed at %s: %v.", r.stage, r.err),
			"Look at vsftpd's log for the reason.", "")
	default:
		fail(s, "data-reply", "Unexpected reply: "+reply(r.code, r.msg)+".", "Look at vsftpd's log.", "")
	}
}

func (p *prober) list(conn net.Conn) bool {
	ok := false
	p.step("list", func(s *Step) {
		if conn == nil {
			s.Status, s.Detail = Skip, "no data connection"
			return
		}
		r := p.transferData(conn, "LIST", nil, p.o.NoReuse)
		if r.code != 226 || r.err != nil {
			p.dataFailure(s, r, p.o.NoReuse)
			if r.err != nil && r.stage == "control" {
				p.stop("control connection lost")
			}
			return
		}
		ok = true
		res := "TLS session resumed"
		if !r.resumed {
			res = "TLS session not resumed (the server does not require it)"
		}
		s.Detail = fmt.Sprintf("%d bytes over %s, %s; %s", len(r.data), tlsVersionName(r.tlsState.Version), res,
			reply(r.code, r.msg))
	})
	return ok
}

// reuse checks whether the server demands session resumption, with a data
// connection that starts a fresh TLS session.
func (p *prober) reuse() {
	p.step("reuse", func(s *Step) {
		ip, port, ok := p.sendPassive(s)
		if !ok {
			return
		}
		if ip.IsUnspecified() || (ip != p.ip && netaddr.IsNonPublic(ip) && !netaddr.IsNonPublic(p.ip)) {
			ip = p.ip
		}
		addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
		c, err := p.dial(addr, p.o.StepTimeout)
		if err != nil {
			p.connectError(s, addr, err, "data")
			return
		}
		r := p.transferData(c, "LIST", nil, true)
		switch {
		case r.code == 522 && strings.Contains(r.msg, "reuse"):
			s.Detail = "yes: a client that does not resume its TLS session gets \"" + reply(r.code, r.msg) +
				"\" (and vsftpd ends its session)"
			note(s, "reuse-required", "The server requires TLS session resumption on data connections "+
				"(require_ssl_reuse=YES): this proves the data connection comes from the logged-in client. lftp, curl, "+
				"FileZilla and WinSCP resume; Python's ftplib and some appliances do not, and fail with 522.",
				"Nothing to fix on the server; a client that cannot resume needs a fix on its side (or, last resort, "+
					"require_ssl_reuse=NO).")
		case r.code == 226:
			s.Detail = "no: a data connection with a fresh TLS session is accepted too (require_ssl_reuse=NO)"
		default:
			s.Detail = "inconclusive: " + reply(r.code, r.msg)
			if r.err != nil {
				s.Detail += fmt.Sprintf(" (%v)", r.err)
			}
		}
	})
}

// transfer uploads a small file, downloads it, compares and deletes it.
func (p *prober) transfer() {
	p.step("transfer", func(s *Step) {
		if p.o.User == "" {
			s.Status, s.Detail = Skip, "needs a login"
			return
		}
		rnd := make([]byte, 6)
		_, _ = rand.Read(rnd)
		name := "ftpswiz-probe-" + hex.EncodeToString(rnd) + ".txt"
		if p.o.RemoteDir != "" {
			name = strings.TrimSuffix(p.o.RemoteDir, "/") + "/" + name
		}
		payload := []byte(fmt.Sprintf("ftpswiz probe %x\n", rnd))
		payload = bytes.Repeat(payload, 64)
		open := func() net.Conn {
			ip, port, ok := p.sendPassive(s)
			if !ok {
				return nil
			}
			if ip.IsUnspecified() || (ip != p.ip && netaddr.IsNonPublic(ip) && !netaddr.IsNonPublic(p.ip)) {
				ip = p.ip
			}
			addr := net.JoinHostPort(ip.String(), strconv.Itoa(port))
			c, err := p.dial(addr, p.o.StepTimeout)
			if err != nil {
				p.connectError(s, addr, err, "data")
				return nil
			}
			return c
		}
		c := open()
		if c == nil {
			return
		}
		r := p.transferData(c, "STOR "+name, payload, p.o.NoReuse)
		if r.code != 226 || r.err != nil {
			p.dataFailure(s, r, p.o.NoReuse)
			return
		}
		if c = open(); c == nil {
			return
		}
		r = p.transferData(c, "RETR "+name, nil, p.o.NoReuse)
		if r.code != 226 || r.err != nil {
			p.dataFailure(s, r, p.o.NoReuse)
			return
		}
		if !bytes.Equal(r.data, payload) {
			fail(s, "transfer-corrupt", fmt.Sprintf("Downloaded %d bytes, uploaded %d: the file changed in transit "+
				"(ASCII mode conversion, or a truncated upload).", len(r.data), len(payload)),
				"Check vsftpd's log for a 426 during the upload.", "")
			return
		}
		code, msg, err := p.cmd(p.o.StepTimeout, "DELE %s", name)
		s.Detail = fmt.Sprintf("uploaded, downloaded and compared %d bytes (%s)", len(payload), name)
		if err != nil || code != 250 {
			s.Detail += "; could not delete it: " + reply(code, msg)
		}
	})
}

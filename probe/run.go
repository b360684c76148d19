package probe

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ftpswiz/ftpswiz/explain"
	"github.com/ftpswiz/ftpswiz/netaddr"
	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// Run probes the server and returns the report. It returns an error only
// for unusable options; everything the server does is in the report. It
// stops when ctx ends or the probe's time limit is reached.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Host == "" {
		return nil, errors.New("probe: no host")
	}
	if o.Mode == "" {
		o.Mode = Auto
	}
	if o.Port == 0 {
		o.Port = 21
		if o.Mode == Implicit {
			o.Port = 990
		}
	}
	if o.Mode == Auto {
		o.Mode = Explicit
		if o.Port == 990 {
			o.Mode = Implicit
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.StepTimeout <= 0 {
		o.StepTimeout = DefaultStepTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ServerName == "" {
		o.ServerName = o.Host
	}
	if o.RootCAs == nil {
		if pool, err := x509.SystemCertPool(); err == nil {
			o.RootCAs = pool
		} else {
			o.RootCAs = x509.NewCertPool()
		}
	}
	var passive netaddr.PortRange
	if o.PassiveRange != "" {
		r, err := netaddr.ParsePortRange(o.PassiveRange)
		if err != nil {
			return nil, fmt.Errorf("probe: passive range: %w", err)
		}
		passive = r
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	p := &prober{o: o, ctx: ctx, passive: passive, start: time.Now(),
		r: &Report{Target: net.JoinHostPort(o.Host, strconv.Itoa(o.Port)), Mode: o.Mode}}
	p.cache = tls.NewLRUClientSessionCache(16)
	p.run()
	p.r.Duration = time.Since(p.start)
	return p.r, nil
}

type prober struct {
	o       Options
	ctx     context.Context
	r       *Report
	start   time.Time
	passive netaddr.PortRange
	cache   tls.ClientSessionCache

	ip      netip.Addr // the control connection's server address
	raw     net.Conn   // TCP control connection
	conn    net.Conn   // raw or TLS
	tp      *textproto.Conn
	lim     *limitedConn // tp reads through it
	secured bool
	state   tls.ConnectionState
	// greeting is the 220 line when a mode switch already read it.
	greeting string
	// clockShift moves the TLS clock into the certificate's validity when
	// --insecure goes on with an expired (or not yet valid) certificate:
	// Go's client refuses to resume sessions of such a certificate, and
	// vsftpd demands resumption on data connections.
	clockShift time.Duration
	// stopped is the reason the remaining steps are skipped ("" while running).
	stopped string
}

// plan is every step in the order they can run, for the skip list.
var plan = []struct{ id, title string }{
	{"dns", "Resolve the server name"},
	{"tcp", "Connect to the control port"},
	{"banner", "Server greeting"},
	{"auth", "AUTH TLS"},
	{"tls", "TLS handshake"},
	{"certificate", "Certificate"},
	{"login", "Log in"},
	{"protection", "Protect data connections (PBSZ 0, PROT P)"},
	{"epsv", "EPSV"},
	{"pasv", "PASV address"},
	{"data", "Open the passive data connection"},
	{"list", "LIST over TLS with session resumption"},
	{"transfer", "Upload and download round trip"},
	{"reuse", "Does the server require TLS session resumption?"},
}

func titleOf(id string) string {
	for _, s := range plan {
		if s.id == id {
			return s.title
		}
	}
	return id
}

// step runs fn as the step id, unless the probe stopped or ran out of
// time; fn fills in the status (default Pass), detail and diagnosis.
func (p *prober) step(id string, fn func(s *Step)) Step {
	s := Step{ID: id, Title: titleOf(id), Status: Running}
	if p.stopped != "" {
		s.Status, s.Detail = Skip, p.stopped
		p.record(s)
		return s
	}
	if p.ctx.Err() != nil {
		p.stopped = fmt.Sprintf("probe time limit (%v) reached", p.o.Timeout)
		if errors.Is(p.ctx.Err(), context.Canceled) {
			p.stopped = "interrupted"
		}
		s.Status, s.Detail = Skip, p.stopped
		p.record(s)
		return s
	}
	if p.o.OnStep != nil {
		p.o.OnStep(s)
	}
	t0 := time.Now()
	fn(&s)
	if s.Status == Running {
		s.Status = Pass
	}
	s.Duration = time.Since(t0)
	p.record(s)
	return s
}

func (p *prober) record(s Step) {
	p.r.Steps = append(p.r.Steps, s)
	if p.o.OnStep != nil {
		p.o.OnStep(s)
	}
}

// skip records a skipped step with a reason, without stopping the probe.
func (p *prober) skip(id, why string) {
	p.record(Step{ID: id, Title: titleOf(id), Status: Skip, Detail: why})
}

// stop ends the probe after the current step: the rest is skipped.
func (p *prober) stop(why string) {
	if p.stopped == "" {
		p.stopped = why
	}
}

func fail(s *Step, code, cause, fix, answer string) {
	s.Status = Fail
	s.Diagnosis = &Diagnosis{Code: code, Cause: cause, Fix: fix, Answer: answer, Explain: explain.ForProbe(code)}
}

func warn(s *Step, code, cause, fix, answer string) {
	s.Status = Warn
	s.Diagnosis = &Diagnosis{Code: code, Cause: cause, Fix: fix, Answer: answer, Explain: explain.ForProbe(code)}
}

// note attaches an explanation to a step that passed.
func note(s *Step, code, cause, fix string) {
	s.Diagnosis = &Diagnosis{Code: code, Cause: cause, Fix: fix}
}

// deadline is now+d, cut to the probe's own deadline.
func (p *prober) deadline(d time.Duration) time.Time {
	t := time.Now().Add(d)
	if dl, ok := p.ctx.Deadline(); ok && dl.Before(t) {
		return dl
	}
	return t
}

func (p *prober) dial(addr string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithDeadline(p.ctx, p.deadline(timeout))
	defer cancel()
	if p.o.Dial != nil {
		return p.o.Dial(ctx, "tcp", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

func (p *prober) run() {
	defer func() {
		if p.conn != nil {
			if p.tp != nil && p.stopped == "" {
				_ = p.conn.SetDeadline(time.Now().Add(time.Second))
				_ = p.tp.PrintfLine("QUIT")
			}
			p.conn.Close()
		}
	}()
	p.resolve()
	p.connect()
	if p.r.Mode == Implicit {
		p.handshake(false)
		p.certificate()
		p.banner()
		p.skip("auth", "implicit FTPS: TLS starts with the connection")
	} else {
		p.banner()
		if p.r.Mode == Implicit { // the banner step found implicit FTPS
			p.skip("auth", "implicit FTPS: TLS starts with the connection")
			p.step("tls", func(s *Step) {
				s.Detail = "implicit: " + p.r.TLS.Version + ", " + p.r.TLS.CipherSuite
			})
		} else {
			p.authTLS()
		}
		p.certificate()
	}
	p.login()
	p.protection()
	p.epsv()
	target, port := p.pasv()
	data := p.dataConn(target, port)
	listed := p.list(data)
	if p.o.Transfer {
		p.transfer()
	} else {
		p.skip("transfer", "not requested (--transfer)")
	}
	// Last: vsftpd ends the session after refusing a data connection that
	// did not resume the TLS session.
	if listed && !p.o.NoReuse {
		p.reuse()
	} else {
		p.skip("reuse", "runs after a successful LIST")
	}
}

func (p *prober) resolve() {
	p.step("dns", func(s *Step) {
		if ip, err := netip.ParseAddr(p.o.Host); err == nil {
			p.ip = ip.Unmap()
			p.r.Family = familyOf(p.ip)
			s.Detail = "an address: no lookup needed"
			return
		}
		lookup := p.o.LookupHost
		if lookup == nil {
			lookup = net.DefaultResolver.LookupHost
		}
		ctx, cancel := context.WithDeadline(p.ctx, p.deadline(min(p.o.StepTimeout, 4*time.Second)))
		defer cancel()
		addrs, err := lookup(ctx, p.o.Host)
		if err != nil || len(addrs) == 0 {
			cause := fmt.Sprintf("%s does not resolve: %v.", p.o.Host, err)
			if isTimeout(err) || ctx.Err() != nil {
				cause = fmt.Sprintf("No DNS answer for %s within the time limit.", p.o.Host)
			}
			fail(s, "dns", cause, "Check the name, and that its A record exists (dynamic DNS: that the updater runs).",
				"server.public_address")
			p.stop("the name does not resolve")
			return
		}
		// Prefer IPv4 (PASV carries only IPv4 addresses), unless a family
		// is asked for.
		var chosen netip.Addr
		for _, a := range addrs {
			ip, err := netip.ParseAddr(a)
			if err != nil {
				continue
			}
			ip = ip.Unmap()
			if f := familyOf(ip); p.o.Family != "" && f != p.o.Family {
				continue
			}
			if !chosen.IsValid() || (ip.Is4() && !chosen.Is4()) {
				chosen = ip
			}
		}
		if !chosen.IsValid() && p.o.Family != "" {
			rec := "A"
			if p.o.Family == FamilyIPv6 {
				rec = "AAAA"
			}
			fail(s, "dns-family", fmt.Sprintf("%s has no %s address (%s record): it resolves to %s.", p.o.Host, p.o.Family, rec, strings.Join(addrs, ", ")),
				"Add the "+rec+" record, or probe the other family.", "server.dns_records")
			p.stop("the name has no address of that family")
			return
		}
		if !chosen.IsValid() {
			fail(s, "dns", fmt.Sprintf("%s resolves to no usable address (%s).", p.o.Host, strings.Join(addrs, ", ")),
				"Fix the DNS record.", "server.public_address")
			p.stop("the name does not resolve")
			return
		}
		p.ip = chosen
		p.r.Family = familyOf(chosen)
		s.Detail = strings.Join(addrs, ", ")
	})
}

// Address families a probe names.
const (
	FamilyIPv4 = "ipv4"
	FamilyIPv6 = "ipv6"
)

func familyOf(ip netip.Addr) string {
	if ip.Unmap().Is4() {
		return FamilyIPv4
	}
	return FamilyIPv6
}

// Families resolves the host the options name and returns its families,
// IPv4 first: one for an address, one or two for a name. It is bounded by
// the step timeout (at most 4 s), like the dns step.
func Families(ctx context.Context, o Options) ([]string, error) {
	if ip, err := netip.ParseAddr(o.Host); err == nil {
		return []string{familyOf(ip)}, nil
	}
	lookup := o.LookupHost
	if lookup == nil {
		lookup = net.DefaultResolver.LookupHost
	}
	t := o.StepTimeout
	if t <= 0 || t > 4*time.Second {
		t = 4 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	addrs, err := lookup(ctx, o.Host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", o.Host, err)
	}
	has := map[string]bool{}
	for _, a := range addrs {
		if ip, err := netip.ParseAddr(a); err == nil {
			has[familyOf(ip)] = true
		}
	}
	var out []string
	for _, f := range []string{FamilyIPv4, FamilyIPv6} {
		if has[f] {
			out = append(out, f)
		}
	}
	return out, nil
}

func (p *prober) connect() {
	p.step("tcp", func(s *Step) {
		addr := net.JoinHostPort(p.ip.String(), strconv.Itoa(p.o.Port))
		p.r.Address = addr
		c, err := p.dial(addr, p.o.StepTimeout)
		if err != nil {
			p.connectError(s, addr, err, "control")
			p.stop("no control connection")
			return
		}
		p.raw, p.conn = c, c
		s.Detail = "connected to " + addr
	})
}

// connectError diagnoses a failed TCP connection (control or data).
func (p *prober) connectError(s *Step, addr string, err error, which string) {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		if which == "control" {
			fail(s, "control-refused", fmt.Sprintf("%s refused the connection: nothing listens on port %d there (vsftpd is "+
				"not running or failed to start, listens on another port, or the router forwards the port to a host "+
				"where nothing listens).", addr, p.o.Port),
				"Check that vsftpd runs (systemctl status vsftpd; an unknown option in vsftpd.conf stops it: ftpswiz "+
					"check) and that the port forward points to the server.", "ftps.explicit_port, ftps.implicit_port")
			return
		}
		fail(s, "data-refused", fmt.Sprintf("%s refused the data connection: the router forwards the passive ports to a "+
			"host where nothing listens, or vsftpd's listener was already gone.", addr),
			"Forward the passive range to the vsftpd host, ports unchanged.", "server.nat, server.host_address")
	case isTimeout(err):
		if which == "control" {
			fail(s, "control-timeout", fmt.Sprintf("No answer from %s within %v: a firewall drops the packets, the router "+
				"does not forward port %d, or the address is wrong.", addr, p.o.StepTimeout, p.o.Port),
				fmt.Sprintf("Open TCP port %d on the server's firewall and forward it on its NAT router (ftpswiz "+
					"generate writes both).", p.o.Port), "server.nat, firewalls")
			return
		}
		fail(s, "data-timeout", fmt.Sprintf("The server announced %s for the data connection, but it got no answer within "+
			"%v: the passive port range is not open in a firewall or not forwarded by the NAT router (the classic "+
			"\"login works, listing times out\").", addr, p.o.StepTimeout),
			"Open the passive range (vsftpd's pasv_min_port-pasv_max_port) on every firewall between client and server "+
				"and forward it, ports unchanged, to the server. A conntrack FTP helper cannot do it under TLS.",
			"server.nat, server.passive_start, firewalls")
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		fail(s, which+"-unreachable", fmt.Sprintf("%s is unreachable from here (%v).", addr, err),
			"Check the address and this machine's routing; behind NAT the server must be dialled at its public address.",
			"server.public_address")
	default:
		fail(s, which+"-connect", fmt.Sprintf("Connecting to %s failed: %v.", addr, err), "Check the address and port.", "")
	}
}

func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// read reads one reply within the step timeout.
func (p *prober) read(timeout time.Duration) (int, string, error) {
	_ = p.conn.SetDeadline(p.deadline(timeout))
	p.lim.reset()
	code, msg, err := p.tp.ReadResponse(0)
	var te *textproto.Error
	if errors.As(err, &te) { // a well-formed reply with an unexpected code
		return te.Code, te.Msg, nil
	}
	return code, msg, err
}

// cmd sends a command and reads its reply.
func (p *prober) cmd(timeout time.Duration, format string, args ...any) (int, string, error) {
	_ = p.conn.SetDeadline(p.deadline(timeout))
	if err := p.tp.PrintfLine(format, args...); err != nil {
		return 0, "", err
	}
	return p.read(timeout)
}

func reply(code int, msg string) string {
	msg = strings.ReplaceAll(msg, "\n", " / ")
	return fmt.Sprintf("%d %s", code, msg)
}

// oops diagnoses a vsftpd "500 OOPS" reply; ok is false for other replies.
func oops(s *Step, msg string) bool {
	if !strings.HasPrefix(msg, "OOPS") {
		return false
	}
	switch {
	case strings.Contains(msg, explain.Get(explain.ChrootWritable).Match):
		fail(s, "writable-chroot", "vsftpd ended the session: \"500 "+msg+"\". With chroot_local_user=YES the user's "+
			"root directory must not be writable by the user.",
			"Make the chroot root owned by root and not writable (chmod a-w), with a writable upload directory "+
				"inside (ftpswiz's layout); allow_writeable_chroot=YES is the weaker alternative.", "server.vsftpd.local_root")
	case strings.Contains(msg, explain.Get(explain.PassiveExhausted).Match):
		fail(s, "pasv-range-exhausted", "vsftpd ended the session: \"500 "+msg+"\": none of its "+strconv.Itoa(vsftpd.BindAttempts)+" random tries found a "+
			"free port in the passive range.", "Make the passive range larger (ftpswiz sizes it from the concurrent "+
			"transfers).", "server.capacity.concurrent_transfers")
	case strings.Contains(msg, "invalid pasv_address"):
		fail(s, "pasv-address-invalid", "vsftpd ended the session: \"500 "+msg+"\": pasv_address is not a bare IPv4 "+
			"address (quotes, a name without pasv_addr_resolve=YES).", "Write pasv_address=<public IPv4>, no quotes "+
			"(ftpswiz check finds this).", "server.public_address")
	case strings.Contains(msg, "priv_sock") || strings.Contains(msg, "child died") || strings.Contains(msg, "seccomp"):
		fail(s, "seccomp", "vsftpd's session process died: \"500 "+msg+"\" (its seccomp sandbox rejected a system call).",
			"Set seccomp_sandbox=NO.", "server.vsftpd.flavour")
	case strings.Contains(msg, explain.Get(explain.HomeMissing).Match):
		fail(s, "home-missing", "vsftpd ended the session: \"500 "+msg+"\": the user's home or local_root does not exist.",
			"Create the directory (and its upload subdirectory).", "server.vsftpd.local_root")
	default:
		fail(s, "vsftpd-oops", "vsftpd ended the session: \"500 "+msg+"\".", "Read the message: it names the failing "+
			"setting; ftpswiz check lints the config.", "")
	}
	return true
}

// newText makes c the control connection; replies are read through a limit
// (MaxReplyLine, MaxReplyBytes).
func (p *prober) newText(c net.Conn) {
	p.conn = c
	p.lim = newLimitedConn(c)
	p.tp = textproto.NewConn(p.lim)
}

func (p *prober) banner() {
	p.step("banner", func(s *Step) {
		if p.greeting != "" {
			s.Detail = p.greeting
			return
		}
		if p.tp == nil {
			p.newText(p.conn)
		}
		code, msg, err := p.read(min(p.o.StepTimeout, 4*time.Second))
		switch {
		case err != nil && isTimeout(err) && !p.secured:
			p.implicitMismatch(s)
			return
		case err != nil:
			p.connLost(s, "the greeting", err)
			return
		case code == 220:
			s.Detail = reply(code, msg)
		case code == 421:
			fail(s, "too-many", "The server turns the connection away: "+reply(code, msg)+".",
				"Raise max_clients and max_per_ip (everyone behind one NAT shares one address).",
				"server.capacity.concurrent_clients, server.capacity.per_client_limit")
			p.stop("refused at the greeting")
		case code == 500 && oops(s, msg):
			p.stop("vsftpd ended the session")
		default:
			fail(s, "banner", "Unexpected greeting: "+reply(code, msg)+".", "Check that this port runs vsftpd.", "")
			p.stop("unexpected greeting")
		}
	})
}

// implicitMismatch runs when an explicit probe gets no greeting: it checks
// whether the port speaks implicit FTPS and, if so, carries on that way.
func (p *prober) implicitMismatch(s *Step) {
	p.conn.Close()
	p.conn, p.tp = nil, nil
	addr := p.r.Address
	c, err := p.dial(addr, min(p.o.StepTimeout, 3*time.Second))
	if err == nil {
		tc := tls.Client(c, p.tlsConfig(true))
		_ = tc.SetDeadline(p.deadline(3 * time.Second))
		if herr := tc.Handshake(); herr == nil {
			p.raw = c
			p.newText(tc)
			p.secured = true
			p.recordTLS(tc.ConnectionState())
			// Implicit FTPS greets over TLS; a TLS service that is no
			// FTP server (a TLS-intercepting middlebox, an HTTPS or other
			// TLS service behind a wrong port forward) does not.
			code, msg, err := p.read(min(p.o.StepTimeout, 4*time.Second))
			if err != nil || code != 220 {
				got := "no FTP greeting"
				if err == nil {
					got = "no FTP greeting (it answered " + reply(code, msg) + ")"
				}
				fail(s, "tls-not-ftp", fmt.Sprintf("Something that is not an FTP server answers on %s (TLS without "+
					"FTP): it sends no plain-text greeting, and a TLS handshake succeeds, but over TLS there is %s "+
					"either. Typically a TLS-intercepting middlebox or proxy, or a port forward that points to "+
					"another TLS service (HTTPS, a VPN).", addr, got),
					"Check what listens on the port (ss -ltnp on the server) and where the router forwards it; "+
						"connect from a network without TLS inspection, or exempt this server from it.",
					"server.nat")
				p.stop("TLS without FTP")
				return
			}
			p.r.Mode = Implicit
			fail(s, "implicit-on-explicit", fmt.Sprintf("No greeting within the time limit, but a TLS handshake on %s "+
				"succeeds: the server speaks implicit FTPS (TLS from the first byte) on this port, while the client "+
				"expected explicit FTPS (plain-text greeting, then AUTH TLS). Both sides wait for each other until the "+
				"client times out.", addr),
				fmt.Sprintf("Connect with implicit FTPS (ftps://%s, lftp: open ftps://..., curl: ftps://, FileZilla: "+
					"\"Require implicit FTP over TLS\"), or configure the server for explicit FTPS on this port "+
					"(implicit_ssl=NO). The probe carries on over implicit FTPS.", net.JoinHostPort(p.o.Host, strconv.Itoa(p.o.Port))),
				"ftps.mode")
			s.Detail = "over implicit TLS: " + reply(code, msg)
			return
		}
		c.Close()
	}
	fail(s, "no-greeting", fmt.Sprintf("%s accepted the connection but sent no greeting within the time limit, and does "+
		"not answer a TLS handshake either: something holds the connection open without speaking FTP (a proxy, a "+
		"firewall's FTP filter, or an overloaded server).", addr),
		"Check what listens on the port; disable FTP inspection on firewalls in the path.", "")
	p.stop("no greeting")
}

// connLost diagnoses a control connection that broke while waiting for what.
func (p *prober) connLost(s *Step, what string, err error) {
	var rhe tls.RecordHeaderError
	oops := errors.As(err, &rhe) && string(rhe.RecordHeader[:]) == "500 O"
	switch {
	case errors.Is(err, ErrReplyTooLong):
		fail(s, "reply-too-long", fmt.Sprintf("While waiting for %s the server sent %v; the probe stopped reading. "+
			"No FTP server sends that: something else listens on the port, or a middlebox injects data.", what, err),
			"Check what listens on the port (and that the address and port are the FTPS server's).", "")
	case isTimeout(err):
		fail(s, "control-timeout", fmt.Sprintf("No reply to %s within the time limit.", what),
			"The server or a middlebox stalls the control connection.", "")
	case oops && (strings.Contains(what, "PASV") || strings.Contains(what, "EPSV")):
		fail(s, "pasv-range-exhausted", fmt.Sprintf("vsftpd answered %s with \"500 OOPS\" written in clear text "+
			"into the TLS stream (it cannot encrypt its last words), which at PASV means \"%s\": none "+
			"of its %d random tries found a free port in the passive range.", what,
			explain.Get(explain.PassiveExhausted).Match, vsftpd.BindAttempts),
			"Make the passive range larger (ftpswiz sizes it from the concurrent transfers).",
			"server.capacity.concurrent_transfers")
	case oops:
		fail(s, "server-oops", fmt.Sprintf("vsftpd ended the session while answering %s with \"500 OOPS\" written "+
			"in clear text into the TLS stream.", what),
			"Look at vsftpd's log (vsftpd_log_file, or journalctl -u vsftpd) for the OOPS message.", "")
	default:
		fail(s, "control-closed", fmt.Sprintf("The control connection broke while waiting for %s: %v. vsftpd closes "+
			"the session after writing \"500 OOPS: ...\", over TLS in clear text into the encrypted stream.", what, err),
			"Look at vsftpd's log (vsftpd_log_file, or journalctl -u vsftpd) for the OOPS message.", "")
	}
	p.stop("control connection lost")
}

func (p *prober) authTLS() {
	accepted := false
	p.step("auth", func(s *Step) {
		code, msg, err := p.cmd(p.o.StepTimeout, "AUTH TLS")
		switch {
		case err != nil:
			p.connLost(s, "AUTH TLS", err)
		case code == 234:
			s.Detail = reply(code, msg)
			accepted = true
		default:
			fail(s, "plaintext-only", fmt.Sprintf("The server refused AUTH TLS (%s): it speaks plain FTP only, so "+
				"passwords and files would cross the network in clear text. vsftpd answers this way when ssl_enable "+
				"is not YES.", reply(code, msg)),
				"Set ssl_enable=YES with rsa_cert_file and rsa_private_key_file, force_local_logins_ssl=YES and "+
					"force_local_data_ssl=YES (ftpswiz generate writes them). The probe does not log in over plain FTP.",
				"server.tls")
			p.stop("no TLS: the probe does not send a password in clear text")
		}
	})
	if accepted {
		p.handshake(true)
	} else {
		p.skip("tls", "no AUTH TLS")
	}
}

// tlsConfig is the client TLS configuration; fresh makes one without a
// session cache (a client that cannot resume).
func (p *prober) tlsConfig(shared bool) *tls.Config {
	c := &tls.Config{
		// The session cache is keyed by ServerName, so it must be set (an IP
		// address is fine: Go then sends no SNI) for data connections to
		// find the control connection's session.
		ServerName: p.o.ServerName,
		// The certificate is checked by the certificate step, which can say
		// what is wrong with it; the connection never carries a password
		// before that step passed (or --insecure).
		InsecureSkipVerify: true, //nolint:gosec // verified in certificate()
		MinVersion:         p.o.MinTLS,
		MaxVersion:         p.o.MaxTLS,
		Time:               func() time.Time { return time.Now().Add(p.clockShift) },
	}
	if c.MaxVersion != 0 && c.MaxVersion < tls.VersionTLS12 && (c.MinVersion == 0 || c.MinVersion > c.MaxVersion) {
		c.MinVersion = tls.VersionTLS10
	}
	if shared {
		c.ClientSessionCache = p.cache
	} else {
		c.SessionTicketsDisabled = true
	}
	return c
}

// handshake starts TLS on the control connection: right after connecting
// (implicit) or after AUTH TLS (explicit).
func (p *prober) handshake(explicit bool) {
	run := func(s *Step) {
		tc := tls.Client(p.conn, p.tlsConfig(true))
		_ = tc.SetDeadline(p.deadline(p.o.StepTimeout))
		if err := tc.Handshake(); err != nil {
			p.tlsError(s, err)
			return
		}
		p.secured = true
		p.newText(tc)
		st := tc.ConnectionState()
		p.recordTLS(st)
		s.Detail = tlsVersionName(st.Version) + ", " + tls.CipherSuiteName(st.CipherSuite)
		if st.Version < tls.VersionTLS12 {
			warn(s, "tls-old-accepted", fmt.Sprintf("The server accepted %s, deprecated since 2021 (RFC 8996).",
				tlsVersionName(st.Version)),
				"Disable TLS 1.0 and 1.1 on the server (ssl_tlsv1=NO; on 3.0.5 also ssl_tlsv11=NO, RHEL ssl_tlsv1_1=NO) "+
					"and remove @SECLEVEL=0 from ssl_ciphers.", "server.tls.profile")
		}
	}
	if explicit {
		p.step("tls", run)
		return
	}
	p.step("tls", func(s *Step) {
		run(s)
		if s.Status == Fail && s.Diagnosis != nil && s.Diagnosis.Code == "tls-plaintext" {
			p.explicitMismatch(s)
		}
	})
}

func (p *prober) recordTLS(st tls.ConnectionState) {
	info := &TLSInfo{Version: tlsVersionName(st.Version), CipherSuite: tls.CipherSuiteName(st.CipherSuite)}
	if len(st.PeerCertificates) > 0 {
		c := st.PeerCertificates[0]
		sum := sha256.Sum256(c.Raw)
		info.Subject = c.Subject.String()
		info.Issuer = c.Issuer.String()
		info.NotAfter = c.NotAfter
		info.Names = certNames(c)
		info.Fingerprint = colonHex(sum[:])
	}
	p.r.TLS = info
	p.state = st
}

func certNames(c *x509.Certificate) []string {
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName+" (CN only)")
	}
	return names
}

func colonHex(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	var out []string
	for i := 0; i < len(h); i += 2 {
		out = append(out, h[i:i+2])
	}
	return strings.Join(out, ":")
}

// tlsError diagnoses a failed handshake.
func (p *prober) tlsError(s *Step, err error) {
	msg := err.Error()
	limited := p.o.MaxTLS != 0 && p.o.MaxTLS < tls.VersionTLS12
	switch {
	case strings.Contains(msg, "first record does not look like a TLS handshake"):
		fail(s, "tls-plaintext", "The server answered the TLS handshake in plain text: it is not speaking TLS on this "+
			"port from the first byte.", "Use explicit FTPS (AUTH TLS) on this port.", "ftps.mode")
	case limited && !isTimeout(err):
		fail(s, "tls-version-refused", fmt.Sprintf("The server refuses a client limited to %s (%v), as it should: "+
			"vsftpd with ssl_tlsv1=NO and OpenSSL's default security level accept only TLS 1.2 and 1.3.",
			tlsVersionName(p.o.MaxTLS), err),
			"Update the client, or its TLS policy, to allow TLS 1.2 (old Windows: enable TLS 1.2 for SChannel; Java: "+
				"jdk.tls.client.protocols). Re-enabling TLS 1.0 on the server (ssl_tlsv1=YES plus @SECLEVEL=0 in "+
				"ssl_ciphers) is the insecure last resort.", "")
	case strings.Contains(msg, "protocol version"):
		fail(s, "tls-version-refused", fmt.Sprintf("No TLS version both sides accept (%v).", err),
			"Allow TLS 1.2 and 1.3 on both sides (vsftpd 3.0.3 cannot switch TLS 1.2 off; a TLS 1.3-only client needs "+
				"3.0.5 or the RHEL build with OpenSSL 1.1.1+).", "server.tls.profile")
	case strings.Contains(msg, "handshake failure") || strings.Contains(msg, "no cipher suite") ||
		strings.Contains(msg, "insufficient security"):
		fail(s, "tls-no-shared-cipher", fmt.Sprintf("The server found no cipher suite in common (%v). vsftpd 3.0.3's "+
			"built-in ssl_ciphers allows only ECDHE-RSA-AES256-GCM-SHA384, so an ECDSA certificate fails, and so "+
			"does a client without that suite.", err),
			"Set ssl_ciphers to a list with both ECDSA and RSA suites (ftpswiz writes Mozilla's intermediate list).",
			"server.tls.profile")
	case isTimeout(err):
		fail(s, "tls-timeout", "The TLS handshake got no answer within the time limit: the server expects something "+
			"else on this port (plain FTP), or a middlebox holds the connection.",
			"Check the FTPS mode (explicit on 21, implicit on 990) on both sides.", "ftps.mode")
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || strings.Contains(msg, "connection reset"):
		fail(s, "tls-closed", fmt.Sprintf("The server closed the connection during the TLS handshake (%v): vsftpd "+
			"could not load its certificate or key (\"500 OOPS: SSL: cannot load RSA certificate\"), or refuses the "+
			"TLS version or ciphers offered.", err),
			"Check rsa_cert_file and rsa_private_key_file (ftpswiz check reads them) and the TLS settings.", "server.tls")
	default:
		fail(s, "tls", fmt.Sprintf("The TLS handshake failed: %v.", err), "Check the server's TLS settings (ftpswiz check).",
			"server.tls")
	}
	p.stop("no TLS session")
}

// explicitMismatch runs when an implicit handshake got a plain-text reply:
// the port speaks explicit FTPS; the probe reconnects and carries on so.
func (p *prober) explicitMismatch(s *Step) {
	addr := p.r.Address
	s.Diagnosis = &Diagnosis{Code: "explicit-on-implicit", Explain: explain.ForProbe("explicit-on-implicit"),
		Cause: fmt.Sprintf("The server greeted in plain text on %s: it speaks explicit FTPS (or plain FTP) there, while "+
			"the client started TLS at once (implicit FTPS). The server reads the TLS handshake as a bad command.", addr),
		Fix: fmt.Sprintf("Connect with explicit FTPS (ftp://%s with TLS required: lftp set ftp:ssl-force yes, curl "+
			"--ssl-reqd, FileZilla \"Require explicit FTP over TLS\"), or run an implicit instance (implicit_ssl=YES, "+
			"listen_port=990). The probe carries on over explicit FTPS (AUTH TLS).", net.JoinHostPort(p.o.Host, strconv.Itoa(p.o.Port))),
		Answer: "ftps.mode"}
	p.stopped = ""
	if p.conn != nil {
		p.conn.Close()
	}
	c, err := p.dial(addr, p.o.StepTimeout)
	if err != nil {
		p.stop("reconnect failed")
		return
	}
	p.raw = c
	p.newText(c)
	p.r.Mode = Explicit
	code, msg, err := p.read(min(p.o.StepTimeout, 4*time.Second))
	if err != nil || code != 220 {
		p.stop("no plain-text greeting on reconnect")
		return
	}
	p.greeting = reply(code, msg)
	code, msg, err = p.cmd(p.o.StepTimeout, "AUTH TLS")
	if err != nil || code != 234 {
		s.Diagnosis.Cause += fmt.Sprintf(" It also refuses AUTH TLS (%s): plain FTP only.", reply(code, msg))
		s.Diagnosis.Code = "plaintext-only"
		p.stop("no TLS")
		return
	}
	tc := tls.Client(p.conn, p.tlsConfig(true))
	_ = tc.SetDeadline(p.deadline(p.o.StepTimeout))
	if err := tc.Handshake(); err != nil {
		p.stop("no TLS session over explicit FTPS either")
		return
	}
	p.secured = true
	p.newText(tc)
	p.recordTLS(tc.ConnectionState())
	s.Detail = "over explicit FTPS: " + p.r.TLS.Version + ", " + p.r.TLS.CipherSuite
}

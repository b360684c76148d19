package generators

import (
	"fmt"
	"strings"

	"github.com/ftpswiz/ftpswiz/internal/chars"
	"github.com/ftpswiz/ftpswiz/netaddr"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// certDeployHookFile is the output path of the certbot deploy hook.
const certDeployHookFile = "server/" + wizard.DeployHookName

// certUnitChars are the bytes of a unit name the hook restarts.
var certUnitChars = chars.NewSet("A-Za-z0-9@._-")

// certUnit reports whether unit is a plain systemd service name the hook
// can restart (^[A-Za-z0-9@._-]+\.service$, byte by byte: that pattern
// needs the backtracking matcher, whose first use in a run allocates 36 KB).
func certUnit(unit string) bool {
	name, ok := strings.CutSuffix(unit, ".service")
	return ok && name != "" && certUnitChars.All(name)
}

func hasLetsEncrypt(p *wizard.Plan) bool {
	return p.Server != nil && p.SFTP == nil && p.Server.Cert.Source == wizard.SourceLetsEncrypt
}

// certRenderers returns the renderers of the certificate's files.
func certRenderers() []Renderer {
	return []Renderer{{Name: "certbot-deploy-hook", Applies: hasLetsEncrypt, Render: renderDeployHook}}
}

// DeployHookRestarts are the commands the certbot deploy hook runs after a
// renewal, in order: every vsftpd instance restarts (it reads the
// certificate only at start). A plan that runs vsftpd in a container adds
// its reload here; this is the one place that list is made.
func DeployHookRestarts(p *wizard.Plan) ([]Cmd, error) {
	if c := p.Server.Container; c != nil {
		// vsftpd runs in the container: restarting it rereads the
		// certificate (bind-mounted from the host).
		if err := guardToken(string(c.Engine), unitTokenRE()); err != nil {
			return nil, fmt.Errorf("container engine %q %w", c.Engine, err)
		}
		if err := guardToken(c.Name, unitTokenRE()); err != nil {
			return nil, fmt.Errorf("container name %q %w", c.Name, err)
		}
		return []Cmd{Sh(string(c.Engine), "restart", c.Name)}, nil
	}
	var out []Cmd
	for _, in := range p.Server.Instances {
		if !certUnit(in.Unit) {
			return nil, fmt.Errorf("unit %q is not a plain systemd service name", in.Unit)
		}
		out = append(out, Sh("systemctl", "restart", in.Unit))
	}
	return out, nil
}

func renderDeployHook(p *wizard.Plan) ([]File, error) {
	c := p.Server.Cert
	if !netaddr.IsDNSName(c.Name, 2, false) {
		return nil, fmt.Errorf("%s: name %q (from server.public_address) is not a DNS name", certDeployHookFile, c.Name)
	}
	if err := guardToken(c.DeployHook, unitTokenRE()); err != nil {
		return nil, fmt.Errorf("%s: install path %q (from server.tls.letsencrypt.config_dir) %w", certDeployHookFile, c.DeployHook, err)
	}
	restarts, err := DeployHookRestarts(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certDeployHookFile, err)
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "# certbot deploy hook written by ftpswiz. Install as %s (mode 0755):\n", c.DeployHook)
	b.WriteString("# certbot runs every executable file in renewal-hooks/deploy/ after it renewed a\n")
	b.WriteString("# certificate, with RENEWED_DOMAINS naming the lineage's names. vsftpd reads its\n")
	b.WriteString("# certificate only at start, so it restarts here; without this hook it keeps\n")
	b.WriteString("# serving the old certificate until it expires.\n")
	fmt.Fprintf(&b, "# Test it: RENEWED_DOMAINS=%s sh %s\n", shWord(c.Name), shWord(c.DeployHook))
	b.WriteString("set -eu\n")
	b.WriteString("# Only the lineage vsftpd uses: other certificates on this host are not ours.\n")
	fmt.Fprintf(&b, "case \" ${RENEWED_DOMAINS:-} \" in\n*\" %s \"*) ;;\n*) exit 0 ;;\nesac\n", c.Name)
	for _, r := range restarts {
		b.WriteString(r.Line("") + "\n")
	}
	content := []byte(b.String())
	if err := guardLines(content, false, func(int, string) error { return nil }); err != nil {
		return nil, fmt.Errorf("%s: %w", certDeployHookFile, err)
	}
	return []File{{Path: certDeployHookFile, Mode: 0o755, Content: content, Desc: Desc{
		What: "certbot deploy hook: restarts vsftpd after each renewal", Side: wizard.SideServerHost,
		Install: c.DeployHook, Tool: "certbot",
		Check: []Cmd{Sh("sh", "-n").File()},
	}}}, nil
}

// CertbotCommand is the certbot command that obtains the certificate.
func CertbotCommand(p *wizard.Plan) Cmd {
	c := p.Server.Cert
	cmd := Sh("certbot", "certonly", "--non-interactive", "--agree-tos")
	if c.Challenge == wizard.ChallengeDNS01 {
		cmd = Sh("certbot", "certonly", "--agree-tos", "--manual", "--preferred-challenges", "dns")
	} else {
		cmd = cmd.Arg("--standalone", "--preferred-challenges", "http")
	}
	if c.KeyType == wizard.KeyRSA {
		cmd = cmd.Arg("--key-type", "rsa", "--rsa-key-size", "3072")
	} else {
		cmd = cmd.Arg("--key-type", "ecdsa", "--elliptic-curve", "secp256r1")
	}
	if c.Email != "" {
		cmd = cmd.Arg("--email", c.Email)
	} else {
		cmd = cmd.Arg("--register-unsafely-without-email")
	}
	if c.ACMEServer != "" {
		cmd = cmd.Arg("--server", c.ACMEServer)
	}
	if c.ConfigDir != wizard.DefaultLetsEncryptDir {
		cmd = cmd.Arg("--config-dir", c.ConfigDir)
	}
	return cmd.Arg("--cert-name", c.Name, "-d", c.Name)
}

// CertbotRenewDryRun checks that renewal will work.
func CertbotRenewDryRun(p *wizard.Plan) Cmd {
	c := p.Server.Cert
	cmd := Sh("certbot", "renew", "--dry-run", "--cert-name", c.Name)
	if c.ConfigDir != wizard.DefaultLetsEncryptDir {
		cmd = cmd.Arg("--config-dir", c.ConfigDir)
	}
	return cmd
}

// SelfSignedCommands create the dedicated self-signed pair and print its
// fingerprint; they never touch another pair.
func SelfSignedCommands(p *wizard.Plan) []Cmd {
	c := p.Server.Cert
	san := "DNS:" + c.Name
	if c.NameIsIP {
		san = "IP:" + c.Name
	}
	newkey := []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"}
	if c.KeyType == wizard.KeyRSA {
		newkey = []string{"-newkey", "rsa:3072"}
	}
	dir := c.CertFile[:strings.LastIndex(c.CertFile, "/")+1]
	keyDir := c.KeyFile[:strings.LastIndex(c.KeyFile, "/")+1]
	cmds := []Cmd{Sh("install", "-d", "-m", "0755", dir)}
	if keyDir != dir {
		cmds = append(cmds, Sh("install", "-d", "-m", "0700", keyDir))
	}
	req := Sh("openssl", "req", "-x509").Arg(newkey...).Arg("-nodes", "-sha256", "-days", "825",
		"-subj", "/CN="+c.Name, "-addext", "subjectAltName="+san,
		"-addext", "basicConstraints=critical,CA:FALSE", "-addext", "extendedKeyUsage=serverAuth",
		"-keyout", c.KeyFile, "-out", c.CertFile)
	return append(cmds,
		Sh("test", "-e", c.CertFile).Op("||").Arg(req.Values()...).With("never overwrites an existing pair"),
		Sh("chmod", "600", c.KeyFile),
		Sh("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", c.CertFile))
}

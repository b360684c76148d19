package generators

import (
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// TestDeployHookRestarts: the renewal hook restarts every vsftpd instance,
// or the container vsftpd runs in, and only for its own lineage.
func TestDeployHookRestarts(t *testing.T) {
	yes := true
	base := func(mode wizard.Mode) wizard.Answers {
		return wizard.Answers{
			Version: wizard.SchemaVersion, Role: wizard.RoleServer, FTPS: wizard.FTPS{Mode: mode},
			Server: &wizard.Server{PublicAddress: "ftps.example.com", NAT: wizard.NATNone, Capacity: wizard.Capacity{Transfers: 4},
				TLS:    wizard.TLS{Source: wizard.SourceLetsEncrypt, RequireSSLReuse: &yes},
				Vsftpd: wizard.Vsftpd{Flavour: wizard.FlavourDebian}},
			Firewalls: []wizard.Firewall{wizard.FirewallNftables},
		}
	}
	tests := []struct {
		name string
		mode wizard.Mode
		want []string
	}{
		{"explicit", wizard.ModeExplicit, []string{"systemctl restart vsftpd.service"}},
		{"both instances", wizard.ModeBoth, []string{"systemctl restart vsftpd.service", "systemctl restart vsftpd-implicit.service"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := wizard.Decide(base(tt.mode))
			if err != nil {
				t.Fatal(err)
			}
			files, err := Render(p)
			if err != nil {
				t.Fatal(err)
			}
			hook := string(mustFile(t, files, certDeployHookFile))
			for _, w := range tt.want {
				if !strings.Contains(hook, "\n"+w+"\n") {
					t.Errorf("hook lacks %q:\n%s", w, hook)
				}
			}
			if !strings.Contains(hook, `*" ftps.example.com "*) ;;`) {
				t.Errorf("hook does not limit itself to its lineage:\n%s", hook)
			}
			f, _ := reportFind(files, certDeployHookFile)
			if f.Mode != 0o755 || f.Desc.Install != "/etc/letsencrypt/renewal-hooks/deploy/ftpswiz-vsftpd.sh" {
				t.Errorf("hook mode %v install %q", f.Mode, f.Desc.Install)
			}
		})
	}
	p, err := wizard.Decide(base(wizard.ModeExplicit))
	if err != nil {
		t.Fatal(err)
	}
	p.Server.Container = &wizard.ContainerPlan{Engine: "docker", Name: "ftpswiz-vsftpd"}
	cmds, err := DeployHookRestarts(p)
	if err != nil || len(cmds) != 1 || cmds[0].Line("") != "docker restart ftpswiz-vsftpd" {
		t.Errorf("container: %v %v", cmds, err)
	}
	p.Server.Container.Name = "x; reboot"
	if _, err := DeployHookRestarts(p); err == nil {
		t.Error("a container name with shell syntax was accepted")
	}
	// Self-signed and own plans have no hook.
	a := base(wizard.ModeExplicit)
	a.Server.PublicAddress, a.Server.TLS.Source = "198.51.100.10", wizard.SourceSelfSigned
	p, err = wizard.Decide(a)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := Render(p)
	if _, ok := reportFind(files, certDeployHookFile); ok {
		t.Error("a self-signed plan got a certbot hook")
	}
}

// TestCiphersMatchKeyType: ssl_ciphers lists the suites the key can sign.
func TestCiphersMatchKeyType(t *testing.T) {
	for _, tt := range []struct {
		src       wizard.TLSSource
		key       wizard.KeyType
		has, lack string
	}{
		{wizard.SourceSelfSigned, wizard.KeyECDSA, "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA"},
		{wizard.SourceSelfSigned, wizard.KeyRSA, "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA"},
		{wizard.SourceOwn, wizard.KeyAny, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", ""},
	} {
		yes := true
		tls := wizard.TLS{Source: tt.src, KeyType: tt.key, RequireSSLReuse: &yes}
		if tt.src == wizard.SourceOwn {
			tls.CertFile, tls.KeyFile = "/etc/ssl/certs/ftp.pem", "/etc/ssl/private/ftp.key"
		}
		p, err := wizard.Decide(wizard.Answers{Version: wizard.SchemaVersion, Role: wizard.RoleServer,
			FTPS: wizard.FTPS{Mode: wizard.ModeExplicit},
			Server: &wizard.Server{PublicAddress: "198.51.100.10", NAT: wizard.NATNone, Capacity: wizard.Capacity{Transfers: 4},
				TLS: tls, Vsftpd: wizard.Vsftpd{Flavour: wizard.FlavourDebian}},
			Firewalls: []wizard.Firewall{wizard.FirewallNftables}})
		if err != nil {
			t.Fatal(err)
		}
		files, _ := Render(p)
		conf := string(mustFile(t, files, "server/vsftpd.conf"))
		line := ""
		for _, l := range strings.Split(conf, "\n") {
			if strings.HasPrefix(l, "ssl_ciphers=") {
				line = l
			}
		}
		if !strings.Contains(line, tt.has) || (tt.lack != "" && strings.Contains(line, tt.lack)) {
			t.Errorf("%s/%s: %s", tt.src, tt.key, line)
		}
	}
}

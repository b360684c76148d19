package wizard

import (
	"strings"
	"testing"
)

// The TLS profile's label names the versions the plan really allows: the
// intermediate profile caps at TLS 1.2 unless allow_tls13 is set, so its
// label must not promise TLS 1.3 (it said "TLS 1.2 and 1.3").
func TestProfileLabelsMatchThePlan(t *testing.T) {
	q, ok := QuestionByKey(QTLSProfile)
	if !ok {
		t.Fatal("no TLS profile question")
	}
	for _, tt := range []struct {
		profile TLSProfile
		flavour Flavour
	}{
		{ProfileIntermediate, FlavourDebian},
		{ProfileIntermediate, FlavourUpstream},
		{ProfileModern, FlavourUpstream},
	} {
		a := classic(t)
		a.Server.TLS.Profile = tt.profile
		a.Server.Vsftpd.Flavour = tt.flavour
		p, err := Decide(a)
		if err != nil {
			t.Fatalf("%s/%s: %v", tt.profile, tt.flavour, err)
		}
		var why string
		for _, d := range p.Decisions {
			if d.Key == "tls.protocols" {
				why = d.Why
			}
		}
		vers := ProfileVersions(tt.profile, p.Server.TLS13)
		if !strings.Contains(why, "allows "+strings.Join(vers, " and ")+".") {
			t.Errorf("%s/%s: decision says %q, versions %v", tt.profile, tt.flavour, why, vers)
		}
		c, _ := q.Choice(string(tt.profile))
		label := c.Label
		for _, v := range []string{"TLS 1.2", "TLS 1.3"} {
			inPlan := strings.Contains(strings.Join(vers, ","), v)
			if strings.Contains(label, v) != inPlan {
				t.Errorf("%s/%s: label %q, but the plan allows %v", tt.profile, tt.flavour, label, vers)
			}
		}
	}
}

func TestProfileOffered(t *testing.T) {
	for _, tt := range []struct {
		p    TLSProfile
		fl   Flavour
		want bool
	}{
		{ProfileIntermediate, FlavourDebian, true},
		{ProfileModern, FlavourDebian, false},
		{ProfileModern, FlavourUpstream, true},
		{ProfileModern, FlavourRHEL, true},
	} {
		if got := ProfileOffered(tt.p, tt.fl); got != tt.want {
			t.Errorf("ProfileOffered(%s, %s) = %v", tt.p, tt.fl, got)
		}
	}
}

// The partner's constraint is an answer: saved, round-tripped, and refused
// with protocol sftp (naming the field and the fix).
func TestConstraintsAreAnswers(t *testing.T) {
	a := classic(t)
	a.Constraints = Constraints{PartnerRequiresFTPS: true}
	data, err := EncodeAnswers(Normalize(a))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "constraints:\n  partner_requires_ftps: true") {
		t.Errorf("encoded answers lack the constraint:\n%s", data)
	}
	back, err := DecodeAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Constraints.PartnerRequiresFTPS {
		t.Error("constraint lost in the round trip")
	}
	if r := Recommend(back, back.Constraints.RecommendOptions()); r.Protocol != ProtocolFTPS {
		t.Errorf("recommendation %s for a partner that accepts only FTPS", r.Protocol)
	}
	s := sftpAnswers()
	s.Constraints = Constraints{PartnerRequiresFTPS: true, ClientCertificates: true}
	_, err = Decide(s)
	fields := map[string]bool{}
	for _, fe := range FieldErrors(err) {
		fields[fe.Field] = true
	}
	if !fields["constraints.partner_requires_ftps"] || !fields["constraints.client_certificates"] {
		t.Errorf("sftp with FTPS-only constraints: %v", err)
	}
}

// A plan of the client alone does not speak as the server ("two vsftpd
// instances", "port_enable=NO"): it says what the client does and to ask
// the server's operator.
func TestClientPlanSpeaksAsTheClient(t *testing.T) {
	for _, mode := range []Mode{ModeExplicit, ModeImplicit, ModeBoth} {
		for _, active := range []bool{false} {
			a := Answers{Version: 1, Role: RoleClient, FTPS: FTPS{Mode: mode, ActiveMode: active},
				Client: &Client{NAT: ClientNATNone, ServerAddress: "ftp.vendor.example",
					PassivePorts: "50000-50099", Software: []ClientSoftware{ClientLFTP}}}
			p, err := Decide(a)
			if err != nil {
				t.Fatalf("%s: %v", mode, err)
			}
			for _, d := range p.Decisions {
				if d.Key != "ftps.mode" && d.Key != "ftps.active_mode" {
					continue
				}
				text := d.Value + " " + d.Why
				for _, bad := range []string{"vsftpd", "port_enable", "instances", "implicit_ssl"} {
					if strings.Contains(text, bad) {
						t.Errorf("%s %s: %q speaks as the server: %s", mode, d.Key, bad, text)
					}
				}
				if d.Key == "ftps.mode" && !strings.Contains(d.Why, "server's operator") {
					t.Errorf("%s: mode decision does not say to ask the server's operator: %s", mode, d.Why)
				}
			}
		}
	}
}

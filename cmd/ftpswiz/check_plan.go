package main

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/ftpswiz/ftpswiz/vsftpd"
	"github.com/ftpswiz/ftpswiz/vsftpdconf"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// lintOptionsFromPlan fills the linter's options from a wizard plan: what
// the answers say the server is for. instance picks the plan's instance
// ("explicit" or "implicit"; "" is the first one). It lives here, not in
// vsftpdconf, so that the linter does not import the planner.
func lintOptionsFromPlan(p *wizard.Plan, instance string) vsftpdconf.Options {
	o := vsftpdconf.Options{}
	if p == nil || p.Server == nil {
		return o
	}
	s := p.Server
	o.Flavour = s.Flavour
	o.Transfers = s.Sizing.Transfers
	o.Target = s.Sizing.Target
	if p.Answers.Server != nil {
		o.Clients = p.Answers.Server.Capacity.Clients
		o.PerClient = p.Answers.Server.Capacity.PerClient
	}
	o.PublicAddress = s.PublicAddress
	behind := s.NAT.Behind()
	o.BehindNAT = &behind
	up := s.WriteEnable
	o.Uploads = &up
	for _, in := range s.Instances {
		if instance == "" || in.Name == instance {
			imp := in.Implicit
			o.Implicit = &imp
			if slices.Equal(in.Families, []wizard.Family{wizard.FamilyIPv6}) {
				// An IPv6-only listener: IPv6 has no NAT, so no pasv_address.
				no := false
				o.BehindNAT = &no
			}
			break
		}
	}
	return o
}

// isLiveConfig reports whether file is the build's live config on this
// machine: its config path, or the implicit instance's next to it (the
// path ftpswiz installs it to), also when reached through a symlink.
func isLiveConfig(file string, fl vsftpd.Flavour) bool {
	live := vsftpd.BuildOf(fl).ConfigPath
	candidates := []string{live, strings.TrimSuffix(live, ".conf") + "-implicit.conf"}
	abs, err := filepath.Abs(file)
	if err != nil {
		return false
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	for _, c := range candidates {
		if abs == c || real == c {
			return true
		}
		if r, err := filepath.EvalSymlinks(c); err == nil && r == real {
			return true
		}
	}
	return false
}

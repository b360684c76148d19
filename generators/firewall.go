package generators

import (
	"slices"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// firewallRenderers returns the renderers of this group: one per firewall
// backend in plan.Answers.Firewalls. Each writes rules for every side in
// plan.Sides() that the backend suits (see the firewall_*.go files):
//
//	nftables   firewall/<side>.nft            every side
//	iptables   firewall/<side>.iptables       every side
//	ufw        firewall/<side>.ufw.sh         host sides
//	firewalld  firewall/<side>.firewalld.sh   host sides
//	aws        firewall/aws-security-group.sh and .tf   host sides
func firewallRenderers() []Renderer {
	return []Renderer{
		nftRenderer(),
		iptablesRenderer(),
		ufwRenderer(),
		firewalldRenderer(),
		awsRenderer(),
	}
}

// fwWants returns an Applies func: the plan asks for the backend and has at
// least one side the backend writes (keep == nil: any side).
func fwWants(backend wizard.Firewall, keep func(wizard.Side) bool) func(*wizard.Plan) bool {
	return func(p *wizard.Plan) bool {
		if !slices.Contains(p.Answers.Firewalls, backend) {
			return false
		}
		for _, s := range p.Sides() {
			if keep == nil || keep(s) {
				return true
			}
		}
		return false
	}
}

// fwHostSides returns the plan's host sides (server-host, client-host).
func fwHostSides(p *wizard.Plan) []wizard.Side {
	var out []wizard.Side
	for _, s := range p.Sides() {
		if fwHostSide(s) {
			out = append(out, s)
		}
	}
	return out
}

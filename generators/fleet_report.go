package generators

import (
	"fmt"
	"strings"

	"github.com/ftpswiz/ftpswiz/wizard"
)

// renderFleetReport writes the fleet's REPORT.md: one port map per router
// and per server, what the fleet allocated, the outputs, and how to run the
// playbook. Each server's own REPORT.md (servers/NAME/REPORT.md) has its
// decisions with their reasons.
func renderFleetReport(v *fleetView) (File, error) {
	fp := v.Plan
	var b strings.Builder
	fmt.Fprintf(&b, "# ftpswiz fleet %s\n\n", fp.Name)
	fmt.Fprintf(&b, "%d vsftpd server(s), %d NAT router(s), %d client site(s). Each server's decisions, with their reasons, are in `servers/NAME/REPORT.md`.\n\n",
		len(fp.Servers), len(fp.Routers), len(fp.Sites))
	for _, r := range fp.Routers {
		fmt.Fprintf(&b, "## Router %s (public address %s)\n\n", r.Name, r.PublicAddress)
		fmt.Fprintf(&b, "One ruleset carries every server behind it (`routers/%s/firewall/`); a server's own server-router file is not written, because loading it would replace the other servers' forwards.", r.Name)
		if !r.Router.Kind.Linux() {
			fmt.Fprintf(&b, " This router is %s: the playbook configures Linux routers only, so apply its file by hand, as the file's header says.", r.Router.Kind.Label())
		}
		b.WriteString("\n\n")
		wan := r.Router.WANInterface
		if wan == "" {
			wan = "the WAN"
		}
		b.WriteString("| server | purpose | ports (arriving on " + wan + ") | forwarded to | from |\n| --- | --- | --- | --- | --- |\n")
		for i, p := range r.Plans {
			for _, row := range p.PortMap() {
				if f := row.Flow; f.Side == wizard.SideServerRouter {
					fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.Servers[i], row.Carries, row.Ports, f.DNATTo, row.From)
				}
			}
		}
		b.WriteString("\n")
	}
	for _, s := range fp.Servers {
		sp := s.Plan.Server
		fmt.Fprintf(&b, "## Server %s (%s", s.Name, sp.HostAddress)
		if s.Router != "" {
			fmt.Fprintf(&b, ", behind %s", s.Router)
		}
		b.WriteString(")\n\n")
		if len(s.Allocated) > 0 {
			fmt.Fprintf(&b, "Allocated by the fleet (this server shares the public address %s): %s.\n\n", sp.PublicAddress, strings.Join(s.Allocated, ", "))
		}
		var builds []string
		for _, bp := range s.Builds {
			builds = append(builds, string(bp.Flavour))
		}
		fmt.Fprintf(&b, "vsftpd configurations for the build(s) %s (`servers/%s/builds/`); the playbook picks the one the target runs, from its package facts.\n\n",
			strings.Join(builds, ", "), s.Name)
		b.WriteString("| box | direction | carries | ports | from | to |\n| --- | --- | --- | --- | --- | --- |\n")
		for _, row := range s.Plan.PortMap() {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", row.Side, row.Direction, row.Carries, row.Ports, row.From, row.To)
		}
		b.WriteString("\n")
	}
	for _, st := range fp.Sites {
		fmt.Fprintf(&b, "## Client site %s\n\n", st.Name)
		for _, c := range st.Clients {
			sv := c.Plan.Service
			var ports []string
			for _, e := range sv.Endpoints {
				ports = append(ports, fmt.Sprint(e.Port))
			}
			fmt.Fprintf(&b, "- %s: %s, control port %s, passive range %s; client configurations in `sites/%s/%s/client/`\n",
				c.Server, sv.Address.Value, strings.Join(ports, ", "), sv.Passive, st.Name, c.Server)
		}
		fmt.Fprintf(&b, "\nThe site's firewall rules for all its servers are in one ruleset per box: `sites/%s/firewall/`.\n\n", st.Name)
	}
	b.WriteString("## Running the playbook\n\n")
	b.WriteString("The Ansible project in `ansible/` uses only modules shipped with Debian's `ansible` package " +
		"(ansible.builtin, ansible.posix, community.general). Set `ansible_host` in `ansible/inventory.yml` where it is missing, " +
		"install `ftpswiz` on the vsftpd hosts and client sites (the configuration's `validate:` runs " +
		"`ftpswiz check --fail-on error`, the last play `ftpswiz probe --json`), then:\n\n")
	b.WriteString("```sh\ncd ansible\nansible-playbook site.yml --syntax-check\nansible-playbook site.yml --check --diff   # what would change, nothing is changed\nansible-playbook site.yml\nansible-playbook site.yml                  # again: changed=0\n```\n\n")
	fmt.Fprintf(&b, "Routers go first, then the vsftpd hosts %d at a time (`serial`), then the client sites, then a probe of every server from every site. "+
		"A configuration that `ftpswiz check --fail-on error` refuses is not installed, and the running vsftpd keeps serving. "+
		"Handlers restart vsftpd only when its files changed and reload a firewall only when its rules changed.\n\n", fp.Serial)
	b.WriteString("Regenerate everything with `ftpswiz generate --answers fleet.yaml --out . --force`: every server's files are rebuilt from the same fleet file, so changing one server leaves the others' ports and rules as they were.\n")
	return File{Path: "REPORT.md", Mode: 0o644, Content: []byte(b.String()), Desc: Desc{What: "the fleet's report: port maps per router and server, how to run the playbook"}}, nil
}

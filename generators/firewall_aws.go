package generators

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ftpswiz/ftpswiz/templates"
	"github.com/ftpswiz/ftpswiz/wizard"
)

// aws: an AWS security group per host side, as AWS CLI commands
// (firewall/aws-security-group.sh) and as Terraform
// (firewall/aws-security-group.tf). A host's inbound flows become ingress
// rules, its outbound flows egress rules. Security groups are stateful, so
// replies need no rule.

var (
	awsScriptPath    = fwBackendOf(fwKindAWSCLI).Path("")
	awsTerraformPath = fwBackendOf(fwKindTerraform).Path("")
)

func renderAWS(p *wizard.Plan) ([]File, error) {
	sides := fwHostSides(p)
	sh, err := renderScript(awsScriptView(p, sides))
	if err != nil {
		return nil, fmt.Errorf("aws: %w", err)
	}
	tf, err := templates.Render("firewall-aws.tf.tmpl", awsTerraformView(p, sides))
	if err != nil {
		return nil, fmt.Errorf("aws: %w", err)
	}
	c := fwStepCtx{Sides: sides}
	return []File{
		fwBackendOf(fwKindAWSCLI).File(sides[0], c, sh),
		fwBackendOf(fwKindTerraform).File(sides[0], c, tf),
	}, nil
}

// awsIPPermission is one element of --ip-permissions (EC2 IpPermission).
type awsIPPermission struct {
	IPProtocol string       `json:"IpProtocol"`
	FromPort   *int         `json:"FromPort,omitempty"`
	ToPort     *int         `json:"ToPort,omitempty"`
	IPRanges   []awsIPRange `json:"IpRanges"`
	// IPv6Ranges are the IPv6 peers (an IPv6 flow's).
	IPv6Ranges []awsIPv6Range `json:"Ipv6Ranges,omitempty"`
}

type awsIPv6Range struct {
	CidrIPv6    string `json:"CidrIpv6"`
	Description string `json:"Description,omitempty"`
}

type awsIPRange struct {
	CidrIP      string `json:"CidrIp"`
	Description string `json:"Description,omitempty"`
}

// awsCIDR makes an address a CIDR (AWS wants "/32" on a single address).
func awsCIDR(a string) string {
	if a == "" {
		return wizard.AnyIPv4
	}
	if !strings.Contains(a, "/") {
		if wizard.CIDRFamily(a) == wizard.FamilyIPv6 {
			return a + "/128"
		}
		return a + "/32"
	}
	return a
}

// awsAny is anywhere in the flow's family.
func awsAny(f wizard.Flow) string {
	if f.Family == wizard.FamilyIPv6 {
		return wizard.AnyIPv6
	}
	return wizard.AnyIPv4
}

// awsPeers are the flow's remote networks: sources of an inbound flow,
// the destination of an outbound one.
func awsPeers(f wizard.Flow) []string {
	if f.Direction == wizard.Inbound {
		if len(f.From) == 0 {
			return []string{awsAny(f)}
		}
		out := make([]string, 0, len(f.From))
		for _, c := range f.From {
			out = append(out, awsCIDR(c))
		}
		return out
	}
	if f.To == "" {
		return []string{awsAny(f)}
	}
	return []string{awsCIDR(f.To)}
}

func awsPermissionJSON(f wizard.Flow) (string, error) {
	first, last := f.Ports.First, f.Ports.Last
	perm := awsIPPermission{IPProtocol: "tcp", FromPort: &first, ToPort: &last}
	for _, c := range awsPeers(f) {
		if wizard.CIDRFamily(c) == wizard.FamilyIPv6 {
			perm.IPv6Ranges = append(perm.IPv6Ranges, awsIPv6Range{CidrIPv6: c, Description: fwTag(f)})
			continue
		}
		perm.IPRanges = append(perm.IPRanges, awsIPRange{CidrIP: c, Description: fwTag(f)})
	}
	if perm.IPRanges == nil {
		perm.IPRanges = []awsIPRange{}
	}
	b, err := json.Marshal([]awsIPPermission{perm})
	if err != nil {
		return "", fmt.Errorf("ip-permissions: %w", err)
	}
	return string(b), nil
}

// awsAllOut is AWS's default allow-all egress rule.
const awsAllOut = `[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]`

// awsGroupVar is the shell variable holding a side's security group id.
func awsGroupVar(side wizard.Side, sides []wizard.Side) string {
	if len(sides) == 1 {
		return "SG_ID"
	}
	if side == wizard.SideServerHost {
		return "SERVER_SG_ID"
	}
	return "CLIENT_SG_ID"
}

const awsPrelude = `command -v aws >/dev/null || { echo "the AWS CLI is not installed" >&2; exit 1; }

# rule adds (authorize) or removes (revoke) security group rules and treats
# "already there" / "not there" as done, so the script can be re-run.
# Usage: rule authorize|revoke ingress|egress GROUP_ID IP_PERMISSIONS_JSON
rule() {
	local out
	if out=$(aws ec2 "$1-security-group-$2" --group-id "$3" --ip-permissions "$4" 2>&1); then
		echo "$1 $2 $3: done"
	elif grep -q -e InvalidPermission.Duplicate -e InvalidPermission.NotFound <<<"$out"; then
		echo "$1 $2 $3: nothing to do"
	else
		echo "$out" >&2
		return 1
	fi
}`

func awsScriptView(p *wizard.Plan, sides []wizard.Side) scriptView {
	v := scriptView{Title: "AWS security group rules (AWS CLI)", Command: fwRegenerate, Prelude: awsPrelude}
	v.Intro = append(fwBackendOf(fwKindAWSCLI).HeaderLines(sides[0], fwStepCtx{Sides: sides}), "#")
	v.Intro = append(v.Intro, fwCommentLines("# ",
		"Security groups are stateful: replies to an allowed connection, and their ICMP errors, always pass; nothing to add for them. Descriptions carry the flow's purpose and the decision key (ftpswiz explain KEY); the comments carry the reasons.")...)
	for _, s := range sides {
		v.Prelude += "\n: \"${" + awsGroupVar(s, sides) + ":?set " + awsGroupVar(s, sides) + " to the security group id (sg-...) of the " + strings.ToLower(s.Title()) + "}\""
	}
	for _, side := range sides {
		gv := `"$` + awsGroupVar(side, sides) + `"`
		v.Steps = append(v.Steps, scriptStep{Comment: []string{"#", "# " + side.Title() + " (" + string(side) + ")", "#"}})
		egress := false
		for _, f := range p.FlowsFor(side) {
			js, err := awsPermissionJSON(f)
			if err != nil {
				// json.Marshal of these types cannot fail; keep the file honest anyway.
				js = "[]"
			}
			dir := "ingress"
			if f.Direction != wizard.Inbound {
				dir = "egress"
				egress = egress || side == wizard.SideClientHost
			}
			var notes []string
			if !f.SourcePorts.IsZero() {
				notes = append(notes, "a security group cannot match the source port "+f.SourcePorts.String())
			}
			v.Steps = append(v.Steps, flowStep(f, []string{"rule authorize " + dir + " " + gv + " " + shQuote(js)}, notes...))
		}
		if egress {
			v.Steps = append(v.Steps, scriptStep{
				Comment:  fwCommentLines("# ", "WARNING: egress filter. A security group lets everything out by default; removing that rule leaves only the flows above (DNS to the VPC's own resolver is not filtered by security groups; anything else this instance needs must be added)."),
				Commands: []string{"rule revoke egress " + gv + " " + shQuote(awsAllOut)},
			})
		}
	}
	return v
}

// tfBlock is one Terraform block.
type tfBlock struct {
	Comment []string
	Kind    string
	Labels  []string
	Attrs   []string
}

type tfView struct {
	Title   string
	Command string
	Intro   []string
	Blocks  []tfBlock
}

// tfAttrs formats attributes aligned the way `terraform fmt` does.
func tfAttrs(kv ...string) []string {
	width := 0
	for i := 0; i < len(kv); i += 2 {
		width = max(width, len(kv[i]))
	}
	out := make([]string, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		out = append(out, fmt.Sprintf("%-*s = %s", width, kv[i], kv[i+1]))
	}
	return out
}

func tfString(s string) string { return strconv.Quote(s) }

// tfName makes a Terraform resource name.
func tfName(parts ...string) string {
	s := strings.Join(parts, "_")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return b.String()
}

func awsTerraformView(p *wizard.Plan, sides []wizard.Side) tfView {
	v := tfView{Title: "AWS security groups (Terraform)", Command: fwRegenerate}
	v.Intro = append(v.Intro, fwBackendOf(fwKindTerraform).HeaderLines(sides[0], fwStepCtx{Sides: sides})...)
	v.Intro = append(v.Intro, "#")
	v.Intro = append(v.Intro, fwCommentLines("# ",
		"Attach each security group to its instance (vpc_security_group_ids = [aws_security_group.NAME.id]). Security groups are stateful: replies to an allowed connection, and their ICMP errors, always pass; nothing to add for them.")...)
	for _, side := range sides {
		sg := tfName("ftpswiz", string(side))
		ref := "aws_security_group." + sg + ".id"
		v.Blocks = append(v.Blocks, tfBlock{
			Comment: []string{"# " + side.Title() + " (" + string(side) + ")"},
			Kind:    "resource", Labels: []string{"aws_security_group", sg},
			Attrs: tfAttrs("name", tfString("ftpswiz-"+string(side)),
				"description", tfString(fwSafe(side.Title()+" (ftpswiz)")),
				"vpc_id", "var.vpc_id"),
		})
		used := map[string]int{}
		egress := false
		for _, f := range p.FlowsFor(side) {
			kind := "aws_vpc_security_group_ingress_rule"
			if f.Direction != wizard.Inbound {
				kind = "aws_vpc_security_group_egress_rule"
				egress = egress || side == wizard.SideClientHost
			}
			comment := fwRuleComment("# ", fwRule{Why: f.Why, Warning: f.Warning})
			if !f.SourcePorts.IsZero() {
				comment = append(comment, "# (a security group cannot match the source port "+f.SourcePorts.String()+")")
			}
			for _, peer := range awsPeers(f) {
				cidrAttr := "cidr_ipv4"
				base := tfName(string(side), string(f.Purpose))
				if wizard.CIDRFamily(peer) == wizard.FamilyIPv6 {
					cidrAttr = "cidr_ipv6"
					base = tfName(string(side), string(f.Purpose)+"_ipv6")
				}
				used[base]++
				name := base
				if n := used[base]; n > 1 {
					name = fmt.Sprintf("%s_%d", base, n)
				}
				v.Blocks = append(v.Blocks, tfBlock{
					Comment: comment, Kind: "resource", Labels: []string{kind, name},
					Attrs: tfAttrs("security_group_id", ref,
						"description", tfString(fwTag(f)),
						"ip_protocol", tfString("tcp"),
						"from_port", strconv.Itoa(f.Ports.First),
						"to_port", strconv.Itoa(f.Ports.Last),
						cidrAttr, tfString(peer)),
				})
				comment = nil
			}
		}
		if side == wizard.SideServerHost {
			v.Blocks = append(v.Blocks, tfBlock{
				Comment: fwCommentLines("# ", "Terraform removes the allow-all egress rule AWS gives a new security group; this puts it back, because ftpswiz does not filter the server's own outbound connections."),
				Kind:    "resource", Labels: []string{"aws_vpc_security_group_egress_rule", tfName(string(side), "all_outbound")},
				Attrs: tfAttrs("security_group_id", ref,
					"description", tfString("ftpswiz server outbound (AWS default)"),
					"ip_protocol", tfString("-1"),
					"cidr_ipv4", tfString(wizard.AnyIPv4)),
			})
		}
		if egress {
			// Attach the warning to the group itself.
			for i := range v.Blocks {
				if len(v.Blocks[i].Labels) == 2 && v.Blocks[i].Labels[1] == sg {
					v.Blocks[i].Comment = append(v.Blocks[i].Comment, fwCommentLines("# ",
						"WARNING: egress filter. Terraform removes the default allow-all egress rule, so this instance can open only the connections below (DNS to the VPC's own resolver is not filtered by security groups; anything else it needs must be added).")...)
				}
			}
		}
		v.Blocks = append(v.Blocks, tfBlock{
			Kind: "output", Labels: []string{sg + "_id"},
			Attrs: tfAttrs("value", ref),
		})
	}
	return v
}

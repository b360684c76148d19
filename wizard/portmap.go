package wizard

import "strings"

// PortMapRow is one row of the port map in words: the one wording that
// REPORT.md's port map, `ftpswiz ports` (its table and Markdown formats) and
// the wizard's review and screen-reader sentences render, each in its own
// layout. The machine formats (JSON, TSV) keep the flow's raw values.
type PortMapRow struct {
	Flow Flow
	// Side is the box ("Server host").
	Side string
	// Direction is inbound, outbound or forward.
	Direction string
	// Protocol is "TCP", with the family in a plan of several families
	// ("TCP (IPv6)").
	Protocol string
	// Ports are the destination ports, with the source port when it is
	// fixed ("20 (from source port 20)").
	Ports string
	// Carries says what the connections carry ("control, explicit FTPS");
	// CarriesShort is its one-word form for narrow tables ("control").
	Carries, CarriesShort string
	// From and To are the ends ("anywhere (0.0.0.0/0)", "this box", "the
	// router's WAN address, forwarded to 10.20.0.2").
	From, To string
	// PortsShort, FromShort and ToShort are the same for narrow tables
	// ("20 (src 20)", "anywhere", "→ 10.20.0.2").
	PortsShort, FromShort, ToShort string
	// Why is the flow's reason; Warning marks a risk the user accepts.
	Why     string
	Warning bool
}

// PortMap returns the port map's rows, in the plan's flow order.
func (p *Plan) PortMap() []PortMapRow {
	several := false
	for _, f := range p.Flows {
		if f.Family == FamilyIPv6 {
			several = true
		}
	}
	rows := make([]PortMapRow, 0, len(p.Flows))
	for _, f := range p.Flows {
		proto := "TCP"
		if several {
			proto = "TCP (" + f.Family.Title() + ")"
		}
		ports := f.Ports.String()
		if !f.SourcePorts.IsZero() {
			ports += " (from source port " + f.SourcePorts.String() + ")"
		}
		short := f.Ports.String()
		if !f.SourcePorts.IsZero() {
			short += " (src " + f.SourcePorts.String() + ")"
		}
		rows = append(rows, PortMapRow{
			Flow: f, Side: f.Side.Title(), Direction: string(f.Direction), Protocol: proto, Ports: ports,
			Carries: f.Purpose.Carries(), CarriesShort: f.Purpose.Short(),
			From: flowFromText(f), To: flowToText(f), Why: f.Why, Warning: f.Warning,
			PortsShort: short, FromShort: flowFromShort(f), ToShort: flowToShort(f),
		})
	}
	return rows
}

// Carries says what a flow of this purpose carries, for the port map.
func (pu Purpose) Carries() string {
	switch pu {
	case PurposeControlExplicit:
		return "control, explicit FTPS"
	case PurposeControlImplicit:
		return "control, implicit FTPS"
	case PurposePassive:
		return "data, passive mode"
	case PurposeActive:
		return "data, active mode"
	case PurposeAdmin:
		return "administrator's SSH"
	case PurposeSFTP:
		return "SFTP (SSH)"
	case PurposeACME:
		return "Let's Encrypt's HTTP-01 check"
	}
	return string(pu)
}

// Short is Carries in one word.
func (pu Purpose) Short() string {
	switch pu {
	case PurposeControlExplicit, PurposeControlImplicit:
		return "control"
	case PurposePassive:
		return "data"
	case PurposeActive:
		return "active"
	case PurposeAdmin:
		return "ssh"
	case PurposeSFTP:
		return "sftp"
	case PurposeACME:
		return "acme"
	}
	return string(pu)
}

func flowFromText(f Flow) string {
	if len(f.From) == 0 {
		return "this box"
	}
	out := make([]string, len(f.From))
	for i, s := range f.From {
		if s == AnyIPv4 {
			out[i] = "anywhere (" + s + ")"
		} else {
			out[i] = s
		}
	}
	return strings.Join(out, ", ")
}

func flowToText(f Flow) string {
	to := f.To
	switch {
	case to != "":
	case f.DNATTo != "":
		to = "the router's WAN address"
	case f.Direction == Inbound:
		to = "this box"
	default:
		to = "any address"
	}
	if f.DNATTo != "" {
		to += ", forwarded to " + f.DNATTo
	}
	return to
}

func flowFromShort(f Flow) string {
	from := strings.Join(f.From, ", ")
	switch from {
	case "":
		return "this box" // as the long form: the box opens it itself
	case AnyIPv4:
		return "anywhere"
	}
	return from
}

func flowToShort(f Flow) string {
	switch {
	case f.DNATTo != "" && f.To == "":
		return "→ " + f.DNATTo
	case f.DNATTo != "":
		return f.To + " → " + f.DNATTo
	case f.To == "" && f.Direction == Inbound:
		return "this box"
	case f.To == "":
		return "any"
	}
	return f.To
}

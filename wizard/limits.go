package wizard

// Bounds on the answers, so that every number that reaches vsftpd.conf, a
// firewall rule or the sizing arithmetic is finite and fits, and so that no
// input makes ftpswiz work or allocate without limit.
const (
	// MaxAnswersSize is the largest answers file ftpswiz reads: a real one
	// is under 4 KiB.
	MaxAnswersSize = 1 << 20
	// MaxListItems is the longest list an answers file may hold (users,
	// allowed_clients, software, firewalls).
	MaxListItems = 1000
	// MaxValueLength is the longest single value (text) in an answers file.
	MaxValueLength = 4096
	// MaxClients bounds concurrent_clients and per_client_limit (vsftpd's
	// max_clients and max_per_ip): vsftpd runs two processes per session,
	// and a larger number can wrap in vsftpd's unsigned int parsing (to 0,
	// which means unlimited).
	MaxClients = 10000
	// MinTargetFailureRate is the smallest target_failure_rate ftpswiz
	// sizes for. Below it the range grows for no benefit anyone can
	// measure (other failures dominate by orders of magnitude), and with
	// the 9th root in the model the arithmetic loses its precision.
	MinTargetFailureRate = 1e-12
)

// Instances is the number of vsftpd instances the mode runs: two for mode
// both (explicit and implicit), else one.
func (m Mode) Instances() int {
	if m == ModeBoth {
		return 2
	}
	return 1
}

// SizedTransfers is the load the shared passive range is sized for: the
// concurrent transfers of each vsftpd instance, times the instances. In mode
// both each instance has its own max_clients, so together the limits admit
// twice the sessions of one; sizing for fewer would make the worst case
// twice the load the range was sized for.
func SizedTransfers(m Mode, transfers int) int { return m.Instances() * transfers }

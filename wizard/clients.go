package wizard

// ClientSoftware is a client ftpswiz writes a config for.
type ClientSoftware string

// Client software.
const (
	ClientLFTP      ClientSoftware = "lftp"
	ClientCurl      ClientSoftware = "curl"
	ClientFileZilla ClientSoftware = "filezilla"
	ClientWinSCP    ClientSoftware = "winscp"
	ClientRclone    ClientSoftware = "rclone"
	ClientPython    ClientSoftware = "python"
	ClientOpenSSH   ClientSoftware = "openssh" // sftp only: sftp(1) and ~/.ssh/config
)

// ClientSoftwares lists the valid client software for FTPS.
func ClientSoftwares() []ClientSoftware { return clientSoftwaresOf(ProtocolFTPS) }

// SFTPClientSoftwares lists the valid client software for SFTP.
func SFTPClientSoftwares() []ClientSoftware { return clientSoftwaresOf(ProtocolSFTP) }

// ClientInfo is what the wizard knows about one client software of one
// protocol: how the question offers it and what the plan says about its
// file. ClientCatalogue is the one list: the answers' valid values, the
// question's choices and the client decision's text come from it; the
// generators' registry (generators/clients.go) adds the file it writes.
type ClientInfo struct {
	Software ClientSoftware
	Protocol Protocol
	// Label, What and Effect are the question's choice.
	Label, What, Effect string
	// Note is the client decision's line about its file.
	Note string
}

// ClientCatalogue lists every client software of every protocol, in the
// order the question offers them.
func ClientCatalogue() []ClientInfo {
	return []ClientInfo{
		{Software: ClientLFTP, Protocol: ProtocolFTPS, Label: "lftp",
			What:   "Scriptable command-line client.",
			Effect: "client/lftp.rc forcing TLS on the control and data connections.",
			Note:   "lftp: forces TLS on control and data (ftp:ssl-force, ftp:ssl-protect-data)"},
		{Software: ClientCurl, Protocol: ProtocolFTPS, Label: "curl",
			What:   "Command-line transfers for scripts.",
			Effect: "client/curl.sh with TLS required (--ssl-reqd, or ftps:// for implicit).",
			Note:   "curl: --ssl-reqd for explicit, ftps:// for implicit"},
		{Software: ClientFileZilla, Protocol: ProtocolFTPS, Label: "FileZilla",
			What:   "Desktop client with a graphical interface.",
			Effect: "client/filezilla-sitemanager.xml, importable in the Site Manager.",
			Note:   "FileZilla: an importable site (Site Manager, File > Import)"},
		{Software: ClientWinSCP, Protocol: ProtocolFTPS, Label: "WinSCP",
			What:   "Windows client with a GUI and scripting.",
			Effect: "client/winscp.txt with the session URL (ftpes:// or ftps://) and passive mode.",
			Note:   "WinSCP: a script for winscp.com"},
		{Software: ClientRclone, Protocol: ProtocolFTPS, Label: "rclone",
			What:   "Sync and backup tool.",
			Effect: "client/rclone.conf with an FTPS remote using explicit or implicit TLS.",
			Note:   "rclone: a remote that resumes the TLS session on data connections (tls_cache_size; TLS 1.2, as Debian 12's rclone 1.60 fails TLS 1.3 data connections to vsftpd)"},
		{Software: ClientPython, Protocol: ProtocolFTPS, Label: "Python (ftplib)",
			What:   "A snippet for your own scripts.",
			Effect: "client/ftps_client.py, which reuses the TLS session on data connections (stock ftplib does not, and fails with require_ssl_reuse).",
			Note:   "Python: an ftplib script that resumes the TLS session on data connections (stock FTP_TLS does not)"},
		{Software: ClientOpenSSH, Protocol: ProtocolSFTP, Label: "OpenSSH sftp",
			What:   "The sftp command of Linux, macOS and Windows 10 and later.",
			Effect: "client/ssh_config with a Host entry (port, user, key, strict host key checking) for sftp -F, or to copy into ~/.ssh/config.",
			Note:   "OpenSSH: a ~/.ssh/config host entry for sftp(1)"},
		{Software: ClientLFTP, Protocol: ProtocolSFTP, Label: "lftp",
			What:   "Scriptable command-line client; runs ssh underneath.",
			Effect: "client/lftp-sftp.rc with an sftp:// bookmark and the ssh options it runs with.",
			Note:   "lftp: an sftp:// bookmark"},
		{Software: ClientFileZilla, Protocol: ProtocolSFTP, Label: "FileZilla",
			What:   "Desktop client with a graphical interface.",
			Effect: "client/filezilla-sitemanager.xml with an SFTP site (Protocol 1), importable in the Site Manager.",
			Note:   "FileZilla: an importable SFTP site"},
		{Software: ClientWinSCP, Protocol: ProtocolSFTP, Label: "WinSCP",
			What:   "Windows client with a GUI and scripting.",
			Effect: "client/winscp.txt, a script that opens sftp:// with the server's host key pinned.",
			Note:   "WinSCP: a script for winscp.com with the host key pinned"},
		{Software: ClientRclone, Protocol: ProtocolSFTP, Label: "rclone",
			What:   "Sync and backup tool.",
			Effect: "client/rclone.conf with an sftp remote that checks known_hosts.",
			Note:   "rclone: an sftp remote"},
	}
}

// clientsOf lists the catalogue's entries of one protocol.
func clientsOf(p Protocol) []ClientInfo {
	var out []ClientInfo
	for _, c := range ClientCatalogue() {
		if c.Protocol == p {
			out = append(out, c)
		}
	}
	return out
}

// clientChoices are the question's choices for a protocol's clients.
func clientChoices(p Protocol) []Choice {
	var out []Choice
	for _, c := range clientsOf(p) {
		out = append(out, Choice{Value: string(c.Software), Label: c.Label, What: c.What, Effect: c.Effect})
	}
	return out
}

// clientNote is the client decision's line about a software's file.
func clientNote(p Protocol, sw ClientSoftware) string {
	for _, c := range clientsOf(p) {
		if c.Software == sw {
			return c.Note
		}
	}
	return ""
}

func clientSoftwaresOf(p Protocol) []ClientSoftware {
	var out []ClientSoftware
	for _, c := range clientsOf(p) {
		out = append(out, c.Software)
	}
	return out
}

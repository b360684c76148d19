package vsftpd

import "sort"

// Kind is the type of a vsftpd option, which decides how its value is read.
type Kind int

// Option kinds.
const (
	// Bool options take YES/NO (TRUE/FALSE, 1/0); anything else, or no
	// value, stops vsftpd.
	Bool Kind = iota + 1
	// Uint options take a number (octal when it starts with 0); no value
	// stops vsftpd.
	Uint
	// String options take any text; an empty value unsets them.
	String
)

func (k Kind) String() string {
	switch k {
	case Bool:
		return "boolean"
	case Uint:
		return "number"
	case String:
		return "string"
	}
	return "unknown"
}

// upstream303 is the option table of vsftpd 3.0.3 as released
// (parseconf.c: parseconf_bool_array, parseconf_uint_array,
// parseconf_str_array).
var upstream303 = map[string]Kind{
	"accept_timeout":            Uint,
	"allow_anon_ssl":            Bool,
	"allow_writeable_chroot":    Bool,
	"anon_max_rate":             Uint,
	"anon_mkdir_write_enable":   Bool,
	"anon_other_write_enable":   Bool,
	"anon_root":                 String,
	"anon_umask":                Uint,
	"anon_upload_enable":        Bool,
	"anon_world_readable_only":  Bool,
	"anonymous_enable":          Bool,
	"ascii_download_enable":     Bool,
	"ascii_upload_enable":       Bool,
	"async_abor_enable":         Bool,
	"background":                Bool,
	"banned_email_file":         String,
	"banner_file":               String,
	"ca_certs_file":             String,
	"check_shell":               Bool,
	"chmod_enable":              Bool,
	"chown_upload_mode":         Uint,
	"chown_uploads":             Bool,
	"chown_username":            String,
	"chroot_list_enable":        Bool,
	"chroot_list_file":          String,
	"chroot_local_user":         Bool,
	"cmds_allowed":              String,
	"cmds_denied":               String,
	"connect_from_port_20":      Bool,
	"connect_timeout":           Uint,
	"data_connection_timeout":   Uint,
	"debug_ssl":                 Bool,
	"delay_failed_login":        Uint,
	"delay_successful_login":    Uint,
	"delete_failed_uploads":     Bool,
	"deny_email_enable":         Bool,
	"deny_file":                 String,
	"dirlist_enable":            Bool,
	"dirmessage_enable":         Bool,
	"download_enable":           Bool,
	"dsa_cert_file":             String,
	"dsa_private_key_file":      String,
	"dual_log_enable":           Bool,
	"email_password_file":       String,
	"file_open_mode":            Uint,
	"force_anon_data_ssl":       Bool,
	"force_anon_logins_ssl":     Bool,
	"force_dot_files":           Bool,
	"force_local_data_ssl":      Bool,
	"force_local_logins_ssl":    Bool,
	"ftp_data_port":             Uint,
	"ftp_enable":                Bool,
	"ftp_username":              String,
	"ftpd_banner":               String,
	"guest_enable":              Bool,
	"guest_username":            String,
	"hide_file":                 String,
	"hide_ids":                  Bool,
	"http_enable":               Bool,
	"idle_session_timeout":      Uint,
	"implicit_ssl":              Bool,
	"isolate":                   Bool,
	"isolate_network":           Bool,
	"listen":                    Bool,
	"listen_address":            String,
	"listen_address6":           String,
	"listen_ipv6":               Bool,
	"listen_port":               Uint,
	"local_enable":              Bool,
	"local_max_rate":            Uint,
	"local_root":                String,
	"local_umask":               Uint,
	"lock_upload_files":         Bool,
	"log_ftp_protocol":          Bool,
	"ls_recurse_enable":         Bool,
	"max_clients":               Uint,
	"max_login_fails":           Uint,
	"max_per_ip":                Uint,
	"mdtm_write":                Bool,
	"message_file":              String,
	"no_anon_password":          Bool,
	"no_log_lock":               Bool,
	"nopriv_user":               String,
	"one_process_model":         Bool,
	"pam_service_name":          String,
	"passwd_chroot_enable":      Bool,
	"pasv_addr_resolve":         Bool,
	"pasv_address":              String,
	"pasv_enable":               Bool,
	"pasv_max_port":             Uint,
	"pasv_min_port":             Uint,
	"pasv_promiscuous":          Bool,
	"port_enable":               Bool,
	"port_promiscuous":          Bool,
	"ptrace_sandbox":            Bool,
	"require_cert":              Bool,
	"require_ssl_reuse":         Bool,
	"rsa_cert_file":             String,
	"rsa_private_key_file":      String,
	"run_as_launching_user":     Bool,
	"seccomp_sandbox":           Bool,
	"secure_chroot_dir":         String,
	"secure_email_list_enable":  Bool,
	"session_support":           Bool,
	"setproctitle_enable":       Bool,
	"ssl_ciphers":               String,
	"ssl_enable":                Bool,
	"ssl_request_cert":          Bool,
	"ssl_sslv2":                 Bool,
	"ssl_sslv3":                 Bool,
	"ssl_tlsv1":                 Bool,
	"strict_ssl_read_eof":       Bool,
	"strict_ssl_write_shutdown": Bool,
	"syslog_enable":             Bool,
	"tcp_wrappers":              Bool,
	"text_userdb_names":         Bool,
	"tilde_user_enable":         Bool,
	"trans_chunk_size":          Uint,
	"use_localtime":             Bool,
	"use_sendfile":              Bool,
	"user_config_dir":           String,
	"user_sub_token":            String,
	"userlist_deny":             Bool,
	"userlist_enable":           Bool,
	"userlist_file":             String,
	"validate_cert":             Bool,
	"virtual_use_local_privs":   Bool,
	"vsftpd_log_file":           String,
	"write_enable":              Bool,
	"xferlog_enable":            Bool,
	"xferlog_file":              String,
	"xferlog_std_format":        Bool,
}

// Options each build adds to upstream 3.0.3. Verified: the Debian list by
// running Debian 12's vsftpd 3.0.3-13 on a config holding each name (an
// unknown name gives "500 OOPS: unrecognised variable in config file");
// the others from the builds' parseconf.c.
var (
	// Debian's patches add the logging options and utf8_filesystem; Debian
	// has no chdir_after_login and no TLS 1.1-1.3 switches.
	debianExtra = map[string]Kind{
		"download_file":   String,
		"upload_file":     String,
		"utf8_filesystem": Bool,
	}
	// Upstream 3.0.5 adds the TLS 1.1-1.3 switches (spelt without the
	// second underscore) and SNI.
	upstream305Extra = map[string]Kind{
		"ssl_tlsv11":       Bool,
		"ssl_tlsv12":       Bool,
		"ssl_tlsv13":       Bool,
		"ssl_sni_hostname": String,
	}
	// Red Hat's build (RHEL, Rocky, Alma, Fedora) spells the TLS switches
	// ssl_tlsv1_1/_2/_3 and adds its own options (bind_retries changes the
	// number of PASV bind attempts). openSUSE's build adds
	// address_space_limit and allow_root_squashed_chroot; both are accepted
	// here because the rhel flavour stands for both families.
	rhelExtra = map[string]Kind{
		"ssl_tlsv1_1":                Bool,
		"ssl_tlsv1_2":                Bool,
		"ssl_tlsv1_3":                Bool,
		"ssl_sni_hostname":           String,
		"better_stou":                Bool,
		"bind_retries":               Uint,
		"dh_param_file":              String,
		"ecdh_param_file":            String,
		"log_die":                    Bool,
		"reverse_lookup_enable":      Bool,
		"userlist_log":               Bool,
		"wc_logs_enable":             Bool,
		"address_space_limit":        Uint,
		"allow_root_squashed_chroot": Bool,
	}
)

func extraFor(f Flavour) map[string]Kind {
	switch Normalise(f) {
	case FlavourUpstream:
		return upstream305Extra
	case FlavourRHEL:
		return rhelExtra
	}
	return debianExtra
}

// Lookup returns the kind of the option name in the given build, and false
// when that build does not know the name (vsftpd then refuses to start).
// FlavourAuto and unknown flavours mean Debian 3.0.3.
func Lookup(f Flavour, name string) (Kind, bool) {
	if k, ok := upstream303[name]; ok {
		return k, true
	}
	k, ok := extraFor(f)[name]
	return k, ok
}

// Known lists every option name the build accepts, sorted.
func Known(f Flavour) []string {
	out := make([]string, 0, len(upstream303)+16)
	for k := range upstream303 {
		out = append(out, k)
	}
	for k := range extraFor(f) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// KnownElsewhere lists the other builds that accept name, in Builds() order.
func KnownElsewhere(f Flavour, name string) []Flavour {
	var out []Flavour
	for _, g := range Builds() {
		if g == Normalise(f) {
			continue
		}
		if _, ok := Lookup(g, name); ok {
			out = append(out, g)
		}
	}
	return out
}

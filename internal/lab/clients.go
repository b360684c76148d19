package lab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LftpOptions tune Lftp. The zero value is the lab's strict explicit-FTPS
// client: AUTH TLS required, PROT P, certificate not verified, PASV (not
// EPSV) with the announced address used as is, one try, 5s network timeout.
type LftpOptions struct {
	Plain          bool   // no TLS at all (ftp:ssl-allow no)
	Implicit       bool   // implicit FTPS: open ftps://host:port
	Port           int    // control port; 0 = 21 (990 when Implicit)
	CAFile         string // verify the certificate against this file (else ssl:verify-certificate no)
	FixPasvAddress bool   // lftp's default: replace a private PASV address by the control address
	PreferEPSV     bool   // ftp:prefer-epsv yes
	LimitRate      int    // net:limit-rate in bytes/s, 0 = unlimited
	Debug          bool   // `debug 5`: protocol trace in the output
	Extra          []string
}

// LftpSettings returns the `set` commands for o, one per line.
func LftpSettings(o LftpOptions) []string {
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	s := []string{
		"set net:timeout 5",
		"set net:max-retries 1",
		"set net:reconnect-interval-base 1",
		"set net:persist-retries 0",
		"set cmd:fail-exit yes",
		"set xfer:clobber yes",
		"set xfer:log no",
		"set ftp:passive-mode yes",
		"set ftp:prefer-epsv " + yn(o.PreferEPSV),
		"set ftp:fix-pasv-address " + yn(o.FixPasvAddress),
	}
	if o.Plain {
		s = append(s, "set ftp:ssl-allow no")
	} else {
		s = append(s, "set ftp:ssl-allow yes", "set ftp:ssl-force yes", "set ftp:ssl-protect-data yes",
			"set ftp:ssl-protect-list yes")
		if o.CAFile != "" {
			s = append(s, "set ssl:verify-certificate yes", "set ssl:ca-file "+o.CAFile)
		} else {
			s = append(s, "set ssl:verify-certificate no")
		}
	}
	if o.LimitRate > 0 {
		s = append(s, fmt.Sprintf("set net:limit-rate %d", o.LimitRate))
	}
	if o.Debug {
		s = append(s, "debug 5")
	}
	return append(s, o.Extra...)
}

// Lftp runs `lftp -c` inside the namespace: the settings from o, then
// `open` to host as u, then commands, all bounded by timeout (0 means
// DefaultTimeout). It returns stdout and stderr combined. lftp's HOME is a
// per-test directory so nothing is written to the real home.
func (ns *Namespace) Lftp(timeout time.Duration, host string, u *User, o LftpOptions, commands ...string) (string, error) {
	ns.t.Helper()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	port := o.Port
	url := "ftp://" + host
	if o.Implicit {
		url = "ftps://" + host
		if port == 0 {
			port = 990
		}
	}
	if port != 0 {
		url += fmt.Sprintf(":%d", port)
	}
	script := LftpSettings(o)
	script = append(script, fmt.Sprintf("open -u %s,%s %s", u.Name, u.Password, url))
	script = append(script, commands...)
	home := filepath.Join(TempDir(ns.t), "client-home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		ns.t.Fatalf("lab: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := ns.Command(ctx, "lftp", "-c", strings.Join(script, "; "))
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	var out strings.Builder
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("lftp timed out after %v (%w)", timeout, err)
	}
	return out.String(), err
}

// CurlStrict are curl flags that make the PASV address matter and require
// TLS on control and data for ftp:// URLs: --ssl-reqd --disable-epsv
// --no-ftp-skip-pasv-ip, plus a bounded run (--max-time 15, --connect-timeout 5).
// Add -k or --cacert and -u yourself.
var CurlStrict = []string{"-sS", "--ssl-reqd", "--disable-epsv", "--no-ftp-skip-pasv-ip",
	"--max-time", "15", "--connect-timeout", "5"}

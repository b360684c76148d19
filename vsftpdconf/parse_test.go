package vsftpdconf

import (
	"bytes"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		kinds []LineKind
		keys  []string // Key|Value for settings, "" otherwise
	}{
		{"plain", "listen=YES\n", []LineKind{Setting}, []string{"listen|YES"}},
		{"no final newline", "a=1\nb=2", []LineKind{Setting, Setting}, []string{"a|1", "b|2"}},
		{"spaces kept", "listen = YES\n", []LineKind{Setting}, []string{"listen | YES"}},
		{"leading space stripped", "  \tlisten=YES\n", []LineKind{Setting}, []string{"listen|YES"}},
		{"comment first column only", "#x\n  #y\n", []LineKind{Comment, Setting}, []string{"", "#y|"}},
		{"blank and white space", "\n \t\n\r\n", []LineKind{Blank, Blank, Blank}, []string{"", "", ""}},
		{"CR stays in value", "listen=YES\r\n", []LineKind{Setting}, []string{"listen|YES\r"}},
		{"first equals splits", "ftpd_banner=a=b\n", []LineKind{Setting}, []string{"ftpd_banner|a=b"}},
		{"no equals", "listen\n", []LineKind{Setting}, []string{"listen|"}},
		{"NUL cuts the line", "listen=YES\x00junk\n", []LineKind{Setting}, []string{"listen|YES"}},
		{"empty file", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			if len(f.Lines) != len(tt.kinds) {
				t.Fatalf("got %d lines, want %d: %+v", len(f.Lines), len(tt.kinds), f.Lines)
			}
			for i, l := range f.Lines {
				if l.Num != i+1 {
					t.Errorf("line %d: Num = %d", i, l.Num)
				}
				if l.Kind != tt.kinds[i] {
					t.Errorf("line %d: kind %v, want %v", i+1, l.Kind, tt.kinds[i])
				}
				got := ""
				if l.Kind == Setting {
					got = l.Key + "|" + l.Value
				}
				if got != tt.keys[i] {
					t.Errorf("line %d: %q, want %q", i+1, got, tt.keys[i])
				}
			}
		})
	}
}

func TestParseTruncated(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < MaxFileSize-5 {
		b.WriteString("# padding padding padding padding\n")
	}
	b.WriteString("listen=NO\nlisten_ipv6=YES\n")
	f := Parse(b.Bytes())
	if !f.Truncated {
		t.Fatal("not truncated")
	}
	// The line that crosses the limit is read only in part.
	ln, ok := f.Lookup("listen")
	if ok {
		t.Errorf("listen should be cut short, got %+v", ln)
	}
	if _, ok := f.Lookup("listen_ipv6"); ok {
		t.Error("listen_ipv6 lies beyond the limit and must be ignored")
	}
	if last := f.Lines[len(f.Lines)-1]; last.Kind != Ignored {
		t.Errorf("last line kind %v, want ignored", last.Kind)
	}
}

func TestLookupLastWins(t *testing.T) {
	f := Parse([]byte("listen=YES\nlisten=NO\n"))
	l, ok := f.Lookup("listen")
	if !ok || l.Value != "NO" || l.Num != 2 {
		t.Fatalf("Lookup = %+v, %v", l, ok)
	}
}

func TestParseBool(t *testing.T) {
	tests := []struct {
		in      string
		val, ok bool
	}{
		{"YES", true, true}, {"yes", true, true}, {"True", true, true}, {"1", true, true},
		{"NO", false, true}, {"no", false, true}, {"FALSE", false, true}, {"0", false, true},
		{"YES ", false, false}, {" YES", false, false}, {"on", false, false}, {"", false, false}, {"YES\r", false, false},
	}
	for _, tt := range tests {
		v, ok := ParseBool(tt.in)
		if v != tt.val || ok != tt.ok {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, %v", tt.in, v, ok, tt.val, tt.ok)
		}
	}
}

func TestParseUint(t *testing.T) {
	tests := []struct {
		in    string
		n     uint32
		clean bool
	}{
		{"50000", 50000, true},
		{"050000", 0o50000, true},  // octal: 20480
		{"022", 0o22, true},        // umask
		{"08", 0, false},           // octal stops at 8
		{"30021 #x", 30021, false}, // atoi stops at the space
		{" 21", 21, false},         // atoi skips leading space
		{"abc", 0, false},          // nothing numeric
		{"-1", 4294967295, false},  // negative wraps
		{"99999999999999999999", 4294967295, false},
	}
	for _, tt := range tests {
		n, clean := ParseUint(tt.in)
		if n != tt.n || clean != tt.clean {
			t.Errorf("ParseUint(%q) = %d, %v; want %d, %v", tt.in, n, clean, tt.n, tt.clean)
		}
	}
}

func TestKnownPerFlavour(t *testing.T) {
	tests := []struct {
		flavour string
		name    string
		known   bool
	}{
		{"debian-3.0.3", "ssl_tlsv1", true},
		{"debian-3.0.3", "ssl_tlsv12", false},
		{"debian-3.0.3", "ssl_tlsv1_2", false},
		{"debian-3.0.3", "utf8_filesystem", true},
		{"debian-3.0.3", "ssl_sni_hostname", false},
		{"upstream-3.0.5", "ssl_tlsv12", true},
		{"upstream-3.0.5", "ssl_tlsv1_2", false},
		{"upstream-3.0.5", "ssl_sni_hostname", true},
		{"upstream-3.0.5", "utf8_filesystem", false},
		{"rhel", "ssl_tlsv1_2", true},
		{"rhel", "ssl_tlsv12", false},
		{"rhel", "bind_retries", true},
		{"auto", "ssl_tlsv1", true},
		{"auto", "ssl_tlsv13", false},
	}
	for _, tt := range tests {
		_, ok := Lookup(flavour(tt.flavour), tt.name)
		if ok != tt.known {
			t.Errorf("Lookup(%s, %s) = %v, want %v", tt.flavour, tt.name, ok, tt.known)
		}
	}
	if n := len(Known(flavour("debian-3.0.3"))); n != 135 {
		t.Errorf("Debian knows %d options, want 135", n)
	}
	for _, k := range Known(flavour("rhel")) {
		if strings.TrimSpace(k) != k || k == "" {
			t.Errorf("bad name %q", k)
		}
	}
}

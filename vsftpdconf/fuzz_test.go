package vsftpdconf

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/vsftpd"
)

// FuzzParse checks the parser's invariants and that linting and fixing any
// input neither panics nor loses lines. Seeds: the snippets below and
// testdata/fuzz/FuzzParse (small on purpose: the fuzzer minimises every new
// input, which takes seconds for a whole config; TestCorpus covers those).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "\n", "listen = YES\r\n", "  #x\n", "a=b=c", "listen\x00=YES\n", "#\n=\n", "pasv_address=\"1.2.3.4\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := Parse(data)
		// The lines give back the file.
		var raws []string
		for i, l := range p.Lines {
			if l.Num != i+1 {
				t.Fatalf("line %d numbered %d", i+1, l.Num)
			}
			if strings.Contains(l.Raw, "\n") {
				t.Fatalf("line %d contains a newline", l.Num)
			}
			raws = append(raws, l.Raw)
			if l.Kind == Setting {
				if l.Key != "" && isSpace(l.Key[0]) {
					t.Fatalf("key %q starts with white space", l.Key)
				}
				if strings.Contains(l.Key, "=") {
					t.Fatalf("key %q contains '='", l.Key)
				}
				if strings.ContainsRune(l.Key+l.Value, 0) {
					t.Fatalf("NUL in key or value")
				}
			}
		}
		back := strings.Join(raws, "\n")
		if p.FinalNewline {
			back += "\n"
		}
		if back != string(data) {
			t.Fatalf("lines do not give back the file")
		}
		if p.Truncated != (len(data) > MaxFileSize) {
			t.Fatalf("Truncated = %v for %d bytes", p.Truncated, len(data))
		}
		for _, fl := range []vsftpd.Flavour{vsftpd.FlavourDebian, vsftpd.FlavourRHEL} {
			fs := Lint(p, Options{Flavour: fl, Transfers: 10, BehindNAT: ptr(true), PublicAddress: "203.0.113.1"})
			for _, fd := range fs {
				if fd.Why == "" || fd.Fix == "" || fd.Severity == "" {
					t.Fatalf("incomplete finding %+v", fd)
				}
			}
			out := Fix(data, fs)
			if len(data) > 0 && len(out) == 0 {
				t.Fatal("Fix lost the file")
			}
			if bytes.Count(out, []byte("\n")) < bytes.Count(data[:min(len(data), MaxFileSize)], []byte("\n")) {
				t.Fatal("Fix lost lines")
			}
		}
	})
}

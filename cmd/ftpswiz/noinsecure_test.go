package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestGoldensNeverTurnVerificationOff: no generated file of any scenario
// tells anyone to skip certificate verification (issue 11).
func TestGoldensNeverTurnVerificationOff(t *testing.T) {
	bad := []*regexp.Regexp{
		regexp.MustCompile(`--insecure`),
		regexp.MustCompile(`(^|\s)-k(\s|$)`),
		regexp.MustCompile(`verify-certificate\S*\s+no`),
		regexp.MustCompile(`check-hostname\S*\s+no`),
		regexp.MustCompile(`no_check_certificate\s*=\s*true`),
		regexp.MustCompile(`CERT_NONE|check_hostname\s*=\s*False|_create_unverified_context`),
		regexp.MustCompile(`-certificate="\*"`),
		regexp.MustCompile(`ssl-cert-snakeoil`),
	}
	files := 0
	err := filepath.WalkDir(filepath.Join("..", "..", "testdata", "scenarios"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || filepath.Base(filepath.Dir(p)) == "scenarios" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for _, re := range bad {
			if loc := re.FindIndex(b); loc != nil {
				t.Errorf("%s: %q turns verification off or names the snakeoil pair", p, b[loc[0]:loc[1]])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("only %d golden files found", files)
	}
}

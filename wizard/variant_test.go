package wizard

import (
	"os"
	"strings"
	"testing"
)

func TestVariantFor(t *testing.T) {
	tests := []struct {
		p    Protocol
		want protocolVariant
	}{
		{"", ftpsVariant{}}, // Normalize defaults it to ftps
		{ProtocolFTPS, ftpsVariant{}},
		{ProtocolSFTP, sftpVariant{}},
		{"scp", ftpsVariant{}}, // Validate refuses it; the prologue treats it as FTPS
	}
	for _, tt := range tests {
		if got := variantFor(tt.p); got != tt.want {
			t.Errorf("variantFor(%q) = %T, want %T", tt.p, got, tt.want)
		}
	}
}

// TestDecideSplitOnce keeps the planner split once by protocol: the
// skeleton tests the protocol only where it picks the variant, and the
// variants never (each is one protocol).
func TestDecideSplitOnce(t *testing.T) {
	tests := []struct {
		file string
		want int
	}{
		{"decide.go", 1}, // variantFor
		{"decide_ftps.go", 0},
		{"decide_sftp.go", 0},
	}
	for _, tt := range tests {
		b, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "ProtocolSFTP") + strings.Count(string(b), "ProtocolFTPS"); n != tt.want {
			t.Errorf("%s names a protocol %d times, want %d: add a protocolVariant method instead of a branch", tt.file, n, tt.want)
		}
	}
}

package generators

import (
	"os"
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/wizard"
)

func TestReportVariantOf(t *testing.T) {
	tests := []struct {
		p    *wizard.Plan
		want reportVariant
	}{
		{&wizard.Plan{Protocol: wizard.ProtocolFTPS}, ftpsReport{}},
		{&wizard.Plan{Protocol: wizard.ProtocolSFTP}, sftpReport{}},
		{&wizard.Plan{}, ftpsReport{}},
	}
	for _, tt := range tests {
		if got := reportVariantOf(tt.p); got != tt.want {
			t.Errorf("reportVariantOf(%q) = %T, want %T", tt.p.Protocol, got, tt.want)
		}
	}
}

// TestReportViewSplitOnce keeps REPORT.md's view free of protocol
// branches: what differs is a reportVariant method.
func TestReportViewSplitOnce(t *testing.T) {
	for _, file := range []string{"report_view.go", "report_steps.go", "report.go", "sftp_report.go"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, branch := range []string{"ProtocolSFTP", "ProtocolFTPS", "isSFTP("} {
			n := strings.Count(string(b), branch)
			if file == "report_view.go" && branch == "isSFTP(" {
				n-- // reportVariantOf
			}
			if n != 0 {
				t.Errorf("%s tests the protocol (%s) %d time(s): add a reportVariant method instead", file, branch, n)
			}
		}
	}
}

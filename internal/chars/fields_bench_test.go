package chars_test

import (
	"strings"
	"testing"

	"github.com/ftpswiz/ftpswiz/internal/chars"
)

var para = strings.Repeat("vsftpd picks a passive port at random — nine tries, then gives up. ", 5)

func BenchmarkAppendFields(b *testing.B) {
	var w []string
	for b.Loop() {
		w = chars.AppendFields(w[:0], para)
	}
}

func BenchmarkFields(b *testing.B) {
	for b.Loop() {
		_ = strings.Fields(para)
	}
}

package main

import (
	"runtime/debug"
	"strings"
)

// version is set at link time for releases:
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/ftpswiz
//
// Without it the version comes from the build info (the module version with
// `go install github.com/ftpswiz/ftpswiz/cmd/ftpswiz@v1.2.3`, and the VCS
// revision when built from a checkout).
var version = ""

// buildVersion returns the version string `ftpswiz --version` prints.
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return versionString(version, info)
}

func versionString(ldflagsVersion string, info *debug.BuildInfo) string {
	v := ldflagsVersion
	var extra []string
	if info != nil {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if modified == "true" {
				rev += "-dirty"
			}
			extra = append(extra, "commit "+rev)
		}
		if info.GoVersion != "" {
			extra = append(extra, info.GoVersion)
		}
	}
	if v == "" {
		v = "devel"
	}
	if len(extra) > 0 {
		v += " (" + strings.Join(extra, ", ") + ")"
	}
	return v
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// buildInfo is what `snapdash version` reports: the version from -ldflags
// (release builds) or the module build info (go install …@vX), the commit
// and its date from the VCS stamp Go records when building from a checkout,
// the Go version and the platform.
type buildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Date     string `json:"date,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
}

// readBuildInfo fills a buildInfo from ldflags (the version main.version
// was set to; "dev" or "" when none) and the binary's build information.
func readBuildInfo(ldVersion string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: ldVersion, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			b.Go = bi.GoVersion
		}
		if (b.Version == "" || b.Version == "dev") && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = strings.TrimPrefix(bi.Main.Version, "v")
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Date = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

// currentBuild is readBuildInfo for this binary; a commit and date set
// with -ldflags (release builds) win over the VCS stamp.
func currentBuild(ldVersion string) buildInfo {
	bi, _ := debug.ReadBuildInfo()
	b := readBuildInfo(ldVersion, bi)
	if commit != "" {
		b.Commit, b.Modified = commit, false
	}
	if date != "" {
		b.Date = date
	}
	return b
}

// write prints the version: one first line `snapdash VERSION`, then the
// commit, its date, the Go version and the platform.
func (b buildInfo) write(w io.Writer) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "snapdash %s\n", b.Version)
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.Modified {
			c += " (modified)"
		}
		fmt.Fprintf(&sb, "commit:   %s\n", c)
	}
	if b.Date != "" {
		fmt.Fprintf(&sb, "date:     %s\n", b.Date)
	}
	fmt.Fprintf(&sb, "go:       %s\n", b.Go)
	fmt.Fprintf(&sb, "platform: %s/%s\n", b.OS, b.Arch)
	_, err := io.WriteString(w, sb.String())
	return err
}

func versionCmd() *command {
	return &command{
		name: "version", summary: "print the version, commit, build date, Go version and platform", group: "other",
		jsonFlag: true,
		run: func(_ context.Context, e *env, _ []string) error {
			b := currentBuild(e.version)
			if e.json {
				return writeJSON(e.stdout, b)
			}
			return b.write(e.stdout)
		},
	}
}

// registerVersionFlags adds --version and -v to the root flag set.
func registerVersionFlags(fs *flag.FlagSet, v *bool) {
	fs.BoolVar(v, "version", false, "print the version and exit")
	fs.BoolVar(v, "v", false, "print the version and exit")
}

package main

import (
	"context"
	"errors"
)

// serveCmd is unavailable on Windows: wish's terminal input package
// (charmbracelet/x/input v0.3.4) does not build against the
// charmbracelet/x/windows version this module needs elsewhere.
func serveCmd() *command {
	return &command{
		name: "serve", summary: "serve the dashboard over SSH (not available on Windows)",
		group: "dashboard", maxArgs: -1,
		run: func(context.Context, *env, []string) error {
			return errors.New("serve: SSH serving is not available in Windows builds; run it on Linux or macOS")
		},
	}
}

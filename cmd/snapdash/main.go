// Command snapdash reviews camera snapshots on the Auvious video platform:
// a terminal dashboard, headless commands for scripts, and a built-in
// simulator. This file only wires the process to run (app.go).
package main

import (
	"context"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
)

// version, commit and date are set at build time by release builds:
// -ldflags "-X main.version=1.2.3 -X main.commit=… -X main.date=…". Other
// builds take them from the module and VCS information Go records.
var (
	version = "dev"
	commit  string
	date    string
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &env{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		getenv:  os.Getenv,
		version: version,
		stdlog: func(w io.Writer) {
			log.SetFlags(0)
			log.SetOutput(w)
		},
	})
	stop()
	os.Exit(code)
}

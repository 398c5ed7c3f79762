// Package benchterm is what the bench commands share to ask the terminal
// what it draws.
package benchterm

import (
	"os"
	"time"

	"github.com/snapdash/snapdash/internal/termgfx"
	"golang.org/x/term"
)

// Detect queries the terminal with stdin in raw mode (the replies arrive
// on stdin and must not be echoed or line-buffered); without a terminal it
// reads the environment only.
func Detect() termgfx.Caps {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return termgfx.DetectEnv(os.Getenv)
	}
	old, err := term.MakeRaw(fd)
	if err != nil {
		return termgfx.DetectEnv(os.Getenv)
	}
	defer term.Restore(fd, old)
	return termgfx.Detect(os.Getenv, os.Stdin, os.Stdout, 500*time.Millisecond)
}

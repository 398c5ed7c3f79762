package sshserve

import (
	"bytes"
	"io"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/snapdash/snapdash/internal/termgfx"
)

// Terminal queries sent by the probe besides termgfx.Detect's own.
const (
	queryBackground = "\x1b]11;?\x1b\\" // OSC 11: background colour
	queryDA1        = "\x1b[c"          // primary device attributes, the sentinel
	replayDA1       = "\x1b[?62c"       // ends MakeRenderer's replayed query
)

// probeResult is what the session's terminal told the probe.
type probeResult struct {
	caps       termgfx.Caps
	background []byte // the OSC 11 reply; nil when there was none
	answered   bool   // a DA1 reply arrived within the budget
	elapsed    time.Duration
}

// probe asks the session's terminal, before the program reads any input,
// for its background colour and what pictures it can show. The queries go
// out in one burst (OSC 11, then termgfx.Detect's XTVERSION, cell size,
// kitty query and DA1); every terminal answers DA1, in order, so its reply
// ends the wait. A terminal that answers nothing costs QueryBudget. Keys
// typed meanwhile are kept for the program (see sessionInput).
func (s *Server) probe(sess ssh.Session, in *sessionInput, env map[string]string, term string) probeResult {
	start := time.Now()
	getenv := func(k string) string { return env[k] }
	if term == "" || term == "dumb" {
		in.endProbe()
		return probeResult{caps: s.opts.Detect(getenv, nil, nil, 0), elapsed: time.Since(start)}
	}
	budget := s.opts.QueryBudget
	deadline := start.Add(budget)
	_, _ = io.WriteString(sess, queryBackground)

	capsc := make(chan termgfx.Caps, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("terminal detection panicked", "panic", describePanic(r))
				capsc <- termgfx.DetectEnv(getenv)
			}
		}()
		capsc <- s.opts.Detect(getenv, probeReader{in}, sess, budget)
	}()
	var caps termgfx.Caps
	select {
	case caps = <-capsc:
	case <-time.After(budget + budget/2):
		// Detection overran; its pending read returns io.EOF at endProbe.
		caps = termgfx.DetectEnv(getenv)
	}
	answered := in.waitFor(time.Now(), hasDA1)
	if !answered && time.Now().Before(deadline) {
		// Detection asked nothing (or not DA1): ask ourselves, so the
		// background colour reply is known to be complete or absent.
		_, _ = io.WriteString(sess, queryDA1)
		answered = in.waitFor(deadline, hasDA1)
	}
	res := probeResult{caps: caps, answered: answered}
	for _, r := range in.endProbe() {
		if isBackgroundReply(r) {
			res.background = r
		}
	}
	res.elapsed = time.Since(start)
	return res
}

// fillCaps records the probe's findings in info.
func (s *Server) fillCaps(info *SessionInfo, pr probeResult) {
	info.Caps = pr.caps
	info.ImageMode = termgfx.Auto(pr.caps)
}

// replaySession is the session as bubbletea.MakeRenderer sees it: reads
// replay the probe's background colour reply and writes go nowhere.
// MakeRenderer queries the terminal itself, reading the session for up to a
// second, which on a live session would race the program for keystrokes;
// here it gets the answer the probe already has, at once.
type replaySession struct {
	ssh.Session
	r io.Reader
}

// Read implements io.Reader.
func (f replaySession) Read(p []byte) (int, error) { return f.r.Read(p) }

// Write implements io.Writer.
func (f replaySession) Write(p []byte) (int, error) { return len(p), nil }

// makeRenderer builds the session's lipgloss renderer with wish's
// MakeRenderer: colour profile from the session's TERM and environment
// (NO_COLOR, COLORTERM), background from the probe's reply (dark when the
// terminal did not say).
func makeRenderer(sess ssh.Session, background []byte) *lipgloss.Renderer {
	replay := append(append([]byte(nil), background...), replayDA1...)
	r := bubbletea.MakeRenderer(replaySession{Session: sess, r: bytes.NewReader(replay)})
	if background == nil {
		r.SetHasDarkBackground(true)
	}
	return r
}

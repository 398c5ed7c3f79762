package main

import (
	"context"
	"fmt"

	"github.com/snapdash/snapdash/config"
	"github.com/snapdash/snapdash/internal/journal"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// openJournal opens the user's journal in the state directory for source
// ("dashboard", "watch", "serve", "events"). A journal that cannot be
// opened, or fails later, never stops the command: the failure is logged
// and returned (open) or said once on stderr (later, when sayLater), and
// the command goes on without it (nil).
func (e *env) openJournal(s *session, source string, sayLater bool) (*journal.Journal, error) {
	path := journal.Path(config.StateDir(e.getenv))
	j, err := journal.Open(path, journal.Options{Source: source, Retention: s.cfg.Journal.Retention, Now: e.now,
		OnError: func(err error) {
			s.log.Warn("journal off", "err", err)
			if sayLater {
				fmt.Fprintf(e.stderr, "snapdash: warning: %s; going on without it\n", sanitize.Line(err.Error()))
			}
		},
		OnDrop: func() {
			s.log.Warn("journal behind: events dropped", "path", path)
			if sayLater {
				fmt.Fprintf(e.stderr, "snapdash: warning: the journal %s cannot keep up (a slow or busy disk); some events are not kept\n", sanitize.Line(path))
			}
		}})
	if err != nil {
		s.log.Warn("journal unavailable", "path", path, "err", err)
		return nil, err
	}
	s.log.Debug("journal open", "path", path, "source", source)
	return j, nil
}

// sayJournal says once on stderr that the journal could not be opened.
func (e *env) sayJournal(err error) {
	if err != nil {
		fmt.Fprintf(e.stderr, "snapdash: warning: %s; going on without it\n", sanitize.Line(err.Error()))
	}
}

// recordAction keeps what a headless command did (or was refused) in the
// journal, as the dashboard does. A journal that cannot be opened is said
// in one line; the command's own outcome is untouched.
func (e *env) recordAction(ctx context.Context, s *session, a journal.Action, err error) {
	if err != nil {
		a.Err = err.Error()
	}
	if id, ierr := s.client.Identity(ctx); ierr == nil || id.UserID != "" {
		a.User = id.UserID
	}
	j, jerr := e.openJournal(s, a.Kind, true)
	if jerr != nil {
		e.sayJournal(jerr)
		return
	}
	j.Act(a)
	j.Close()
}

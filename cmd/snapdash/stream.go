package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/journal"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// silentError ends the run with exit status 1 without a message: the
// command already printed its outcome.
type silentError struct{}

func (silentError) Error() string { return "" }

func cameraCmd() *command {
	var (
		typ     string
		wait    bool
		timeout time.Duration
		tgt     target
		sess    sessionFlags
	)
	return &command{
		name: "camera", summary: "send a camera command (CAMERA_SWITCH, FLASH_ON, FLASH_OFF) to a customer's device",
		group: "act", jsonFlag: true, args: "--target-user U --target-endpoint E --type T",
		flags: func(fs *flag.FlagSet) {
			tgt.register(fs)
			fs.StringVar(&typ, "type", "", "CAMERA_SWITCH, FLASH_ON or FLASH_OFF (required)")
			sess.register(fs)
			fs.BoolVar(&wait, "wait", false, "wait for the device's answer; exit 1 unless it succeeded")
			fs.DurationVar(&timeout, "timeout", time.Minute, "how long --wait waits")
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			if err := tgt.check("camera"); err != nil {
				return err
			}
			rt := client.CameraRequestType(typ)
			if !rt.Valid() {
				return usagef("camera: --type %q: want CAMERA_SWITCH, FLASH_ON or FLASH_OFF", typ)
			}
			st, err := sess.check("camera")
			if err != nil {
				return err
			}
			cmd := client.CameraRequestCommand{
				TargetUserID: tgt.user, TargetUserEndpointID: tgt.endpoint,
				SessionType: st, SessionID: sess.id, CameraRequestType: rt,
			}
			return e.withEndpoint(ctx, "camera", func(s *session, ep string) error {
				cmd.UserEndpointID = ep
				if !wait {
					id, raw, err := s.client.CameraRequestRaw(ctx, cmd)
					e.recordAction(ctx, s, journal.Action{Kind: journal.ActCamera, Snapshot: id, Detail: string(rt)}, taken(err))
					if err != nil {
						return cameraSentUnread(e, s, err, raw, "")
					}
					if e.json {
						return writeRawJSON(e.stdout, raw) // the server's bytes
					}
					fmt.Fprintln(e.stdout, sanitize.Line(id))
					return nil
				}
				return cameraWait(ctx, e, s, cmd, timeout)
			})
		},
	}
}

// taken is err, or nil when the server took the command although its
// answer could not be read (for the journal: the action was done).
func taken(err error) error {
	if errors.Is(err, client.ErrBadResponse) {
		return nil
	}
	return err
}

// cameraSentUnread handles a camera command that failed. When the server
// answered 2xx but the answer could not be read, the command was taken:
// it is reported as sent, with a warning naming what could not be read,
// and the exit status is 0, so a script does not send it twice. Any other
// error is returned.
func cameraSentUnread(e *env, s *session, err error, raw []byte, more string) error {
	if !errors.Is(err, client.ErrBadResponse) {
		return err
	}
	fmt.Fprintf(e.stderr, "snapdash: warning: camera command sent (the server took it), but its answer could not be read: %s%s\n",
		sanitize.Line(err.Error()), more)
	s.log.Warn("camera answer unreadable", "err", err, "raw", string(raw))
	return nil
}

// cameraWait sends cmd with the event stream already live, so the device's
// answer cannot be missed, and waits for SnapshotCameraRequestProcessedEvent.
func cameraWait(ctx context.Context, e *env, s *session, cmd client.CameraRequestCommand, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	stream := s.client.Stream(ctx, client.StreamOptions{UserEndpointID: cmd.UserEndpointID})
	defer stream.Close()
	var id string
	for {
		select {
		case <-ctx.Done():
			if id == "" {
				return fmt.Errorf("camera: the event stream did not come up within %s", timeout)
			}
			return fmt.Errorf("camera request %s: no answer from the device within %s", id, timeout)
		case u, ok := <-stream.Updates():
			if !ok {
				return fmt.Errorf("camera: event stream closed: %w", ctx.Err())
			}
			if u.State == client.StatePolling {
				return errors.New("camera: the server has no event stream, so --wait cannot see the answer")
			}
			if id == "" && u.State == client.StateLive {
				var (
					err error
					raw []byte
				)
				id, raw, err = s.client.CameraRequestRaw(ctx, cmd)
				e.recordAction(ctx, s, journal.Action{Kind: journal.ActCamera, Snapshot: id, Detail: string(cmd.CameraRequestType)}, taken(err))
				if err != nil {
					return cameraSentUnread(e, s, err, raw, "; without its id the device's answer cannot be awaited")
				}
				s.log.Debug("camera request sent", "id", id)
			}
			for _, ev := range u.Events {
				if id == "" || ev.Type != client.EventSnapshotCameraRequestProcessed || ev.SnapshotCameraRequestID != id {
					continue
				}
				ok := ev.Succeeded != nil && *ev.Succeeded
				if e.json {
					if err := client.WriteEventJSON(e.stdout, ev); err != nil {
						return err
					}
				} else {
					outcome := "succeeded"
					if !ok {
						outcome = "failed"
					}
					if ev.AdditionalInformation != "" {
						outcome += ": " + ev.AdditionalInformation
					}
					fmt.Fprintf(e.stdout, "%s %s: %s\n", cmd.CameraRequestType, sanitize.Line(id), sanitize.Line(outcome))
				}
				if !ok {
					return silentError{}
				}
				return nil
			}
		}
	}
}

func eventsCmd() *command {
	var (
		interactions stringList
		since        optionalSeq
	)
	return &command{
		name: "events", summary: "follow the live event stream until interrupted", group: "stream", jsonFlag: true,
		flags: func(fs *flag.FlagSet) {
			fs.Var(&interactions, "interaction", "only events of this interaction `ID` (repeatable)")
			fs.Var(&since, "since-id", "first replay the events after this sequence number `N` (0: all the server holds)")
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			return e.withEndpoint(ctx, "events", func(s *session, ep string) error {
				if s.cfg.Events.Transport == string(client.TransportMQTT) {
					// The broker's user name and topic are the user id.
					if _, err := s.client.Identity(ctx); err != nil {
						return fmt.Errorf("the MQTT feed logs in as you: %w", err)
					}
				}
				f := &eventFilter{want: interactions, link: s.client.NewLinker(), log: s.log}
				f.learn(ctx, s.client)
				opts := client.StreamOptions{UserEndpointID: ep, InteractionIDs: interactions,
					LastEventID: since.n, Replay: since.set}
				stream := s.client.Stream(ctx, opts)
				defer stream.Close()
				j, jerr := e.openJournal(s, "events", true)
				e.sayJournal(jerr)
				if j != nil {
					defer j.Close()
					e.journal = j
				}
				// Without --since-id only new events are printed: the
				// stream itself says which events a server replayed from
				// before the start (History), whatever the clocks say.
				return followEvents(ctx, e, stream, f, !since.set)
			})
		},
	}
}

// eventFilter ties events to their interactions (the vendor's carry no
// interactionId) and keeps those of the --interaction ids.
type eventFilter struct {
	want []string
	link *client.Linker
	log  *slog.Logger
	c    *client.Client
	// listedAt is when the recent interactions were last listed to learn
	// their customers' endpoints (at most once a minute).
	listedAt time.Time
}

// endpointRelearn is how often an event naming an unknown customer
// endpoint may cause the recent interactions to be listed again.
const endpointRelearn = time.Minute

// learn tells the linker what the wanted interactions hold (their
// snapshots and customer endpoints), so most of their events tie without a
// request.
func (f *eventFilter) learn(ctx context.Context, c *client.Client) {
	f.c = c
	for _, id := range f.want {
		if in, err := c.GetInteraction(ctx, id); err == nil {
			f.link.LearnInteraction(in)
		} else {
			f.log.Debug("events: interaction", "id", id, "err", err)
		}
		if list, err := c.ListSnapshots(ctx, id); err == nil {
			f.link.LearnSnapshots(list...)
		} else {
			f.log.Debug("events: snapshots of interaction", "id", id, "err", err)
		}
	}
}

// keep ties ev (asking the server at most once per unknown snapshot) and
// reports whether to print it: every event without --interaction; with it,
// those of the wanted interactions and those that cannot be tied (printed
// with a null interactionId rather than lost), not those that provably
// belong to another.
func (f *eventFilter) keep(ctx context.Context, ev *client.Event) bool {
	if ev.InteractionID == "" {
		var ok bool
		ev.InteractionID, ok = f.link.Link(ctx, *ev)
		if !ok && ev.TargetUserEndpointID != "" && f.c != nil && time.Since(f.listedAt) >= endpointRelearn {
			// A request or camera command to a customer endpoint no
			// known interaction names: the recent interactions' data
			// may (one listing, at most once a minute).
			f.listedAt = time.Now()
			end := time.Now()
			if list, err := f.c.ListInteractions(ctx, end.Add(-24*time.Hour), end); err == nil {
				for _, in := range list {
					f.link.LearnInteraction(in)
				}
				ev.InteractionID, _ = f.link.Tie(*ev)
			} else {
				f.log.Debug("events: interactions", "err", err)
			}
		}
	} else {
		f.link.Tie(*ev) // learn what it ties
	}
	return len(f.want) == 0 || ev.InteractionID == "" || slices.Contains(f.want, ev.InteractionID)
}

// optionalSeq is a sequence-number flag that knows whether it was given.
type optionalSeq struct {
	n   uint64
	set bool
}

// String implements flag.Value.
func (o *optionalSeq) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatUint(o.n, 10)
}

// Set implements flag.Value.
func (o *optionalSeq) Set(v string) error {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return fmt.Errorf("%q is not a sequence number", v)
	}
	o.n, o.set = n, true
	return nil
}

// followEvents prints events until the context ends; with newOnly, events
// the stream marks as history (replayed from before the start) are
// skipped. State changes and events that could not be read go to stderr,
// one line each, so stdout holds only events.
func followEvents(ctx context.Context, e *env, stream *client.Stream, f *eventFilter, newOnly bool) error {
	last := client.StateConnecting
	for u := range stream.Updates() {
		connErr := u.Err
		var evErr *client.EventError
		if errors.As(u.Err, &evErr) {
			// An event that could not be read: one line, never silence.
			fmt.Fprintf(e.stderr, "snapdash: events: %s (the payload is in the log)\n", sanitize.Line(evErr.Error()))
			connErr = nil
		}
		if u.State != last || (connErr != nil && u.State != client.StateLive) {
			msg := u.State.String()
			if u.Transport == client.TransportSSE || u.Transport == client.TransportMQTT {
				msg += " (" + string(u.Transport) + ")"
			}
			if !u.RetryAt.IsZero() && u.State != client.StateLive {
				msg += fmt.Sprintf(", next try in %s", time.Until(u.RetryAt).Round(time.Second))
			}
			if connErr != nil {
				msg += ": " + connErr.Error()
			}
			fmt.Fprintf(e.stderr, "snapdash: events: %s\n", sanitize.Line(msg))
			last = u.State
		}
		if u.Resync && u.State != client.StatePolling { // polling re-lists every few seconds: said once above
			fmt.Fprintln(e.stderr, "snapdash: events: some events could not be replayed; re-list what you need")
		}
		if e.journal != nil {
			e.journal.Record(u.Events) // all of them, history too: kept once
		}
		for _, ev := range u.Events {
			if newOnly && ev.History {
				continue
			}
			if !f.keep(ctx, &ev) {
				continue
			}
			if ev.TimeUnread {
				fmt.Fprintf(e.stderr, "snapdash: events: event %d (%s): %s; shown with the time it arrived\n",
					ev.Seq, sanitize.Line(ev.Type), sanitize.Line(ev.TimeError))
			}
			var err error
			if e.json {
				err = client.WriteLinkedEventJSON(e.stdout, ev)
			} else {
				err = writeEventHuman(e.stdout, ev)
			}
			if err != nil {
				return err // stdout closed: stop
			}
		}
	}
	if ctx.Err() != nil {
		return nil // interrupted: the normal way to stop
	}
	return errors.New("events: stream ended")
}

// writeEventHuman prints one line: sequence, time, type, interaction and
// the fields that matter for the type.
func writeEventHuman(w io.Writer, ev client.Event) error {
	var detail []string
	add := func(k, v string) {
		if v != "" {
			detail = append(detail, k+"="+v)
		}
	}
	add("interaction", ev.InteractionID)
	add("snapshot", ev.SnapshotID)
	add("type", ev.SnapshotType)
	add("related", ev.RelatedSnapshotID)
	add("camera-request", ev.SnapshotCameraRequestID)
	add("command", string(ev.CameraRequestType))
	add("target", ev.TargetUserID)
	if ev.Succeeded != nil {
		add("succeeded", fmt.Sprint(*ev.Succeeded))
	}
	add("info", ev.AdditionalInformation)
	add("by", ev.UserID)
	line := fmt.Sprintf("%-6d %s  %-35s %s", ev.Seq, when(ev.Timestamp), ev.Type, strings.Join(detail, " "))
	_, err := fmt.Fprintln(w, sanitize.Line(strings.TrimRight(line, " ")))
	return err
}

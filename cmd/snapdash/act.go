package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/journal"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// target is the customer (user and user endpoint) a command is aimed at.
type target struct {
	user, endpoint string
}

func (t *target) register(fs *flag.FlagSet) {
	fs.StringVar(&t.user, "target-user", "", "the customer's user id (required)")
	fs.StringVar(&t.endpoint, "target-endpoint", "", "the customer's user endpoint id (required)")
}

func (t *target) check(cmd string) error {
	if t.user == "" || t.endpoint == "" {
		return usagef("%s: --target-user and --target-endpoint are required", cmd)
	}
	return nil
}

// session flags shared by request and camera.
type sessionFlags struct {
	typ, id string
}

func (s *sessionFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.typ, "session-type", "", "CALL or CONFERENCE")
	fs.StringVar(&s.id, "session-id", "", "the call's or conference's id")
}

func (s *sessionFlags) check(cmd string) (client.SessionType, error) {
	st := client.SessionType(s.typ)
	if !st.Valid() {
		return "", usagef("%s: --session-type %q: want CALL, CONFERENCE or UNKNOWN", cmd, s.typ)
	}
	return st, nil
}

func requestCmd() *command {
	var (
		interaction, typ string
		tgt              target
		sess             sessionFlags
	)
	return &command{
		name: "request", summary: "ask a customer's camera for a snapshot; prints the new snapshot id",
		group: "act", jsonFlag: true,
		args: "--interaction ID --target-user U --target-endpoint E",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&interaction, "interaction", "", "interaction id (required)")
			tgt.register(fs)
			fs.StringVar(&typ, "type", "", "snapshot type, e.g. car-damage, meter, id-document")
			sess.register(fs)
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			if interaction == "" {
				return usagef("request: --interaction is required")
			}
			if err := tgt.check("request"); err != nil {
				return err
			}
			st, err := sess.check("request")
			if err != nil {
				return err
			}
			return e.withSession("request", func(s *session) error {
				app, err := s.applicationID(ctx, "request", interaction)
				if err != nil {
					return err
				}
				return s.withEndpoint(ctx, func(ep string) error {
					res, err := s.client.Request(ctx, client.SnapshotRequestCommand{
						ApplicationID: app, UserEndpointID: ep,
						TargetUserID: tgt.user, TargetUserEndpointID: tgt.endpoint,
						SessionType: st, SessionID: sess.id,
						InteractionID: interaction, SnapshotType: typ,
					})
					e.recordAction(ctx, s, journal.Action{Kind: journal.ActRequest, Interaction: interaction, Snapshot: res.SnapshotID, Detail: typ}, err)
					if err != nil {
						return err
					}
					if e.json {
						if len(res.Raw) > 0 {
							return writeRawJSON(e.stdout, res.Raw)
						}
						return writeJSON(e.stdout, res)
					}
					fmt.Fprintln(e.stdout, sanitize.Line(res.SnapshotID))
					return nil
				})
			})
		},
	}
}

// finish prints the result of an action on a snapshot: the snapshot as the
// server now has it with --json, else one line. The action went through:
// when the snapshot cannot be read back, what is known is printed with a
// one-line warning and the command still succeeds, so that a script does
// not retry an action that was done.
func finish(ctx context.Context, e *env, s *session, id, verb string, state client.SnapshotState) error {
	if e.json {
		sn, err := s.client.GetSnapshot(ctx, id)
		if err == nil {
			return writeSnapshotJSON(e.stdout, sn)
		}
		fmt.Fprintf(e.stderr, "snapdash: warning: %s %s, but reading it back failed: %s\n",
			verb, sanitize.Line(id), sanitize.Line(err.Error()))
		s.log.Warn("read back", "id", id, "err", err)
		return writeJSON(e.stdout, map[string]string{"id": id, "state": string(state)})
	}
	fmt.Fprintf(e.stdout, "%s %s\n", verb, sanitize.Line(id))
	return nil
}

func approveCmd() *command {
	var typ string
	return &command{
		name: "approve", args: "ID", summary: "approve a snapshot", group: "act", jsonFlag: true,
		minArgs: 1, maxArgs: 1,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&typ, "type", "", "record the snapshot under this type")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			return e.withEndpoint(ctx, "approve", func(s *session, ep string) error {
				err := s.client.Approve(ctx, client.SnapshotApproveCommand{SnapshotID: args[0], UserEndpointID: ep, SnapshotType: typ})
				e.recordAction(ctx, s, journal.Action{Kind: journal.ActApprove, Snapshot: args[0], Detail: typ}, err)
				if err != nil {
					return err
				}
				return finish(ctx, e, s, args[0], "approved", client.StateApproved)
			})
		},
	}
}

func discardCmd() *command {
	return &command{
		name: "discard", args: "ID", summary: "discard a snapshot", group: "act", jsonFlag: true,
		minArgs: 1, maxArgs: 1,
		run: func(ctx context.Context, e *env, args []string) error {
			return e.withEndpoint(ctx, "discard", func(s *session, ep string) error {
				err := s.client.Discard(ctx, client.SnapshotDiscardCommand{SnapshotID: args[0], UserEndpointID: ep})
				e.recordAction(ctx, s, journal.Action{Kind: journal.ActDiscard, Snapshot: args[0]}, err)
				if err != nil {
					return err
				}
				return finish(ctx, e, s, args[0], "discarded", client.StateDiscarded)
			})
		},
	}
}

func uploadCmd() *command {
	var (
		interaction, typ, related string
		tgt                       target
	)
	return &command{
		name: "upload", args: "FILE|-", summary: "upload a picture you already have; prints the new snapshot id",
		group: "act", jsonFlag: true, minArgs: 1, maxArgs: 1,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&interaction, "interaction", "", "interaction id (required)")
			tgt.register(fs)
			fs.StringVar(&typ, "type", "", "snapshot type (required)")
			fs.StringVar(&related, "related", "", "id of an earlier snapshot this one replaces or completes")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if interaction == "" || typ == "" {
				return usagef("upload: --interaction and --type are required")
			}
			if err := tgt.check("upload"); err != nil {
				return err
			}
			f, done, err := e.openPicture("upload", args[0])
			if err != nil {
				return err
			}
			defer done()
			return e.withSession("upload", func(s *session) error {
				app, err := s.applicationID(ctx, "upload", interaction)
				if err != nil {
					return err
				}
				return s.withEndpoint(ctx, func(ep string) error {
					bar := e.progress("upload", -1)
					sn, found, err := s.client.UploadFound(ctx, client.UploadCommand{
						RelatedSnapshotID: related, ApplicationID: app,
						TargetUserID: tgt.user, TargetUserEndpointID: tgt.endpoint,
						InteractionID: interaction, UserEndpointID: ep, SnapshotType: typ,
					}, newProgressFile(f, bar))
					bar.done()
					e.recordAction(ctx, s, journal.Action{Kind: journal.ActUpload, Interaction: interaction, Snapshot: sn.ID, Detail: typ}, err)
					if err != nil {
						return err
					}
					if !found {
						// The upload succeeded: say what is missing, exit 0.
						fmt.Fprintf(e.stderr, "snapdash: upload: done, but the server did not say which snapshot it made and the listing of %s does not tell; see snapdash list %s\n",
							sanitize.Line(interaction), sanitize.Line(interaction))
						return nil
					}
					if e.json {
						if len(sn.Raw) == 0 {
							return writeJSON(e.stdout, map[string]string{"id": sn.ID})
						}
						return writeSnapshotJSON(e.stdout, sn)
					}
					fmt.Fprintln(e.stdout, sanitize.Line(sn.ID))
					return nil
				})
			})
		},
	}
}

func acquireCmd() *command {
	var typ string
	return &command{
		name: "acquire", args: "ID FILE|-", summary: "answer a snapshot request with a picture, as the customer's device (--user-endpoint-id of the device)",
		group: "act", minArgs: 2, maxArgs: 2,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&typ, "type", "", "snapshot type (required)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if typ == "" {
				return usagef("acquire: --type is required")
			}
			f, done, err := e.openPicture("acquire", args[1])
			if err != nil {
				return err
			}
			defer done()
			return e.withEndpoint(ctx, "acquire", func(s *session, ep string) error {
				bar := e.progress("acquire", -1)
				err := s.client.Acquire(ctx, client.AcquireCommand{SnapshotID: args[0], UserEndpointID: ep, SnapshotType: typ}, newProgressFile(f, bar))
				bar.done()
				e.recordAction(ctx, s, journal.Action{Kind: journal.ActAcquire, Snapshot: args[0], Detail: typ}, err)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "acquired %s\n", sanitize.Line(args[0]))
				return nil
			})
		},
	}
}

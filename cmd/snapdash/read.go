package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	_ "image/gif" // decoders for checkDecodes
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "golang.org/x/image/webp"
	"golang.org/x/term"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
)

func interactionsCmd() *command {
	since := days(24 * time.Hour)
	var filter interactionFilter
	var allCustomers bool
	return &command{
		name: "interactions", summary: "list recent interactions", group: "read", jsonFlag: true,
		flags: func(fs *flag.FlagSet) {
			fs.Var(&since, "since", "how far back to look: a `period` such as 90m, 24h or 7d")
			filter.register(fs)
			fs.BoolVar(&allCustomers, "customers", false, fmt.Sprintf(
				"find the customer of every interaction whose data names none, by listing its snapshots (done by default up to %d of them)", customerLookups))
		},
		run: func(ctx context.Context, e *env, _ []string) error {
			return e.withSession("interactions", func(s *session) error {
				end := time.Now()
				list, err := s.client.ListInteractions(ctx, end.Add(-time.Duration(since)), end)
				if err != nil {
					return err
				}
				if list, err = filter.apply(ctx, s, list); err != nil {
					return err
				}
				if e.json {
					raw, err := rawList(list, func(in client.Interaction) []byte { return in.Raw })
					if err != nil {
						return err
					}
					return writeRawJSON(e.stdout, raw)
				}
				customers, skipped := interactionCustomers(ctx, s, list, allCustomers)
				if skipped > 0 {
					fmt.Fprintf(e.stderr, "snapdash: interactions: the customers of %d interactions are not shown (their data names none); --customers finds them, one request each\n", skipped)
				}
				t := newTable(e.stdout, "ID", "CREATED", "TYPE", "CUSTOMER", "CREATED BY")
				for i, in := range list {
					t.row(in.ID, whenPtr(in.CreatedAt), in.Type, customers[i], in.CreatedBy)
				}
				return t.flush()
			})
		},
	}
}

// customerLookups is how many interactions without a customer in their
// data `snapdash interactions` looks up by default; above, --customers.
const customerLookups = 50

// interactionCustomers names the customer of each interaction: the name
// its data gives (data.customerName, which many integrations record), else
// what the API itself gives, the customer user ids of its snapshots (a few
// listings at a time; a failed one leaves the cell empty). The listings are
// made when all is set or when at most customerLookups are needed; else
// none is, and skipped says how many cells stay empty.
func interactionCustomers(ctx context.Context, s *session, list []client.Interaction, all bool) (out []string, skipped int) {
	out = make([]string, len(list))
	ids := make([]string, len(list)) // "" where the data names the customer
	need := 0
	for i, in := range list {
		if out[i] = customerName(in.Data); out[i] == "" && in.ID != "" {
			ids[i] = in.ID
			need++
		}
	}
	if need > customerLookups && !all {
		return out, need
	}
	snaps, errs := listSnapshotsOf(ctx, s, ids)
	for i, id := range ids {
		if id == "" {
			continue
		}
		if errs[i] != nil {
			s.log.Debug("customer of interaction", "id", id, "err", errs[i])
			continue
		}
		var users []string
		for _, sn := range snaps[i] {
			if sn.UserID != "" && !slices.Contains(users, sn.UserID) {
				users = append(users, sn.UserID)
			}
		}
		out[i] = strings.Join(users, ",")
	}
	return out, 0
}

// listSnapshotsOf lists the snapshots of each interaction in ids, eight
// listings at a time, and returns each one's snapshots or error at its
// index; an empty id is not asked for (nil, nil).
func listSnapshotsOf(ctx context.Context, s *session, ids []string) ([][]client.Snapshot, []error) {
	snaps := make([][]client.Snapshot, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, id := range ids {
		if id == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			snaps[i], errs[i] = s.client.ListSnapshots(ctx, id)
		}()
	}
	wg.Wait()
	return snaps, errs
}

// customerName reads data.customerName, which the simulator and many
// integrations put in an interaction's data.
func customerName(data json.RawMessage) string {
	var d struct {
		CustomerName string `json:"customerName"`
	}
	if json.Unmarshal(data, &d) != nil {
		return ""
	}
	return d.CustomerName
}

func listCmd() *command {
	var interaction string
	var filter snapshotFilter
	return &command{
		name: "list", summary: "list the snapshots of an interaction", group: "read", jsonFlag: true,
		args: "ID | --interaction ID", maxArgs: 1,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&interaction, "interaction", "", "interaction id (required; may also be given as the argument)")
			filter.register(fs)
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 1 {
				if interaction != "" && interaction != args[0] {
					return usagef("list: two interactions given (%q and --interaction %q): give one", args[0], interaction)
				}
				interaction = args[0]
			}
			if interaction == "" {
				return usagef("list: --interaction is required")
			}
			return e.withSession("list", func(s *session) error {
				list, err := s.client.ListSnapshots(ctx, interaction)
				if err != nil {
					return err
				}
				list = filter.apply(list, e.clock())
				if e.json {
					raw, err := rawList(list, func(sn client.Snapshot) []byte { return sn.Raw })
					if err != nil {
						return err
					}
					return writeRawJSON(e.stdout, raw)
				}
				t := newTable(e.stdout, "ID", "STATE", "TYPE", "CREATED", "CUSTOMER", "RELATED")
				for _, sn := range list {
					t.row(sn.ID, string(sn.State), sn.Type, when(sn.When()), sn.UserID, sn.RelatedSnapshotID)
				}
				return t.flush()
			})
		},
	}
}

func getCmd() *command {
	return &command{
		name: "get", args: "ID", summary: "show one snapshot", group: "read", jsonFlag: true,
		minArgs: 1, maxArgs: 1,
		run: func(ctx context.Context, e *env, args []string) error {
			return e.withSession("get", func(s *session) error {
				sn, err := s.client.GetSnapshot(ctx, args[0])
				if err != nil {
					return err
				}
				if e.json {
					return writeSnapshotJSON(e.stdout, sn)
				}
				return printSnapshot(e, sn)
			})
		},
	}
}

func printSnapshot(e *env, sn client.Snapshot) error {
	// A server writes a default result ({"succeeded": false}) for a
	// picture nobody reviewed yet: an approval is only shown once there
	// was one, or the result says why one failed.
	var approval string
	if r := sn.ApprovalProcessingResult; r != nil && (sn.State == client.StateApproved || r.AdditionalInformation != "" || (r.Succeeded != nil && *r.Succeeded)) {
		approval = strings.TrimSpace(boolWord(r.Succeeded, "succeeded", "failed") + " " + r.AdditionalInformation)
	}
	return fields(e.stdout,
		"id", sn.ID,
		"state", string(sn.State),
		"type", sn.Type,
		"interaction", sn.InteractionID,
		"created", when(sn.When()),
		"customer", sn.UserID,
		"customer endpoint", sn.UserEndpointID,
		"requester", sn.RequesterUserID,
		"requester endpoint", sn.RequesterUserEndpointID,
		"session", strings.TrimSpace(string(sn.SessionType)+" "+sn.SessionID),
		"related", sn.RelatedSnapshotID,
		"mime type", sn.MimeType,
		"approved", boolWord(sn.Approved, "yes", "no"),
		"approval", approval,
		"application", sn.ApplicationID,
		"organization", sn.OrganizationID,
		"version", strconv.FormatInt(sn.Version, 10),
	)
}

func urlCmd() *command {
	var internal bool
	return &command{
		name: "url", args: "ID", summary: "print a signed URL of a snapshot's picture", group: "read", jsonFlag: true,
		minArgs: 1, maxArgs: 1,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&internal, "internal", false, "ask for an internal signed URL (served by the API host)")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			return e.withSession("url", func(s *session) error {
				u, err := s.client.SignedURL(ctx, args[0], internal)
				if err != nil {
					return err
				}
				if e.json {
					if len(u.Raw) > 0 {
						return writeRawJSON(e.stdout, u.Raw)
					}
					return writeJSON(e.stdout, u)
				}
				// Only the URL, so that $(snapdash url ID) works; it is
				// printed as the server sent it apart from control characters.
				_, err = fmt.Fprintln(e.stdout, safeURL(u.URL))
				return err
			})
		},
	}
}

// safeURL drops bytes a URL never holds unescaped (controls, spaces), so a
// hostile server cannot inject escape sequences through it.
func safeURL(u string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || r >= 0x80 {
			return -1
		}
		return r
	}, u)
}

func fetchCmd() *command {
	var out string
	var clobber bool
	return &command{
		name: "fetch", args: "ID -o FILE", summary: "download a snapshot's picture", group: "read",
		minArgs: 1, maxArgs: 1,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "o", "", "write the picture to `FILE` (- for standard output); an existing FILE is kept")
			fs.BoolVar(&clobber, "clobber", false, "replace FILE when it exists")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if out == "" {
				return usagef("fetch: -o FILE is required (- for standard output)")
			}
			if out == "-" && e.stdoutIsTerminal() {
				// Picture bytes are server data: a JPEG comment can hold
				// escape sequences the terminal would act on.
				return usagef("fetch: refusing to write a picture to the terminal; use -o FILE, or pipe -o - into a program")
			}
			return e.withSession("fetch", func(s *session) error {
				if out != "-" && !clobber {
					// Told before the download; checked again when writing.
					if _, err := os.Lstat(out); err == nil {
						return existsError(out)
					}
				}
				bar := e.progress("fetch", -1)
				img, err := s.client.DownloadProgress(ctx, args[0], bar.update)
				bar.done()
				if err != nil {
					return err
				}
				if err := checkDecodes(img); err != nil {
					fmt.Fprintf(e.stderr, "snapdash: warning: fetch %s: the picture does not decode (%s); saved as the server sent it\n",
						sanitize.Line(args[0]), sanitize.Line(err.Error()))
				}
				if out == "-" {
					_, err := e.stdout.Write(img.Bytes)
					return err
				}
				write := writeNew
				if clobber {
					write = writeAtomic
				}
				if err := write(out, img.Bytes); err != nil {
					if errors.Is(err, fs.ErrExist) {
						return existsError(out)
					}
					return fmt.Errorf("fetch %s: %w", args[0], err)
				}
				fmt.Fprintf(e.stdout, "wrote %s (%d bytes, %s)\n", out, len(img.Bytes), img.MimeType)
				return nil
			})
		},
	}
}

// checkDecodes decodes the whole picture, so that a truncated or corrupt
// one is told apart from a good one.
func checkDecodes(img client.Image) error {
	_, _, err := image.Decode(bytes.NewReader(img.Bytes))
	return err
}

// stdoutIsTerminal reports whether standard output is a terminal.
func (e *env) stdoutIsTerminal() bool {
	f, ok := e.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// existsError is fetch's refusal to replace a file.
func existsError(path string) error {
	return fmt.Errorf("fetch: %s already exists; pass --clobber to replace it", sanitize.Line(path))
}

// writeNew is writeAtomic for a path that must not exist: the complete
// temporary file is linked to path, which fails when path exists (even
// when it appeared during the download), so nothing is ever replaced. On
// a file system without hard links, path is created exclusively instead.
func writeNew(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return werr
	}
	lerr := os.Link(tmp, path)
	if lerr == nil || errors.Is(lerr, fs.ErrExist) {
		return lerr
	}
	g, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr = g.Write(data)
	if cerr := g.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
	}
	return werr
}

// writeAtomic writes data to a temporary file beside path and renames it
// into place, so path never holds half a picture. The file is private
// (0600): snapshots show customers and their documents.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
	}
	return werr
}

// days is a duration flag that also accepts a number of days ("7d").
type days time.Duration

// String implements flag.Value.
func (d *days) String() string {
	v := time.Duration(*d)
	if v != 0 && v%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", v/(24*time.Hour))
	}
	s := v.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// maxDays bounds a period flag (--since).
const maxDays = 366 * 24 * time.Hour

// Set implements flag.Value: a Go duration or a number of days ("7d"),
// above 0 and at most 366 days.
func (d *days) Set(s string) error {
	var v time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		f, err := strconv.ParseFloat(n, 64)
		if err != nil || f != f {
			return fmt.Errorf("%q is not a duration (e.g. 90m, 24h, 7d)", s)
		}
		if f <= 0 || f > 366 {
			return fmt.Errorf("%q: want a period above 0 and at most 366d", s)
		}
		v = time.Duration(f * float64(24*time.Hour))
	} else {
		var err error
		if v, err = time.ParseDuration(s); err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 90m, 24h, 7d)", s)
		}
	}
	if v <= 0 || v > maxDays {
		return fmt.Errorf("%q: want a period above 0 and at most 366d", s)
	}
	*d = days(v)
	return nil
}

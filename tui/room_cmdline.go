package tui

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/cmdline"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/interactions"
	"github.com/snapdash/snapdash/views/preview"
	"github.com/snapdash/snapdash/views/snapshots"
	"github.com/snapdash/snapdash/views/statusbar"
	"github.com/snapdash/snapdash/views/watch"
)

// cmdRoom owns what the reviewer types to get somewhere: the `:` command
// line, as in k9s (its commands, tab completion, and history kept in the
// state directory between runs), the `/` filter of the focused list, and
// the jump to an interaction by id or customer (`:i`), which asks the
// server for one the list does not hold yet.
//
// It holds no *Model: the lists it filters are the root's panes, by
// pointer, and what only the root knows or does comes as the functions
// below, set once in newCmdRoom.
type cmdRoom struct {
	*hub // shared services (hub.go)

	history *cmdline.History // the command line's, kept in StateDir
	// filterOn is the list the open or last filter acts on.
	filterOn filterTarget
	// pendingSelect is an interaction a filter moved the interactions
	// list's cursor to; the root opens it after the Update that filtered
	// (takeSelect).
	pendingSelect string

	// The lists it filters and the preview whose mode `:image` sets: the
	// root's panes (pointers into the root, which is never copied).
	inter   *interactions.Model
	snaps   *snapshots.Model
	watch   *watch.Model
	preview *preview.Model

	// focused is the list `/` acts on now: the watch table on the watch
	// screen, the interactions when they have the focus, else the
	// snapshots table, which takes the focus first when table is set (the
	// preview or the events pane had it).
	focused func(table bool) filterTarget
	// open goes to an interaction the store holds (the root's
	// openInteraction: selects it, focuses the table, leaves the watch
	// screen).
	open func(id string) tea.Cmd
	// verbs are the commands that do what a key of the root does: watch,
	// events, refresh, help and quit.
	verbs map[string]func() tea.Cmd
}

// newCmdRoom builds m's command room; the functions it needs from the
// root are wired here.
func newCmdRoom(m *Model) *cmdRoom {
	r := &cmdRoom{
		hub:   m.hub,
		inter: &m.inter, snaps: &m.snaps, watch: &m.watch.table, preview: m.preview.Model,
		focused: func(table bool) filterTarget {
			switch {
			case m.screen == screenWatch:
				return filterWatch
			case m.focus == focusInteractions:
				return filterInteractions
			}
			if table && m.focus != focusSnapshots {
				m.setFocus(focusSnapshots)
			}
			return filterSnapshots
		},
		open: m.openInteraction,
		verbs: map[string]func() tea.Cmd{
			"watch": func() tea.Cmd {
				if m.screen == screenWatch {
					m.closeWatch()
					return nil
				}
				return m.openWatch()
			},
			"events":  m.toggleEvents,
			"refresh": m.lists.refresh,
			"help":    m.openHelp,
			"quit":    m.askQuit,
		},
	}
	r.history, _ = cmdline.OpenHistory(m.opts.StateDir) // unreadable: in memory only, said when a line is run
	return r
}

// commands are the command line's commands.
func (r *cmdRoom) commands() []cmdline.Command {
	words := func(ws ...string) func(string) []string {
		return func(prefix string) []string {
			var out []string
			for _, w := range ws {
				if strings.HasPrefix(w, strings.ToLower(prefix)) {
					out = append(out, w)
				}
			}
			return out
		}
	}
	modes := []string{"auto", "ascii", "halfblock", "sixel", "kitty", "none"}
	return []cmdline.Command{
		{Name: "interaction", Aliases: []string{"i"}, Args: "ID|CUSTOMER", Help: "open an interaction by id or customer name",
			Complete: r.completeInteraction},
		{Name: "filter", Aliases: []string{"f"}, Args: "TEXT", Help: "filter the focused list (as /)"},
		{Name: "image", Args: "MODE", Help: "picture mode: " + strings.Join(modes, ", "), Complete: words(modes...)},
		{Name: "theme", Args: "NAME", Help: "colours: dark, light, high-contrast", Complete: words("dark", "light", "high-contrast")},
		{Name: "watch", Aliases: []string{"w"}, Help: "the supervisor screen"},
		{Name: "events", Aliases: []string{"e"}, Help: "show or hide the events pane"},
		{Name: "refresh", Aliases: []string{"r"}, Help: "list everything again"},
		{Name: "help", Aliases: []string{"h"}, Help: "every key"},
		{Name: "quit", Aliases: []string{"q"}, Help: "leave snapdash"},
	}
}

// completeInteraction offers the interactions' ids and customers' names.
func (r *cmdRoom) completeInteraction(prefix string) []string {
	p := filter.Fold(prefix)
	var out []string
	for _, e := range r.store.list {
		for _, c := range []string{e.id, e.title()} {
			if strings.HasPrefix(filter.Fold(c), p) && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// openCmdline opens the `:` line.
func (r *cmdRoom) openCmdline() tea.Cmd {
	c, cmd := cmdline.New(r.st, r.commands(), r.history)
	r.openDialog(&cmdlineDialog{viewDialog[cmdline.Model]{m: c}}, "")
	return cmd
}

// runCommand carries out a command line.
func (r *cmdRoom) runCommand(run cmdline.Run) tea.Cmd {
	if run.HistoryErr != nil {
		r.logEvent(events.Error, "command history: "+run.HistoryErr.Error())
	}
	arg := strings.Join(run.Args, " ")
	switch run.Name {
	case "interaction":
		return r.gotoInteraction(arg)
	case "filter":
		r.filterOn = r.focused(true)
		r.setFilter(arg)
	case "image":
		r.setImageMode(arg)
	case "theme":
		st, err := theme.Load(strings.ToLower(arg), r.opts.Renderer)
		if err != nil {
			r.setStatusInfo("theme: " + err.Error())
			return nil
		}
		*r.st = *st // every component holds this pointer
		r.setStatusInfo("theme: " + arg)
	default:
		if verb := r.verbs[run.Name]; verb != nil {
			return verb()
		}
	}
	return nil
}

// setImageMode is `:image MODE`.
func (r *cmdRoom) setImageMode(arg string) {
	md := termgfx.Mode(strings.ToLower(arg))
	if md != preview.ModeNone {
		p, err := termgfx.ParseMode(arg)
		if err != nil {
			r.setStatusInfo("image: " + err.Error())
			return
		}
		md = p
	}
	r.preview.SetMode(md)
	r.setStatusInfo("image mode: " + string(r.preview.Mode()))
}

// gotoInteraction opens the interaction whose id is arg or whose customer
// is named arg (ignoring case and accents; the first that starts so when
// none is equal); an id not known yet is asked of the server.
func (r *cmdRoom) gotoInteraction(arg string) tea.Cmd {
	if arg == "" {
		r.setStatusInfo("interaction: give an id or a customer's name (tab completes)")
		return nil
	}
	want := filter.Fold(arg)
	pick := ""
	for _, e := range r.store.list {
		if e.id == arg || filter.Fold(e.title()) == want {
			pick = e.id
			break
		}
		if pick == "" && strings.HasPrefix(filter.Fold(e.title()), want) {
			pick = e.id
		}
	}
	if pick == "" {
		return r.jumpTo(arg) // perhaps one the list does not have yet: ask for it first
	}
	r.inter.SetFilter(filter.Query{}) // so the list shows it
	return r.open(pick)
}

// jumpedMsg answers a `:i <id>` for an interaction the list does not
// hold: the server's details, or why there are none.
type jumpedMsg struct {
	ID          string
	Interaction client.Interaction
	Err         error
}

// jumpTo asks the server for interaction id before going to it: a jump
// that fails leaves the selection, the focus and the table where they
// were, and says why in the status line.
func (r *cmdRoom) jumpTo(id string) tea.Cmd {
	api, ctx := r.api, r.ctx
	r.setStatusInfo("looking for interaction " + sanitize.Truncate(sanitize.Line(id), 40) + "…")
	return func() tea.Msg {
		it, err := api.GetInteraction(ctx, id)
		return jumpedMsg{ID: id, Interaction: it, Err: err}
	}
}

// onJumped goes to the interaction found, or stays put and says why.
func (r *cmdRoom) onJumped(msg jumpedMsg) tea.Cmd {
	if msg.Err != nil {
		r.status = statusbar.Status{Kind: statusbar.Error,
			Text: "no interaction " + sanitize.Truncate(sanitize.Line(msg.ID), 40) + ": " + msg.Err.Error() + " (the selection is unchanged)"}
		return nil
	}
	r.store.setInteraction(msg.Interaction, r.opts.Now())
	r.setStatusInfo("")
	r.inter.SetFilter(filter.Query{}) // so the list shows it
	return r.open(msg.ID)
}

// filterTarget is the list `/` filters: the one with the focus.
type filterTarget int

const (
	filterSnapshots filterTarget = iota
	filterInteractions
	filterWatch
)

// openFilter opens the `/` line, w cells wide, on the focused list: the
// interactions pane by customer, id and agent; the snapshots table by
// type, state, id and customer; the watch table by customer.
func (r *cmdRoom) openFilter(w int) tea.Cmd {
	r.filterOn = r.focused(true)
	f, cmd := filter.NewFor(r.st, r.filterSpec()).Open(r.shownFilter().String())
	f.SetWidth(w)
	r.openDialog(&filterDialog{m: f, changed: func(v string) {
		if v != r.shownFilter().String() {
			r.setFilter(v)
		}
	}}, "")
	return cmd
}

func (r *cmdRoom) filterSpec() filter.Spec {
	switch r.filterOn {
	case filterInteractions:
		return filter.InteractionsSpec()
	case filterWatch:
		return filter.WatchSpec()
	}
	return filter.SnapshotsSpec()
}

// shownFilter is the target list's filter now.
func (r *cmdRoom) shownFilter() filter.Query {
	switch r.filterOn {
	case filterInteractions:
		return r.inter.Filter()
	case filterWatch:
		return r.watch.Filter()
	}
	return r.snaps.Filter()
}

// setFilter filters the target list by s (a filter expression), and says
// in the status line when it names a term the list does not know.
func (r *cmdRoom) setFilter(s string) {
	q := filter.ParseFor(r.filterSpec(), s)
	switch r.filterOn {
	case filterInteractions:
		before, _ := r.inter.Selected()
		r.inter.SetFilter(q)
		if after, ok := r.inter.Selected(); ok && after.ID != before.ID {
			r.pendingSelect = after.ID
		}
	case filterWatch:
		r.watch.SetFilter(q)
	default:
		r.snaps.SetFilter(q)
	}
	if w := q.Warning(); w != "" {
		r.setStatusInfo(w)
	}
}

// clearFilter clears the focused list's filter; false when it had none.
func (r *cmdRoom) clearFilter() bool {
	prev := r.filterOn
	r.filterOn = r.focused(false)
	if r.shownFilter().Empty() {
		r.filterOn = prev
		return false
	}
	r.setFilter("")
	return true
}

// takeSelect returns the interaction a filter moved the list's cursor to
// since the last call, "" when none.
func (r *cmdRoom) takeSelect() string {
	id := r.pendingSelect
	r.pendingSelect = ""
	return id
}

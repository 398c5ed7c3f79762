package tui

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/cmdline"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/preview"
)

// The `:` command line, as in k9s: a one-line prompt with tab completion
// and history (kept in the state directory between runs).

// commands are the command line's commands.
func (m *Model) commands() []cmdline.Command {
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
			Complete: m.completeInteraction},
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
func (m *Model) completeInteraction(prefix string) []string {
	p := filter.Fold(prefix)
	var out []string
	for _, e := range m.store.list {
		for _, c := range []string{e.id, e.title()} {
			if strings.HasPrefix(filter.Fold(c), p) && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// openCmdline opens the `:` line.
func (m *Model) openCmdline() tea.Cmd {
	c, cmd := cmdline.New(m.st, m.commands(), m.history)
	m.openDialog(&cmdlineDialog{viewDialog[cmdline.Model]{m: c}}, "")
	return cmd
}

// runCommand carries out a command line.
func (m *Model) runCommand(r cmdline.Run) tea.Cmd {
	if r.HistoryErr != nil {
		m.logEvent(events.Error, "command history: "+r.HistoryErr.Error())
	}
	arg := strings.Join(r.Args, " ")
	switch r.Name {
	case "interaction":
		return m.gotoInteraction(arg)
	case "filter":
		if m.screen == screenMain && m.focus != focusInteractions {
			m.setFocus(focusSnapshots)
		}
		m.filterOn = m.focusedList()
		m.setFilter(arg)
	case "image":
		md := termgfx.Mode(strings.ToLower(arg))
		if md != preview.ModeNone {
			p, err := termgfx.ParseMode(arg)
			if err != nil {
				m.setStatusInfo("image: " + err.Error())
				return nil
			}
			md = p
		}
		m.preview.SetMode(md)
		m.setStatusInfo("image mode: " + string(m.preview.Mode()))
	case "theme":
		st, err := theme.Load(strings.ToLower(arg), m.opts.Renderer)
		if err != nil {
			m.setStatusInfo("theme: " + err.Error())
			return nil
		}
		*m.st = *st // every component holds this pointer
		m.setStatusInfo("theme: " + arg)
	case "watch":
		if m.screen == screenWatch {
			m.closeWatch()
			return nil
		}
		return m.openWatch()
	case "events":
		m.showEvents = !m.showEvents
		if !m.showEvents && m.focus == focusEvents {
			m.setFocus(focusSnapshots)
		}
		m.layout()
	case "refresh":
		return m.lists.refresh()
	case "help":
		m.openHelp()
	case "quit":
		return m.askQuit()
	}
	return nil
}

// focusedList is the list `/` would filter now.
func (m *Model) focusedList() filterTarget {
	switch {
	case m.screen == screenWatch:
		return filterWatch
	case m.focus == focusInteractions:
		return filterInteractions
	}
	return filterSnapshots
}

// gotoInteraction opens the interaction whose id is arg or whose customer
// is named arg (ignoring case and accents; the first that starts so when
// none is equal); an id not known yet is asked of the server.
func (m *Model) gotoInteraction(arg string) tea.Cmd {
	if arg == "" {
		m.setStatusInfo("interaction: give an id or a customer's name (tab completes)")
		return nil
	}
	want := filter.Fold(arg)
	pick := ""
	for _, e := range m.store.list {
		if e.id == arg || filter.Fold(e.title()) == want {
			pick = e.id
			break
		}
		if pick == "" && strings.HasPrefix(filter.Fold(e.title()), want) {
			pick = e.id
		}
	}
	if pick == "" {
		return m.jumpTo(arg) // perhaps one the list does not have yet: ask for it first
	}
	m.inter.SetFilter(filter.Query{}) // so the list shows it
	return m.openInteraction(pick)
}

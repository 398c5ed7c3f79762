package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap holds every key of the dashboard. Bindings that do not apply in the
// current state are disabled (and so hidden from the help) by the root.
type KeyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	NextPane, PrevPane                      key.Binding
	Preview, Back                           key.Binding
	Filter                                  key.Binding
	Request, Approve, Discard, Camera       key.Binding
	Upload, Copy, Open, Save                key.Binding
	Refresh, Events, ImageMode              key.Binding
	// Watch toggles the watch screen (every live interaction).
	Watch key.Binding
	// NextReview and PrevReview walk the snapshots awaiting review across
	// every interaction; Mark and MarkAll pick snapshots for a bulk review.
	NextReview, PrevReview, Mark, MarkAll key.Binding
	// Command opens the `:` command line.
	Command key.Binding
	// The events pane's own keys, enabled while it has the focus.
	EventsPause, EventsType, EventsMine key.Binding
	Help, Quit                          key.Binding
}

// DefaultKeyMap returns the default keys.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		Top:       b("g", "newest", "g", "home"),
		Bottom:    b("G", "oldest", "G", "end"),
		PageUp:    b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:  b("pgdn", "page down", "pgdown", "ctrl+d"),
		NextPane:  b("tab", "next pane", "tab"),
		PrevPane:  b("shift+tab", "prev pane", "shift+tab"),
		Preview:   b("enter", "full preview", "enter"),
		Back:      b("esc", "back", "esc"),
		Filter:    b("/", "filter", "/"),
		Request:   b("r", "request", "r"),
		Approve:   b("a", "approve", "a"),
		Discard:   b("d", "discard", "d"),
		Camera:    b("c", "camera", "c"),
		Upload:    b("u", "upload", "u"),
		Copy:      b("y", "copy URL", "y"),
		Open:      b("o", "open", "o"),
		Save:      b("s", "save", "s"),
		Refresh:   b("R", "refresh", "R"),
		Events:    b("e", "events", "e"),
		ImageMode: b("i", "image mode", "i"),
		Watch:     b("w", "watch", "w"),
		// space arrives as the key " " in Bubble Tea v1.
		NextReview: b("n", "next to review", "n"),
		PrevReview: b("N", "prev to review", "N"),
		Mark:       b("space", "mark", " "),
		MarkAll:    b("ctrl+a", "mark all", "ctrl+a"),
		Command:    b(":", "command", ":"),
		// space arrives as the key " " in Bubble Tea v1.
		EventsPause: b("p/space", "pause/follow", "p", " "),
		EventsType:  b("f", "type filter", "f"),
		EventsMine:  b("t", "this interaction", "t"),
		Help:        b("?", "help", "?"),
		Quit:        b("q", "quit", "q", "ctrl+c"),
	}
}

// bindings maps action names (as used in the config file) to the fields.
func (k *KeyMap) bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "top": &k.Top, "bottom": &k.Bottom,
		"page_up": &k.PageUp, "page_down": &k.PageDown,
		"next_pane": &k.NextPane, "prev_pane": &k.PrevPane,
		"preview": &k.Preview, "back": &k.Back, "filter": &k.Filter,
		"request": &k.Request, "approve": &k.Approve, "discard": &k.Discard, "camera": &k.Camera,
		"upload": &k.Upload, "copy": &k.Copy, "open": &k.Open, "save": &k.Save,
		"refresh": &k.Refresh, "events": &k.Events, "image_mode": &k.ImageMode,
		"watch": &k.Watch, "next_review": &k.NextReview, "prev_review": &k.PrevReview,
		"mark": &k.Mark, "mark_all": &k.MarkAll, "command": &k.Command, "events_pause": &k.EventsPause, "events_filter": &k.EventsType,
		"events_interaction": &k.EventsMine,
		"help":               &k.Help, "quit": &k.Quit,
	}
}

// ActionNames lists the action names KeyBindings may rebind.
func ActionNames() []string {
	var k KeyMap
	names := make([]string, 0, 28)
	for n := range k.bindings() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Rebind returns a copy of k with the actions in m bound to the given keys
// instead of their defaults. An unknown action, an empty key list or a key
// left bound to two actions is an error.
func (k KeyMap) Rebind(m map[string][]string) (KeyMap, error) {
	bs := k.bindings()
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b, ok := bs[n]
		if !ok {
			return k, fmt.Errorf("unknown action %q (valid: %s)", n, strings.Join(ActionNames(), ", "))
		}
		keys := m[n]
		if len(keys) == 0 {
			return k, fmt.Errorf("action %q has no key", n)
		}
		help := strings.Join(keys, "/")
		*b = key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, b.Help().Desc))
	}
	owner := map[string]string{}
	for _, n := range ActionNames() {
		for _, kk := range bs[n].Keys() {
			if o, ok := owner[kk]; ok && !paneScoped(o, n) {
				return k, fmt.Errorf("key %q is bound to both %s and %s", kk, o, n)
			}
			owner[kk] = n
		}
	}
	return k, nil
}

// FullHelp implements help.KeyMap: the `?` screen, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{pair(k.Up, k.Down, "up/down"), pair(k.Top, k.Bottom, "newest/oldest"), pair(k.PageUp, k.PageDown, "page"),
			pair(k.NextPane, k.PrevPane, "next/prev pane"), pair(k.NextReview, k.PrevReview, "next/prev to review"),
			pair(k.Mark, k.MarkAll, "mark / all")},
		{k.Request, k.Approve, k.Discard, k.Camera, k.Upload, k.Refresh, k.Command},
		{k.Preview, k.Copy, k.Open, k.Save, k.ImageMode, k.Filter, k.Events, k.Watch},
		{k.EventsPause, k.EventsType, k.EventsMine, k.Back, k.Help, k.Quit},
	}
}

// paneScoped reports whether actions a and b never apply at once, so they
// may share a key: the events pane's own keys work only while it has the
// focus, and marking only while the table has it.
func paneScoped(a, b string) bool {
	events := func(n string) bool { return strings.HasPrefix(n, "events_") }
	table := func(n string) bool { return n == "mark" || n == "mark_all" }
	return (events(a) && table(b)) || (table(a) && events(b))
}

// ShortHelp implements help.KeyMap: the footer's keys on the main screen,
// most used first, in short words; the footer shows as many as fit
// (statusbar.Fit) and "? help" lists them all.
func (k KeyMap) ShortHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return []key.Binding{
		k.Request, k.Approve, k.Discard, short(k.NextReview, "next"), k.Camera,
		short(k.Preview, "preview"), short(k.Copy, "copy"), k.Save, k.Upload, k.Open, k.Mark,
		k.Filter, k.Command, k.Events, short(k.ImageMode, "image"), short(k.NextPane, "pane"), k.Watch, k.Back,
		k.Help, k.Quit,
	}
}

// pair shows two bindings on one line of the help (so the help fits a
// 70×20 terminal): both keys, one description.
func pair(a, b key.Binding, desc string) key.Binding {
	keys := append(append([]string{}, a.Keys()...), b.Keys()...)
	p := key.NewBinding(key.WithKeys(keys...), key.WithHelp(a.Help().Key+" "+b.Help().Key, desc))
	p.SetEnabled(a.Enabled() || b.Enabled())
	return p
}

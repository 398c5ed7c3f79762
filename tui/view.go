package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/internal/termgfx"
	"github.com/snapdash/snapdash/views/common"
	"github.com/snapdash/snapdash/views/header"
	helpview "github.com/snapdash/snapdash/views/help"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/preview"
	"github.com/snapdash/snapdash/views/statusbar"
)

// View draws the screen. Only visible rows are formatted, so its cost does
// not grow with the number of snapshots or events.
func (m *Model) View() string {
	if m.quitting {
		return ""
	}
	if m.width == 0 {
		return "snapdash: starting…"
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	spin := m.spinFrame()
	var screen []string
	screen = append(screen, header.View(m.st, m.headerInfo(), m.width))
	body := m.bodyLines(m.c.Spinner)
	if d := m.dialogView(); d != "" {
		body = m.placeDialog(body, d)
	}
	screen = append(screen, body...)
	screen = append(screen, m.footer(spin))
	return strings.Join(screen, "\n")
}

// tooSmallView says how big the terminal must be. It never draws more
// lines than the terminal has: the renderer would keep the last ones and
// lose the first, which says what is needed. When the sentence does not
// fit, a one-liner does; when even that does not, its first lines.
func (m *Model) tooSmallView() string {
	need, have := strconv.Itoa(MinWidth)+"×"+strconv.Itoa(MinHeight), strconv.Itoa(m.width)+"×"+strconv.Itoa(m.height)
	long := "snapdash needs a terminal of at least " + need +
		".\nThis one is " + have + ": make it bigger, or press q to quit."
	short := "need " + need + ", have " + have + " (q quits)"
	style := m.st.Warn.Width(m.width)
	var lines []string
	for _, msg := range []string{long, short} {
		lines = strings.Split(style.Render(msg), "\n")
		if len(lines) <= m.height {
			break
		}
	}
	lines = lines[:min(len(lines), max(1, m.height))]
	for i, l := range lines {
		lines[i] = pane.Fit(l, m.width) // a word longer than the width is not wrapped
	}
	return strings.Join(lines, "\n")
}

func (m *Model) headerInfo() header.Info {
	id := m.opts.Identity
	return header.Info{
		Server: m.opts.ServerURL, User: id.UserID, Org: id.Organization, Roles: id.Roles,
		Conn: m.live.cs.State, ConnDetail: m.live.connDetail(), Via: m.live.cs.Via, ReadOnly: m.readOnly(),
		ToReview: m.review.toReview, Team: m.review.teamHeader(), Counting: m.lists.counting(),
	}
}

// bodyLines draws the panes between header and footer.
func (m *Model) bodyLines(spin string) []string {
	l := m.lay
	var lines []string
	switch {
	case m.screen == screenWatch:
		r := l.watch
		return pane.Box(m.st, "Watch · every live interaction",
			strings.Split(m.watch.table.View(), "\n"), r.w, r.h, true)
	case m.preview.Full():
		lines = m.preview.box(l.prev, m.focus == focusPreview)
	case l.wide:
		lines = joinH(m.interBox(spin), m.snapsBox(spin), m.preview.box(l.prev, m.focus == focusPreview))
	default:
		right := append(m.snapsBox(spin), m.preview.box(l.prev, m.focus == focusPreview)...)
		lines = joinH(m.interBox(spin), right)
	}
	if m.showEvents && l.events.h > 0 {
		lines = append(lines, pane.Box(m.st, m.events.Title(), m.events.Lines(), l.events.w, l.events.h, m.focus == focusEvents)...)
	}
	return lines
}

// joinH puts boxes of equal height side by side.
func joinH(cols ...[]string) []string {
	out := make([]string, len(cols[0]))
	var b strings.Builder
	for i := range out {
		b.Reset()
		for _, c := range cols {
			if i < len(c) {
				b.WriteString(c[i])
			}
		}
		out[i] = b.String()
	}
	return out
}

func (m *Model) interBox(spin string) []string {
	r := m.lay.inter
	title := "Interactions " + m.inter.Position()
	var lines []string
	switch {
	case m.inter.Total() == 0 && m.lists.listing:
		lines = []string{m.st.Muted.Render(spin + " Loading interactions…")}
	case m.inter.Total() == 0 && m.lists.listErr != nil:
		lines = []string{m.st.Bad.Render("✗ could not list interactions"), m.st.Muted.Render("R retries")}
	case m.inter.Total() == 0:
		lines = []string{m.st.Muted.Render("No interactions"), m.st.Muted.Render("in the last " + common.Dur(m.opts.Since) + "."),
			"", m.st.Muted.Render("New ones appear"), m.st.Muted.Render("as events arrive.")}
	default:
		lines = m.inter.Lines()
	}
	return pane.Box(m.st, title, lines, r.w, r.h, m.focus == focusInteractions)
}

func (m *Model) snapsBox(spin string) []string {
	r := m.lay.snaps
	e := m.store.byID[m.selected]
	title := "Snapshots"
	if e != nil {
		title += " · " + sanitize.Truncate(e.title(), 24)
	}
	title += " " + m.snaps.Position()
	if f := m.snaps.Filter(); !f.Empty() {
		title += " /" + sanitize.Truncate(f.String(), 20)
	}
	var lines []string
	switch {
	case e == nil && m.lists.listing:
		lines = []string{m.st.Muted.Render(spin + " Loading…")}
	case e == nil:
		lines = []string{m.st.Muted.Render("Select an interaction.")}
	case m.snaps.Total() == 0 && e.loading:
		lines = []string{m.st.Muted.Render(spin + " Loading snapshots…")}
	case m.snaps.Total() == 0 && e.err != nil:
		lines = []string{m.st.Bad.Render("✗ " + sanitize.Line(e.err.Error())), m.st.Muted.Render("R retries")}
	default:
		lines = m.snaps.Lines()
	}
	return pane.Box(m.st, title, lines, r.w, r.h, m.focus == focusSnapshots)
}

// dialogView draws the open dialog, if any.
func (m *Model) dialogView() string {
	w := m.width
	if m.preview.Full() && m.screen == screenMain && m.besideDialog() {
		// Narrow enough to stand beside the picture.
		w = min(w, max(40, w/2))
	}
	if m.dialog == nil {
		return ""
	}
	if _, footer := m.dialog.(footerLine); footer {
		return "" // drawn as the footer's lines
	}
	m.dialog.SetSize(w, m.height)
	return m.dialog.View()
}

// helpView draws the help w wide: the full help of the keys of where it
// was opened (screenKeys), in columns.
func (m *Model) helpView(w int) string {
	keys, note := m.screenKeys(), "esc or ? closes · actions hidden here are not available now"
	switch {
	case m.screen == screenWatch:
		note = "esc or ? closes · the watch screen changes nothing"
	case m.preview.Full():
		// Every full-screen key, whether or not it applies at this zoom.
		keys, note = fullHelp{f: preview.DefaultFullKeyMap(), k: m.keys}, "esc or ? closes · the full-screen preview's keys come first"
	}
	return helpview.View(m.st, m.help, keys, w, m.helpRows(), note)
}

// screenKeys is what the footer shows with no dialog open: the keys of
// what has the focus (the watch screen, the full-screen preview, the
// events pane: each component's own key map) with the root's that still
// apply there, or the main screen's.
func (m *Model) screenKeys() help.KeyMap {
	switch {
	case m.screen == screenWatch:
		return watchHelp{w: m.watch.table.KeyMap, k: m.keys}
	case m.preview.Full():
		return fullHelp{f: m.preview.KeyMap(), k: m.keys}
	case m.showEvents && m.focus == focusEvents:
		return paneHelp{pane: m.events, k: m.keys}
	}
	return m.keys
}

// paneHelp is a pane's own keys, then help and quit.
type paneHelp struct {
	pane help.KeyMap
	k    KeyMap
}

// ShortHelp implements help.KeyMap.
func (h paneHelp) ShortHelp() []key.Binding { return append(h.pane.ShortHelp(), h.k.Help, h.k.Quit) }

// FullHelp implements help.KeyMap: the root's, which list the pane's
// keys while it has the focus (updateKeys).
func (h paneHelp) FullHelp() [][]key.Binding { return h.k.FullHelp() }

// footerKeys returns the key hints the footer shows now, as many as fit,
// most used first; "? help" always stays and lists them all.
func (m *Model) footerKeys() []key.Binding {
	var keys []key.Binding
	switch m.dialog.(type) {
	case nil:
		keys = m.screenKeys().ShortHelp()
	case footerLine:
		return m.dialog.ShortHelp()
	case fielder:
		keys = m.armedKeys(m.dialog.ShortHelp())
	default:
		keys = m.dialog.ShortHelp()
	}
	km := &m.keys
	return statusbar.Fit(m.help, keys, m.width, []key.Binding{km.Help, km.Quit}, nil)
}

// footer draws the status line (or the filter input) and the short help.
func (m *Model) footer(spin string) string {
	keys := m.footerKeys()
	status := m.shownStatus()
	extra := "image " + string(m.preview.Mode())
	if m.preview.Chosen() == termgfx.ModeAuto {
		extra += " (auto)"
	} else if m.preview.Chosen() == preview.ModeNone {
		extra = "images off"
	}
	if m.screen == screenWatch {
		extra = m.watch.legend()
	}
	if f, ok := m.dialog.(footerLine); ok {
		m.dialog.SetSize(m.width, m.height)
		return f.footer(m.help, keys, m.width)
	}
	return statusbar.View(m.st, m.help, status, spin, extra, keys, m.width)
}

// helpRows is how many keys a column of the help can hold: the body less
// the dialog's border, title and footer lines.
func (m *Model) helpRows() int { return max(4, m.height-3-6) }

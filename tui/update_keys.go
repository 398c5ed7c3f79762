package tui

import (
	"slices"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/events"
	"github.com/snapdash/snapdash/views/list"
	"github.com/snapdash/snapdash/views/preview"
	"github.com/snapdash/snapdash/views/snapshots"
)

// handleKey routes a key: an open dialog first, then global keys, then the
// focused pane.
func (m *Model) handleKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case m.tooSmall():
		if key.Matches(k, m.keys.Quit) {
			return m.quit()
		}
		return nil
	case m.dialog != nil:
		return m.updateDialog(k)
	case k.Paste:
		// A paste is text for a field; with none open it does nothing.
		m.setStatusInfo("paste ignored: no text field is open")
		return nil
	case m.screen == screenWatch:
		return m.watchKey(k)
	}
	if m.preview.Full() && m.preview.Key(k) {
		if !m.preview.Full() {
			m.layout() // back from the full screen
		}
		return nil
	}
	if why, off := m.actionOff(k); off {
		m.setStatusInfo(why)
		return nil
	}
	for _, g := range globalKeys {
		if key.Matches(k, *g.binding(&m.keys)) {
			return g.do(m)
		}
	}
	return m.navigate(k)
}

// actionOff reports why when k is an action's key while the action is off
// (disabled, so not matched by globalKeys): the key says why rather than
// doing nothing.
func (m *Model) actionOff(k tea.KeyMsg) (why string, off bool) {
	for _, a := range actions {
		if b := m.keys.binding(a); !b.Enabled() && slices.Contains(b.Keys(), k.String()) {
			if ok, why := m.review.can(a); !ok {
				return why, true
			}
		}
	}
	return "", false
}

// globalKey is one key of the main screen the root handles itself, before
// the focused pane sees it.
type globalKey struct {
	binding func(*KeyMap) *key.Binding
	do      func(*Model) tea.Cmd
}

// globalKeys are the main screen's keys in the order they are matched; a
// key none of them matches goes to the focused pane (navigate).
var globalKeys = []globalKey{
	{func(km *KeyMap) *key.Binding { return &km.Quit }, (*Model).askQuit},
	{func(km *KeyMap) *key.Binding { return &km.Help }, (*Model).openHelp},
	{func(km *KeyMap) *key.Binding { return &km.Back }, (*Model).back},
	{func(km *KeyMap) *key.Binding { return &km.NextPane }, func(m *Model) tea.Cmd { m.cycleFocus(1); return nil }},
	{func(km *KeyMap) *key.Binding { return &km.PrevPane }, func(m *Model) tea.Cmd { m.cycleFocus(-1); return nil }},
	{func(km *KeyMap) *key.Binding { return &km.Events }, (*Model).toggleEvents},
	{func(km *KeyMap) *key.Binding { return &km.Preview }, (*Model).togglePreview},
	{func(km *KeyMap) *key.Binding { return &km.Filter }, func(m *Model) tea.Cmd { return m.cmdline.openFilter(m.width) }},
	{func(km *KeyMap) *key.Binding { return &km.Command }, func(m *Model) tea.Cmd { return m.cmdline.openCmdline() }},
	{func(km *KeyMap) *key.Binding { return &km.Refresh }, func(m *Model) tea.Cmd { return m.lists.refresh() }},
	{func(km *KeyMap) *key.Binding { return &km.Watch }, (*Model).openWatch},
	{func(km *KeyMap) *key.Binding { return &km.ImageMode }, func(m *Model) tea.Cmd { m.preview.nextImageMode(); return nil }},
	{func(km *KeyMap) *key.Binding { return &km.Request }, func(m *Model) tea.Cmd { return m.requests.open() }},
	{func(km *KeyMap) *key.Binding { return &km.Approve }, func(m *Model) tea.Cmd { return m.review.reviewKey(review.Approve) }},
	{func(km *KeyMap) *key.Binding { return &km.Discard }, func(m *Model) tea.Cmd { return m.review.reviewKey(review.Discard) }},
	{func(km *KeyMap) *key.Binding { return &km.NextReview }, func(m *Model) tea.Cmd { return m.review.queueStep(1) }},
	{func(km *KeyMap) *key.Binding { return &km.PrevReview }, func(m *Model) tea.Cmd { return m.review.queueStep(-1) }},
	{func(km *KeyMap) *key.Binding { return &km.Mark }, func(m *Model) tea.Cmd { m.review.toggleMark(); return nil }},
	{func(km *KeyMap) *key.Binding { return &km.MarkAll }, func(m *Model) tea.Cmd { m.review.markShown(); return nil }},
	{func(km *KeyMap) *key.Binding { return &km.Camera }, func(m *Model) tea.Cmd { return m.cam.open() }},
	{func(km *KeyMap) *key.Binding { return &km.Upload }, func(m *Model) tea.Cmd { return m.files.openUpload() }},
	{func(km *KeyMap) *key.Binding { return &km.Copy }, func(m *Model) tea.Cmd { return m.files.copyURL() }},
	{func(km *KeyMap) *key.Binding { return &km.Open }, func(m *Model) tea.Cmd { return m.files.openExternal() }},
	{func(km *KeyMap) *key.Binding { return &km.Save }, func(m *Model) tea.Cmd { return m.files.openSave() }},
}

func (m *Model) openHelp() tea.Cmd {
	m.openDialog(&helpDialog{keys: &m.keys, draw: m.helpView}, "")
	return nil
}

// back (esc) unmarks, leaves the full screen, or clears the filter.
func (m *Model) back() tea.Cmd {
	switch {
	case len(m.review.marks) > 0:
		m.review.clearMarks()
		m.setStatusInfo("unmarked")
	case m.preview.Full():
		m.preview.showFull(false)
	default:
		m.cmdline.clearFilter()
	}
	return nil
}

// navigate hands the key to the focused pane, which handles its own keys
// in its Update (the lists' listKeys, the events pane's eventsKeys).
func (m *Model) navigate(k tea.KeyMsg) tea.Cmd {
	switch m.focus {
	case focusInteractions:
		return m.toInter(k)
	case focusSnapshots, focusPreview:
		m.topPending, m.snapsMoved = false, true // the reviewer's row from now on
		m.snaps, _ = m.snaps.Update(k)
	case focusEvents:
		m.events, _ = m.events.Update(k)
	}
	return nil
}

// toInter hands msg (a key, or the mouse in the list's cells) to the
// interactions list, and opens the interaction its cursor moved to.
func (m *Model) toInter(msg tea.Msg) tea.Cmd {
	before, _ := m.inter.Selected()
	m.inter, _ = m.inter.Update(msg)
	if after, ok := m.inter.Selected(); ok && after.ID != before.ID {
		return m.selectInteraction(after.ID)
	}
	return nil
}

// listKeys are the lists' own keys, as the user bound them.
func (km *KeyMap) listKeys() list.KeyMap {
	return list.KeyMap{Up: km.Up, Down: km.Down, Top: km.Top, Bottom: km.Bottom, PageUp: km.PageUp, PageDown: km.PageDown}
}

// eventsKeys are the events pane's keys, as the user bound them: the
// lists' and its own (pause, type filter, this interaction). The pane
// handles them in its Update; the root's copies are enabled only while it
// has the focus, so the help lists them then (updateKeys).
func (km *KeyMap) eventsKeys() events.KeyMap {
	return events.KeyMap{Scroll: km.listKeys(), Pause: km.EventsPause, Type: km.EventsType, Mine: km.EventsMine}
}

// selectInteraction shows id's snapshots, listing them the first time.
func (m *Model) selectInteraction(id string) tea.Cmd {
	if id == m.selected {
		return nil
	}
	m.selected = id
	m.shownVersion = -1
	m.review.clearMarks()
	m.topPending, m.snapsMoved = true, false
	m.inter.Select(id)
	cmds := []tea.Cmd{m.lists.rememberRecent(id)}
	if e := m.store.byID[id]; e != nil && !e.listed && !e.loading {
		e.loading = true
		cmds = append(cmds, m.lists.loadSnapshots(id))
	}
	return tea.Batch(cmds...)
}

// selectedRow returns the snapshot under the table's cursor.
func (m *Model) selectedRow() (snapshots.Row, bool) { return m.snaps.Selected() }

// askQuit quits, or asks first while actions are in flight.
func (m *Model) askQuit() tea.Cmd {
	n := m.inFlight()
	if n == 0 {
		return m.quit()
	}
	m.askQuitAbout(n)
	return nil
}

// askQuitAbout (re)words the quit question for n actions in flight; the
// root calls it again as they end, so it never names one that finished.
func (m *Model) askQuitAbout(n int) {
	q := "1 action is still in flight; its outcome will not be shown.\nQuit anyway?"
	switch {
	case n == 0:
		q = "Every action has been answered.\nQuit?"
	case n > 1:
		q = strconv.Itoa(n) + " actions are still in flight; their outcome will not be shown.\nQuit anyway?"
	}
	m.openDialog(&confirmDialog{m: confirm.New(m.st, "quit", "Quit snapdash?", q, QuitConfirmed{})}, "")
	m.quitAsked = n
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.review.teamQuit()
	m.cancel()
	if m.preview.overlay != nil {
		m.preview.overlay.Clear()
	}
	return nil
}

// updateKeys enables the keys that apply now, so the footer and the help
// show only those; can decides for every action.
func (m *Model) updateKeys() {
	km := &m.keys
	for _, a := range actions {
		ok, _ := m.review.can(a)
		km.binding(a).SetEnabled(ok)
	}
	_, hasRow := m.selectedRow()
	pane := m.showEvents && m.focus == focusEvents && m.screen == screenMain
	km.EventsPause.SetEnabled(pane)
	km.EventsType.SetEnabled(pane)
	km.EventsMine.SetEnabled(pane)
	km.Preview.SetEnabled(hasRow || m.preview.Full())
	km.Back.SetEnabled(m.preview.Full() || !m.snaps.Filter().Empty() || !m.inter.Filter().Empty() || len(m.review.marks) > 0)
	table := m.screen == screenMain && (m.focus == focusSnapshots || m.focus == focusPreview)
	km.Mark.SetEnabled(table && hasRow && !m.readOnly())
	km.MarkAll.SetEnabled(table && m.snaps.Len() > 0 && !m.readOnly())
	km.ImageMode.SetEnabled(m.preview.Chosen() != preview.ModeNone)
}

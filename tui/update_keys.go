package tui

import (
	"slices"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/list"
	"github.com/snapdash/snapdash/views/preview"
	"github.com/snapdash/snapdash/views/snapshots"
)

// handleKey routes a key: an open dialog first, then global keys, then the
// focused pane.
func (m *Model) handleKey(k tea.KeyMsg) tea.Cmd {
	if m.tooSmall() {
		if key.Matches(k, m.keys.Quit) {
			return m.quit()
		}
		return nil
	}
	if m.dialog != dialogNone {
		return m.updateDialog(k)
	}
	if k.Paste {
		// A paste is text for a field; with none open it does nothing.
		m.setStatusInfo("paste ignored: no text field is open")
		return nil
	}
	if m.screen == screenWatch {
		return m.watchKey(k)
	}
	if m.preview.Full() {
		if m.preview.Key(k) {
			if !m.preview.Full() {
				m.layout() // back from the full screen
			}
			return nil
		}
	}
	km := &m.keys
	// An action's key while the action is off (disabled, so not matched
	// below) says why rather than doing nothing.
	for _, a := range actions {
		if b := km.binding(a); !b.Enabled() && slices.Contains(b.Keys(), k.String()) {
			if ok, why := m.can(a); !ok {
				m.setStatusInfo(why)
				return nil
			}
		}
	}
	switch {
	case key.Matches(k, km.Quit):
		return m.askQuit()
	case key.Matches(k, km.Help):
		m.dialog = dialogHelp
	case key.Matches(k, km.Back):
		switch {
		case len(m.marks) > 0:
			m.clearMarks()
			m.setStatusInfo("unmarked")
		case m.preview.Full():
			m.setFull(false)
		default:
			m.clearFilter()
		}
	case key.Matches(k, km.NextPane):
		m.cycleFocus(1)
	case key.Matches(k, km.PrevPane):
		m.cycleFocus(-1)
	case key.Matches(k, km.Events):
		m.showEvents = !m.showEvents
		if !m.showEvents && m.focus == focusEvents {
			m.setFocus(focusSnapshots)
		}
		m.layout()
	case key.Matches(k, km.Preview):
		if m.focus == focusInteractions {
			m.setFocus(focusSnapshots)
			return nil
		}
		m.setFull(!m.preview.Full())
	case key.Matches(k, km.Filter):
		return m.openFilter()
	case key.Matches(k, km.Command):
		return m.openCmdline()
	case key.Matches(k, km.Refresh):
		return m.refresh()
	case key.Matches(k, km.Watch):
		return m.openWatch()
	case key.Matches(k, km.EventsPause):
		if m.events.TogglePause() {
			m.setStatusInfo("events paused: new ones are counted; p follows again")
		} else {
			m.setStatusInfo("events: following")
		}
	case key.Matches(k, km.EventsType):
		t := m.events.CycleType()
		m.setStatusInfo("events: " + orDefault(t, "every type"))
	case key.Matches(k, km.EventsMine):
		if m.events.ToggleInteraction() {
			m.setStatusInfo("events: this interaction only")
		} else {
			m.setStatusInfo("events: every interaction")
		}
	case key.Matches(k, km.ImageMode):
		m.nextImageMode()
	case key.Matches(k, km.Request):
		return m.openRequest()
	case key.Matches(k, km.Approve):
		if len(m.marks) > 0 {
			return m.openBulk(review.Approve)
		}
		return m.openApprove()
	case key.Matches(k, km.Discard):
		if len(m.marks) > 0 {
			return m.openBulk(review.Discard)
		}
		return m.openDiscard()
	case key.Matches(k, km.NextReview):
		return m.queueStep(1)
	case key.Matches(k, km.PrevReview):
		return m.queueStep(-1)
	case key.Matches(k, km.Mark):
		m.toggleMark()
	case key.Matches(k, km.MarkAll):
		m.markShown()
	case key.Matches(k, km.Camera):
		return m.openCamera()
	case key.Matches(k, km.Upload):
		return m.openUpload()
	case key.Matches(k, km.Copy):
		return m.copyURL()
	case key.Matches(k, km.Open):
		return m.openExternal()
	case key.Matches(k, km.Save):
		return m.openSave()
	default:
		return m.navigate(k)
	}
	return nil
}

// navigate hands the key to the focused pane, which moves with its own
// keys (listKeys).
func (m *Model) navigate(k tea.KeyMsg) tea.Cmd {
	switch m.focus {
	case focusInteractions:
		before, _ := m.inter.Selected()
		m.inter, _ = m.inter.Update(k)
		if after, ok := m.inter.Selected(); ok && after.ID != before.ID {
			return m.selectInteraction(after.ID)
		}
	case focusSnapshots, focusPreview:
		m.topPending, m.snapsMoved = false, true // the reviewer's row from now on
		m.snaps, _ = m.snaps.Update(k)
	case focusEvents:
		m.events, _ = m.events.Update(k)
	}
	return nil
}

// listKeys are the lists' own keys, as the user bound them.
func (km *KeyMap) listKeys() list.KeyMap {
	return list.KeyMap{Up: km.Up, Down: km.Down, Top: km.Top, Bottom: km.Bottom, PageUp: km.PageUp, PageDown: km.PageDown}
}

// focusOrder lists the panes tab visits.
func (m *Model) focusOrder() []focus {
	f := []focus{focusInteractions, focusSnapshots, focusPreview}
	if m.showEvents {
		f = append(f, focusEvents)
	}
	return f
}

func (m *Model) cycleFocus(d int) {
	order := m.focusOrder()
	i := 0
	for j, f := range order {
		if f == m.focus {
			i = j
		}
	}
	m.setFocus(order[(i+d+len(order))%len(order)])
}

func (m *Model) setFocus(f focus) {
	m.focus = f
	m.inter.SetFocused(f == focusInteractions)
	m.snaps.SetFocused(f == focusSnapshots || f == focusPreview)
}

// selectInteraction shows id's snapshots, listing them the first time.
func (m *Model) selectInteraction(id string) tea.Cmd {
	if id == m.selected {
		return nil
	}
	m.selected = id
	m.shownVersion = -1
	m.clearMarks()
	m.topPending, m.snapsMoved = true, false
	m.inter.Select(id)
	cmds := []tea.Cmd{m.rememberRecent(id)}
	if e := m.store.byID[id]; e != nil && !e.listed && !e.loading {
		e.loading = true
		cmds = append(cmds, m.loadSnapshots(id))
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
	m.dialog, m.subject = dialogConfirm, ""
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
	m.confirm = confirm.New(m.st, "quit", "Quit snapdash?", q, QuitConfirmed{})
	m.quitAsked = n
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.teamQuit()
	m.cancel()
	if m.overlay != nil {
		m.overlay.Clear()
	}
	return nil
}

// updateKeys enables the keys that apply now, so the footer and the help
// show only those; can decides for every action.
func (m *Model) updateKeys() {
	km := &m.keys
	for _, a := range actions {
		ok, _ := m.can(a)
		km.binding(a).SetEnabled(ok)
	}
	_, hasRow := m.selectedRow()
	pane := m.showEvents && m.focus == focusEvents && m.screen == screenMain
	km.EventsPause.SetEnabled(pane)
	km.EventsType.SetEnabled(pane)
	km.EventsMine.SetEnabled(pane)
	km.Preview.SetEnabled(hasRow || m.preview.Full())
	km.Back.SetEnabled(m.preview.Full() || !m.snaps.Filter().Empty() || !m.inter.Filter().Empty() || len(m.marks) > 0)
	table := m.screen == screenMain && (m.focus == focusSnapshots || m.focus == focusPreview)
	km.Mark.SetEnabled(table && hasRow && !m.readOnly())
	km.MarkAll.SetEnabled(table && m.snaps.Len() > 0 && !m.readOnly())
	km.ImageMode.SetEnabled(m.preview.Chosen() != preview.ModeNone)
}

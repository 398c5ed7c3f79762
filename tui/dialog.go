package tui

import (
	"reflect"
	"slices"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/views/approve"
	camview "github.com/snapdash/snapdash/views/camera"
	"github.com/snapdash/snapdash/views/cmdline"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/dialog"
	"github.com/snapdash/snapdash/views/filter"
	"github.com/snapdash/snapdash/views/pane"
	"github.com/snapdash/snapdash/views/requestform"
	"github.com/snapdash/snapdash/views/upload"
)

// dialogModel is an open dialog. Its contract is soft-serve's
// common.Component (Update, View, SetSize, a help.KeyMap), except that
// Update also returns the dialog's typed answer (nil while it stays open),
// which the root acts on in the same Update (see answer). The root holds
// one, in Model.dialog; nil when none is open.
type dialogModel interface {
	Update(tea.Msg) (dialogModel, tea.Cmd, dialog.Result)
	View() string
	SetSize(w, h int)
	help.KeyMap
	// Name is the dialog's name as Focus reports it.
	Name() string
}

// Optional parts of a dialog, asked for by the root where they matter.
type (
	// hinter draws key hints inside itself, which a click presses.
	hinter interface{ Hints() []dialog.Hint }
	// fielder holds a text field; Typing reports whether it is in it now
	// (keys typed ahead are held back until it is armed, see arming.go).
	fielder interface{ Typing() bool }
	// footerLine is drawn as the footer's lines rather than over the body.
	footerLine interface {
		footer(h help.Model, keys []key.Binding, w int) string
	}
)

// sameKind reports whether a and b are the same kind of dialog (both nil
// included): the layout is computed again only when the kind changes.
func sameKind(a, b dialogModel) bool { return reflect.TypeOf(a) == reflect.TypeOf(b) }

// size is a dialog's size as last set.
type size struct{ w, h int }

func (s *size) SetSize(w, h int) { s.w, s.h = w, h }

// viewOf is a views/ dialog whose Update returns itself, a cmd and its
// answer, and whose View takes the width.
type viewOf[M any] interface {
	Update(tea.Msg) (M, tea.Cmd, dialog.Result)
	View(w int) string
}

// viewDialog holds such a view at its size; the dialogs below embed it and
// add what differs (name, field, hints, keys).
type viewDialog[M viewOf[M]] struct {
	size
	m M
}

// step passes msg to the view and keeps the view it returns.
func (d *viewDialog[M]) step(msg tea.Msg) (tea.Cmd, dialog.Result) {
	var cmd tea.Cmd
	var res dialog.Result
	d.m, cmd, res = d.m.Update(msg)
	return cmd, res
}

func (d *viewDialog[M]) View() string { return d.m.View(d.w) }

// helpDialog is the help: the keys that apply where it was opened.
type helpDialog struct {
	size
	keys *KeyMap          // the root's keys: help, back and q close it
	draw func(int) string // the help w wide (the root's helpView)
}

func (d *helpDialog) Name() string { return "help" }

func (d *helpDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	if k, ok := msg.(tea.KeyMsg); ok {
		km := d.keys
		// Back is disabled (so hidden) outside the full-screen preview
		// and a filter, but its keys still close the help.
		if key.Matches(k, km.Help) || slices.Contains(km.Back.Keys(), k.String()) || k.String() == "q" {
			return d, nil, dialog.Closed{Name: "help"}
		}
	}
	return d, nil, nil
}

func (d *helpDialog) View() string { return d.draw(d.w) }

func (d *helpDialog) ShortHelp() []key.Binding {
	return []key.Binding{d.keys.Help, d.keys.Back}
}

func (d *helpDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// confirmDialog is a yes/no question; ctrl+c answers the quit question
// with yes.
type confirmDialog struct {
	size
	m confirm.Model
}

func (d *confirmDialog) Name() string { return d.m.Name() }

func (d *confirmDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "ctrl+c" && d.m.Name() == "quit" {
		return d, nil, QuitConfirmed{}
	}
	var res dialog.Result
	d.m, res = d.m.Update(msg)
	return d, nil, res
}

func (d *confirmDialog) View() string              { return d.m.View(d.w) }
func (d *confirmDialog) Hints() []dialog.Hint      { return d.m.Hints() }
func (d *confirmDialog) ShortHelp() []key.Binding  { return d.m.KeyMap.ShortHelp() }
func (d *confirmDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// cameraDialog is the camera menu.
type cameraDialog struct{ viewDialog[camview.Model] }

func (d *cameraDialog) Name() string { return "camera" }

func (d *cameraDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	cmd, res := d.step(msg)
	return d, cmd, res
}

func (d *cameraDialog) ShortHelp() []key.Binding  { return d.m.KeyMap.ShortHelp() }
func (d *cameraDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// requestDialog is the request form.
type requestDialog struct{ viewDialog[requestform.Model] }

func (d *requestDialog) Name() string { return "request" }

func (d *requestDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	cmd, res := d.step(msg)
	return d, cmd, res
}

func (d *requestDialog) Typing() bool              { return true }
func (d *requestDialog) ShortHelp() []key.Binding  { return d.m.KeyMap.ShortHelp() }
func (d *requestDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// uploadDialog asks for a path: a file to upload or where to save.
type uploadDialog struct{ viewDialog[upload.Model] }

func (d *uploadDialog) Name() string { return d.m.Name() }

func (d *uploadDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	cmd, res := d.step(msg)
	return d, cmd, res
}

func (d *uploadDialog) Typing() bool              { return true }
func (d *uploadDialog) ShortHelp() []key.Binding  { return d.m.KeyMap.ShortHelp() }
func (d *uploadDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// approveDialog is the approve question and its type picker.
type approveDialog struct{ viewDialog[approve.Model] }

func (d *approveDialog) Name() string { return d.m.Name() }

func (d *approveDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	cmd, res := d.step(msg)
	return d, cmd, res
}

func (d *approveDialog) Typing() bool              { return d.m.Typing() }
func (d *approveDialog) Hints() []dialog.Hint      { return d.m.Hints() }
func (d *approveDialog) ShortHelp() []key.Binding  { return d.m.ShortHelp() }
func (d *approveDialog) FullHelp() [][]key.Binding { return d.m.FullHelp() }

// cmdlineDialog is the `:` line, drawn as the footer.
type cmdlineDialog struct{ viewDialog[cmdline.Model] }

func (d *cmdlineDialog) Name() string { return "cmdline" }

func (d *cmdlineDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	cmd, res := d.step(msg)
	return d, cmd, res
}

func (d *cmdlineDialog) footer(_ help.Model, _ []key.Binding, _ int) string { return d.View() }
func (d *cmdlineDialog) ShortHelp() []key.Binding                           { return d.m.KeyMap.ShortHelp() }
func (d *cmdlineDialog) FullHelp() [][]key.Binding                          { return [][]key.Binding{d.ShortHelp()} }

// filterDialog is the `/` line, drawn as the footer; it filters as the
// reviewer types (changed), before the answer.
type filterDialog struct {
	m       filter.Model
	changed func(string)
}

func (d *filterDialog) Name() string { return "filter" }

func (d *filterDialog) Update(msg tea.Msg) (dialogModel, tea.Cmd, dialog.Result) {
	var cmd tea.Cmd
	var res dialog.Result
	d.m, cmd, res = d.m.Update(msg)
	if res == nil {
		d.changed(d.m.Value())
	}
	return d, cmd, res
}

func (d *filterDialog) SetSize(w, _ int) { d.m.SetWidth(w) }
func (d *filterDialog) View() string     { return d.m.View() }

func (d *filterDialog) footer(h help.Model, keys []key.Binding, w int) string {
	h.Width = w - 1
	return pane.Fit(" "+d.View(), w) + "\n" + pane.Fit(" "+h.ShortHelpView(keys), w)
}

func (d *filterDialog) ShortHelp() []key.Binding  { return d.m.KeyMap.ShortHelp() }
func (d *filterDialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

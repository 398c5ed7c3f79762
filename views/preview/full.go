package preview

import (
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// FullKeyMap holds the keys of the full-screen preview (enter on a
// snapshot). They are looked at before the dashboard's own keys while it
// is open; every other key (approve, discard, copy, image mode, help, …)
// still works there.
type FullKeyMap struct {
	// ZoomIn and ZoomOut step through the zoom levels; Fit shows the
	// whole picture again.
	ZoomIn, ZoomOut, Fit key.Binding
	// Left, Right, Up and Down pan while zoomed in; at fit, up and down
	// move to the previous and next snapshot, as in the table.
	Left, Right, Up, Down key.Binding
	// Pan only labels the four pan keys in the help.
	Pan key.Binding
	// Back closes the full-screen preview.
	Back key.Binding
}

// DefaultFullKeyMap returns the full-screen preview's keys.
func DefaultFullKeyMap() FullKeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return FullKeyMap{
		ZoomIn:  b("+", "zoom in", "+"),
		ZoomOut: b("-", "zoom out", "-"),
		Fit:     b("0/=", "fit", "0", "="),
		Left:    b("←/h", "pan left", "left", "h"),
		Right:   b("→/l", "pan right", "right", "l"),
		Up:      b("↑/k", "pan up", "up", "k"),
		Down:    b("↓/j", "pan down", "down", "j"),
		Pan:     b("hjkl/←↓↑→", "pan", "left", "h", "right", "l", "up", "k", "down", "j"),
		Back:    b("esc/enter/q", "back", "esc", "enter", "q"),
	}
}

// ShortHelp implements help.KeyMap: the footer while the full-screen
// preview is open, in short forms (the full help names every key).
func (k FullKeyMap) ShortHelp() []key.Binding {
	zoom := k.ZoomIn
	if k.ZoomOut.Enabled() {
		zoom = key.NewBinding(key.WithKeys(append(k.ZoomIn.Keys(), k.ZoomOut.Keys()...)...),
			key.WithHelp(k.ZoomIn.Help().Key+"/"+k.ZoomOut.Help().Key, "zoom"))
	}
	pan, back := k.Pan, k.Back
	pan.SetHelp("hjkl", "pan")
	back.SetHelp(firstKeyHelp(back), "back")
	return []key.Binding{zoom, k.Fit, pan, back}
}

// firstKeyHelp is the first part of a binding's help key ("esc" of
// "esc/enter/q").
func firstKeyHelp(b key.Binding) string {
	h, _, _ := strings.Cut(b.Help().Key, "/")
	return h
}

// FullHelp implements help.KeyMap.
func (k FullKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.ZoomIn, k.ZoomOut, k.Fit}, {k.Left, k.Right, k.Up, k.Down}, {k.Back}}
}

// zoomLevels are the steps of + and -; 1 fits the picture to the pane.
var zoomLevels = [...]float64{1, 1.5, 2, 3, 4, 6, 8, 12, 16}

// KeyMap returns the full-screen keys, enabled as they apply now: pan,
// zoom out and fit only while zoomed in.
func (m *Model) KeyMap() FullKeyMap {
	k := DefaultFullKeyMap()
	zoomed := m.view.zoom > 1
	for _, b := range []*key.Binding{&k.ZoomOut, &k.Fit, &k.Left, &k.Right, &k.Up, &k.Down, &k.Pan} {
		b.SetEnabled(zoomed)
	}
	k.ZoomIn.SetEnabled(m.view.zoom < zoomLevels[len(zoomLevels)-1] && (m.have || m.loading))
	return k
}

// Key handles a key while the full-screen view is open; false passes it
// on to the dashboard's keys. Back closes the full-screen view.
func (m *Model) Key(k tea.KeyMsg) bool {
	fk := m.KeyMap()
	switch {
	case key.Matches(k, fk.Back):
		m.full = false
	case key.Matches(k, fk.ZoomIn):
		m.setZoom(nextZoom(m.view.zoom, 1))
	case key.Matches(k, fk.ZoomOut):
		m.setZoom(nextZoom(m.view.zoom, -1))
	case key.Matches(k, fk.Fit):
		m.setZoom(1)
	case key.Matches(k, fk.Left):
		m.pan(-1, 0)
	case key.Matches(k, fk.Right):
		m.pan(1, 0)
	case key.Matches(k, fk.Up):
		m.pan(0, -1)
	case key.Matches(k, fk.Down):
		m.pan(0, 1)
	default:
		return false
	}
	return true
}

// nextZoom returns the zoom level after z in direction dir.
func nextZoom(z float64, dir int) float64 {
	if z < 1 {
		z = 1
	}
	if dir > 0 {
		for _, l := range zoomLevels {
			if l > z+1e-9 {
				return l
			}
		}
		return zoomLevels[len(zoomLevels)-1]
	}
	for i := len(zoomLevels) - 1; i >= 0; i-- {
		if zoomLevels[i] < z-1e-9 {
			return zoomLevels[i]
		}
	}
	return 1
}

// setZoom zooms to z, keeping the pan; fit centres the picture again.
func (m *Model) setZoom(z float64) {
	v := &m.view
	v.zoom = z
	if z <= 1 {
		v.zoom, v.panX, v.panY = 1, 0, 0
	}
}

// pan moves the view by a quarter of what is visible, in pan units where
// -1 and 1 are the picture's edges: at zoom z about 1/z of the picture
// shows, and the pan range spans the other 1-1/z.
func (m *Model) pan(dx, dy float64) {
	v := &m.view
	if v.zoom <= 1 {
		return
	}
	step := math.Min(1, 1/(2*(v.zoom-1)))
	v.panX = math.Max(-1, math.Min(1, v.panX+dx*step))
	v.panY = math.Max(-1, math.Min(1, v.panY+dy*step))
}

// zoomLabel names the zoom for the title: "fit" or "2×".
func zoomLabel(z float64) string {
	if z <= 1 {
		return "fit"
	}
	return strconv.FormatFloat(z, 'f', -1, 64) + "×"
}

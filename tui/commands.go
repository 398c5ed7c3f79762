package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
)

// waitStream waits for the next batch of the event stream and merges every
// batch already waiting, so a burst becomes one message and one redraw. It
// holds no goroutine of its own: it is an ordinary tea.Cmd, started again
// after each message.
func waitStream(ch <-chan client.StreamUpdate) tea.Cmd {
	return func() tea.Msg {
		u, ok := <-ch
		if !ok {
			return StreamClosedMsg{}
		}
		for {
			select {
			case n, ok := <-ch:
				if !ok {
					return StreamUpdateMsg{Update: u}
				}
				u = mergeUpdates(u, n)
			default:
				return StreamUpdateMsg{Update: u}
			}
		}
	}
}

func mergeUpdates(a, b client.StreamUpdate) client.StreamUpdate {
	b.Events = append(a.Events, b.Events...)
	b.Resync = a.Resync || b.Resync
	b.Relist = a.Relist || b.Relist
	if b.Err == nil {
		b.Err = a.Err
	}
	return b
}

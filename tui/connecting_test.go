package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// TestScreenConnecting: the connecting screen names the server, what it
// waits for, the time left and how to leave.
func TestScreenConnecting(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			now := fixedNow()
			m := NewConnecting(ConnectOptions{Server: "https://auvious.example", Timeout: 30 * time.Second,
				Now: func() time.Time { return now }, Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }})
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			m.Update(connectStepMsg("the server to register this dashboard"))
			now = now.Add(7 * time.Second)
			m.Update(connectTickMsg(now))
			v := m.View()
			for _, want := range []string{"Connecting to https://auvious.example", "waiting for the server to register this dashboard",
				"giving up in 23s (--timeout 30s)", "q or ctrl+c to leave"} {
				if !strings.Contains(v, want) {
					t.Errorf("no %q in\n%s", want, v)
				}
			}
			golden.RequireEqual(t, []byte(v))
		})
	}
}

// TestConnectOutcomes runs the real program: the work's result comes
// back; a server that never answers runs into the timeout with a message
// naming the server; q leaves with ErrLeft and cancels the work.
func TestConnectOutcomes(t *testing.T) {
	run := func(timeout time.Duration, keys string, work func(ctx context.Context, step func(string)) error) error {
		inR, inW := io.Pipe()
		t.Cleanup(func() { inW.Close() })
		if keys != "" {
			go func() {
				// q is typed once the screen is up: the work said its step.
				_, _ = inW.Write([]byte(keys))
			}()
		}
		return Connect(context.Background(), ConnectOptions{Server: "http://127.0.0.1:9", Timeout: timeout}, inR, io.Discard, work)
	}
	if err := run(time.Minute, "", func(ctx context.Context, step func(string)) error {
		step("signing in")
		return nil
	}); err != nil {
		t.Errorf("a quick answer: %v", err)
	}
	boom := errors.New("401 unauthorized")
	if err := run(time.Minute, "", func(context.Context, func(string)) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("a refusal: %v", err)
	}
	err := run(200*time.Millisecond, "", func(ctx context.Context, step func(string)) error {
		<-ctx.Done() // a server that accepts and never answers
		return ctx.Err()
	})
	if err == nil || !strings.Contains(err.Error(), "no answer from http://127.0.0.1:9 within 200ms (--timeout)") {
		t.Errorf("timeout: %v", err)
	}
	cancelled := make(chan struct{})
	err = run(time.Hour, "q", func(ctx context.Context, step func(string)) error {
		<-ctx.Done()
		close(cancelled)
		return ctx.Err()
	})
	if !errors.Is(err, ErrLeft) {
		t.Errorf("q: %v", err)
	}
	select {
	case <-cancelled:
	default:
		t.Error("q returned before the work was cancelled")
	}
}

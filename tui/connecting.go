package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/theme"
)

// ErrLeft is returned by Connect when the user pressed q on the connecting
// screen; ErrInterrupted when they pressed ctrl+c.
var (
	ErrLeft        = errors.New("left before the server answered")
	ErrInterrupted = errors.New("interrupted before the server answered")
)

// ConnectOptions configure the connecting screen.
type ConnectOptions struct {
	// Server is the server being reached, shown as it is configured.
	Server string
	// Timeout bounds the whole wait (the dashboard's --timeout).
	Timeout time.Duration
	// TimeoutFlag names where Timeout was set (--timeout,
	// SNAPDASH_TIMEOUT, the config file), for the screen and the message
	// when it runs out (default "--timeout").
	TimeoutFlag string
	// Theme and Renderer style the screen as the dashboard will be.
	Theme    string
	Renderer *lipgloss.Renderer
	// Now is the clock (default time.Now); Tick schedules the countdown
	// (default tea.Tick), as in Options.
	Now  func() time.Time
	Tick func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
}

// Connect draws the connecting screen on out at once and keeps it while
// work runs: the server, what it waits for (work reports each step) and a
// countdown to the timeout; q or ctrl+c leaves. work's context ends at
// the timeout or when the user leaves. Connect returns work's error, a
// message naming the server and the timeout when the server did not
// answer in time, ErrLeft or ErrInterrupted.
func Connect(ctx context.Context, o ConnectOptions, in io.Reader, out io.Writer,
	work func(ctx context.Context, step func(string)) error) error {
	if o.Renderer == nil {
		o.Renderer = lipgloss.NewRenderer(out)
	}
	cctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	m := NewConnecting(o)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen())
	res := make(chan error, 1)
	go func() {
		err := work(cctx, func(s string) { p.Send(connectStepMsg(s)) })
		res <- err
		p.Send(connectDoneMsg{})
	}()
	final, err := p.Run()
	if err != nil {
		cancel()
		<-res
		if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if fm, ok := final.(*ConnectingModel); ok && fm.left != nil {
		cancel()
		<-res // work ends with its context; the caller releases what it got
		return fm.left
	}
	werr := <-res
	if werr != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer from %s within %s (%s)", sanitize.Line(o.Server), o.Timeout, o.timeoutFlag())
	}
	return werr
}

func (o ConnectOptions) timeoutFlag() string {
	if o.TimeoutFlag == "" {
		return "--timeout"
	}
	return o.TimeoutFlag
}

// ConnectingModel is the connecting screen's Bubble Tea model.
type ConnectingModel struct {
	o      ConnectOptions
	st     *theme.Styles
	start  time.Time
	now    time.Time
	step   string
	w, h   int
	frame  int
	left   error
	closed bool
}

type (
	connectStepMsg string
	connectDoneMsg struct{}
	connectTickMsg time.Time
)

// NewConnecting returns the connecting screen's model.
func NewConnecting(o ConnectOptions) *ConnectingModel {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tick == nil {
		o.Tick = tea.Tick
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	st, err := theme.Load(o.Theme, o.Renderer)
	if err != nil {
		st, _ = theme.Load("", o.Renderer)
	}
	now := o.Now()
	return &ConnectingModel{o: o, st: st, start: now, now: now, step: "the server"}
}

// Init starts the countdown.
func (m *ConnectingModel) Init() tea.Cmd { return m.tick() }

func (m *ConnectingModel) tick() tea.Cmd {
	return m.o.Tick(time.Second, func(t time.Time) tea.Msg { return connectTickMsg(t) })
}

// Update handles the steps, the countdown and the keys that leave.
func (m *ConnectingModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case connectStepMsg:
		m.step = string(msg)
	case connectDoneMsg:
		m.closed = true
		return m, tea.Quit
	case connectTickMsg:
		m.now = m.o.Now()
		m.frame++
		return m, m.tick()
	case tea.KeyMsg:
		switch msg.String() {
		case "q", "esc":
			m.left = ErrLeft
			return m, tea.Quit
		case "ctrl+c":
			m.left = ErrInterrupted
			return m, tea.Quit
		}
	}
	return m, nil
}

// View draws the server, the step waited for and the countdown, centred.
func (m *ConnectingModel) View() string {
	if m.closed {
		return ""
	}
	left := m.o.Timeout - m.now.Sub(m.start)
	left = max(0, left.Round(time.Second))
	dots := strings.Repeat(".", m.frame%3+1) + strings.Repeat(" ", 2-m.frame%3)
	lines := []string{
		m.st.Bold.Render("snapdash"),
		"",
		"Connecting to " + m.st.Accent.Render(sanitize.Line(m.o.Server)),
		"waiting for " + sanitize.Line(m.step) + dots,
		"",
		m.st.Muted.Render(fmt.Sprintf("giving up in %s (%s %s)", left, m.o.timeoutFlag(), m.o.Timeout)),
		"",
		m.st.HelpKey.Render("q") + m.st.HelpDesc.Render(" or ") + m.st.HelpKey.Render("ctrl+c") + m.st.HelpDesc.Render(" to leave"),
	}
	body := lipgloss.JoinVertical(lipgloss.Left, lines...)
	if m.w <= 0 || m.h <= 0 {
		return body
	}
	return lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, body)
}

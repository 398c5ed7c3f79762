package sshserve

import (
	"fmt"
	"reflect"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"
)

// panicMsg reports a panic caught in a command's goroutine to the program.
type panicMsg struct{ value any }

// safeModel shields the server from a model that panics. Init, Update and
// View run under recover, and so does every command they return, batches and
// sequences included. A panic is logged through report (once, with its
// stack), the session shows a short message and the program quits; other
// sessions never notice. Bubble Tea's own panic catching stays on as a last
// resort, but it prints to the process's stdout, which is why panics are
// caught here first.
type safeModel struct {
	inner   tea.Model
	report  func(value any, stack []byte)
	crashed bool
}

// newSafeModel wraps m.
func newSafeModel(m tea.Model, report func(value any, stack []byte)) *safeModel {
	return &safeModel{inner: m, report: report}
}

// Crashed reports whether the wrapped model panicked.
func (m *safeModel) Crashed() bool { return m.crashed }

// fail records a panic caught on the program's goroutine.
func (m *safeModel) fail(v any) {
	m.crashed = true
	m.report(v, debug.Stack())
}

// Init implements tea.Model.
func (m *safeModel) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.fail(r)
			cmd = tea.Quit
		}
	}()
	return m.wrap(m.inner.Init())
}

// Update implements tea.Model.
func (m *safeModel) Update(msg tea.Msg) (next tea.Model, cmd tea.Cmd) {
	if _, ok := msg.(panicMsg); ok {
		m.crashed = true
		return m, tea.Quit
	}
	if m.crashed {
		return m, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			m.fail(r)
			next, cmd = m, tea.Quit
		}
	}()
	inner, c := m.inner.Update(msg)
	if inner != nil {
		m.inner = inner
	}
	return m, m.wrap(c)
}

// View implements tea.Model.
func (m *safeModel) View() (view string) {
	if m.crashed {
		return "snapdash: internal error; this session is closing.\n"
	}
	defer func() {
		if r := recover(); r != nil {
			m.fail(r)
			view = "snapdash: internal error; this session is closing.\n"
		}
	}()
	return m.inner.View()
}

// wrap returns cmd guarded by recover. It reports through m.report directly
// (the command runs on its own goroutine, so it must not touch m's fields)
// and hands the program a panicMsg so Update can quit.
func (m *safeModel) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	report := m.report
	var guard func(tea.Cmd) tea.Cmd
	guard = func(c tea.Cmd) tea.Cmd {
		if c == nil {
			return nil
		}
		return func() (msg tea.Msg) {
			defer func() {
				if r := recover(); r != nil {
					report(r, debug.Stack())
					msg = panicMsg{value: r}
				}
			}()
			return guardNested(c(), guard)
		}
	}
	return guard(cmd)
}

// guardNested guards the commands inside batch and sequence messages. Bubble
// Tea's sequence message is unexported, so it is recognised by shape: a slice
// type convertible to []tea.Cmd.
func guardNested(msg tea.Msg, guard func(tea.Cmd) tea.Cmd) tea.Msg {
	cmdSliceType := reflect.TypeOf([]tea.Cmd(nil))
	switch v := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		out := make(tea.BatchMsg, len(v))
		for i, c := range v {
			out[i] = guard(c)
		}
		return out
	}
	rv := reflect.ValueOf(msg)
	if rv.Kind() == reflect.Slice && rv.Type() != cmdSliceType && rv.Type().ConvertibleTo(cmdSliceType) {
		cmds := rv.Convert(cmdSliceType).Interface().([]tea.Cmd)
		out := make([]tea.Cmd, len(cmds))
		for i, c := range cmds {
			out[i] = guard(c)
		}
		return reflect.ValueOf(out).Convert(rv.Type()).Interface()
	}
	return msg
}

// describePanic renders a recovered value for logs and messages.
func describePanic(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(v)
}

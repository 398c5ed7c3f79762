package watch

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/snapdash/snapdash/views/pane"
)

// View draws the summary line, the column headers and the visible rows:
// exactly the set height in lines, each exactly the set width in cells.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	now := m.now()
	charts := m.chartView(now)
	tableH := m.height - len(charts)
	lines := make([]string, 0, m.height)
	lines = append(lines, m.summary(now), m.cache.header)
	switch {
	case m.list.Total() == 0:
		lines = append(lines, m.st.Muted.Render(pane.Fit("  No live interactions.", m.width)))
	case m.list.Len() == 0:
		lines = append(lines, m.st.Muted.Render(pane.Fit("  No live interaction matches the filter.", m.width)))
	}
	// The list draws the rows in its window, on a copy told how.
	l := m.list
	var b strings.Builder
	l.SetRender(func(e entry, _, _ int, sel, _ bool) string { return m.line(&b, &e, sel, now) })
	lines = append(lines, l.View()...)
	if len(lines) > tableH {
		lines = lines[:tableH]
	}
	for len(lines) < tableH {
		lines = append(lines, m.cache.blank)
	}
	lines = append(lines, charts...)
	return strings.Join(lines, "\n")
}

// drawCache holds what depends only on the size and the styles, built in
// SetSize so a frame formats nothing but the visible rows' values.
type drawCache struct {
	header, blank string
	// level and levelPlain are the level cells, styled and (for the
	// selected row, whose whole line is styled) plain.
	level, levelPlain [LevelCritical + 1]string
	// pad is the space after the last column up to the width.
	pad int
}

func (m Model) levelStyle(l Level) lipgloss.Style {
	switch l {
	case LevelCritical:
		return m.st.Bad.Bold(true)
	case LevelLate:
		return m.st.Warn
	}
	return m.st.Good
}

func (m *Model) buildCache() {
	c := drawCache{blank: strings.Repeat(" ", max(0, m.width))}
	c.header = m.st.TableHeader.Render(m.lay.header(m.width))
	used := 2
	for i, col := range m.lay.cols {
		if i > 0 {
			used++
		}
		used += col.width
		if col.kind == colLevel {
			for l := LevelOK; l <= LevelCritical; l++ {
				c.levelPlain[l] = pane.Fit(l.Label(), col.width)
				c.level[l] = m.levelStyle(l).Render(c.levelPlain[l])
			}
		}
	}
	c.pad = m.width - used
	m.cache = c
}

// summary is the first line: how many interactions, how many at each level,
// the totals, and the cursor's position on the right.
func (m Model) summary(now time.Time) string {
	crit, late := m.counts(now)
	ok := m.list.Total() - crit - late
	right := " " + m.Position()
	parts := [...]struct {
		text  string
		style lipgloss.Style
	}{
		{strconv.Itoa(m.list.Total()) + " live", m.st.Bold},
		{"‼ " + strconv.Itoa(crit) + " critical", m.countStyle(crit, LevelCritical)},
		{"! " + strconv.Itoa(late) + " late", m.countStyle(late, LevelLate)},
		{"✓ " + strconv.Itoa(ok) + " ok", m.st.Base},
		{strconv.Itoa(m.totalAwaited) + " awaiting", m.st.Base},
		{strconv.Itoa(m.totalPend) + " pending", m.st.Base},
	}
	avail := m.width - len(right)
	var b strings.Builder
	used := 0
	for i, p := range parts {
		sep := " · "
		if i == 0 {
			sep = " "
		}
		w := ansi.StringWidth(sep + p.text)
		if used+w > avail {
			break
		}
		b.WriteString(m.st.Muted.Render(sep))
		b.WriteString(p.style.Render(p.text))
		used += w
	}
	if pad := m.width - used - len(right); pad > 0 {
		b.WriteString(strings.Repeat(" ", pad))
		b.WriteString(m.st.Muted.Render(right))
	}
	return pane.Fit(b.String(), m.width)
}

func (m Model) countStyle(n int, l Level) lipgloss.Style {
	if n == 0 {
		return m.st.Base
	}
	return m.levelStyle(l)
}

// line draws row e, sel when the cursor is on it. Every cell is written at
// exactly its column's width, so the line's width is known without
// measuring it.
func (m Model) line(b *strings.Builder, e *entry, sel bool, now time.Time) string {
	r := &e.row
	lv := m.th.Level(*r, now)
	b.Reset()
	b.Grow(m.width + 32)
	if sel {
		b.WriteString("› ")
	} else {
		b.WriteString("  ")
	}
	for ci, c := range m.lay.cols {
		if ci > 0 {
			b.WriteByte(' ')
		}
		switch c.kind {
		case colLevel:
			if sel {
				b.WriteString(m.cache.levelPlain[lv])
			} else {
				b.WriteString(m.cache.level[lv])
			}
		case colOldest:
			v := "—"
			if r.awaitingKnown() {
				v = FormatAge(now.Sub(r.OldestAwaiting))
			}
			writeRight(b, v, c.width)
		case colLast:
			v := "—"
			if !r.LastActivity.IsZero() {
				v = FormatAge(now.Sub(r.LastActivity))
			}
			writeRight(b, v, c.width)
		case colPending:
			writeCount(b, r.Pending, c.width)
		case colAwaiting:
			writeCount(b, r.Awaiting, c.width)
		case colApproved:
			writeCount(b, r.Approved, c.width)
		case colDiscarded:
			writeCount(b, r.Discarded, c.width)
		case colCustomer:
			v := e.customer
			if v == "" {
				v = "—"
			}
			writeFit(b, v, c.width)
		case colAgent:
			writeFit(b, e.agent, c.width)
		case colID:
			writeFit(b, e.id, c.width)
		}
	}
	writeSpaces(b, m.cache.pad)
	line := b.String()
	if m.cache.pad < 0 {
		// Narrower than the narrowest layout: cut.
		line = pane.Fit(line, m.width)
	}
	if sel {
		line = m.st.Selected.Render(line)
	}
	return line
}

const spaces = "                                                                "

func writeSpaces(b *strings.Builder, n int) {
	for n > 0 {
		k := min(n, len(spaces))
		b.WriteString(spaces[:k])
		n -= k
	}
}

// plainASCII reports whether every byte of s is printable ASCII, so its
// width is its length.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// writeFit writes s cut or padded to exactly w cells.
func writeFit(b *strings.Builder, s string, w int) {
	if w <= 0 {
		return
	}
	if !plainASCII(s) {
		b.WriteString(pane.Fit(s, w))
		return
	}
	if len(s) <= w {
		b.WriteString(s)
		writeSpaces(b, w-len(s))
		return
	}
	b.WriteString(s[:w-1])
	b.WriteString("…")
}

// writeRight right-aligns s in w cells; s is plain and at most one cell per
// rune (ages, counts, "—").
func writeRight(b *strings.Builder, s string, w int) {
	n := utf8.RuneCountInString(s)
	if n > w {
		writeFit(b, s, w)
		return
	}
	writeSpaces(b, w-n)
	b.WriteString(s)
}

// writeCount right-aligns n in w cells; a number too wide shows as "99+".
func writeCount(b *strings.Builder, n, w int) {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], int64(n), 10)
	if len(s) > w {
		writeSpaces(b, max(0, w-len(s)))
		for i := 0; i < w-1; i++ {
			b.WriteByte('9')
		}
		b.WriteByte('+')
		return
	}
	writeSpaces(b, w-len(s))
	b.Write(s)
}

// right returns s right-aligned in w cells.
func right(s string, w int) string {
	var b strings.Builder
	writeRight(&b, s, w)
	return b.String()
}

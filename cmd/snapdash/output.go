package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
)

// maxCell bounds a table cell, so one long server string cannot wreck the
// table.
const maxCell = 60

// table writes aligned columns. Every cell is sanitized and cut first and
// padded by its width on the terminal afterwards, so a value that held
// escape sequences or wide characters cannot shift the columns.
type table struct {
	w    io.Writer
	rows [][]string
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{w: w}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cell(c)
		if out[i] == "" {
			out[i] = "-"
		}
	}
	t.rows = append(t.rows, out)
}

// cell sanitizes c as one line and cuts it to maxCell terminal columns.
func cell(c string) string {
	c = sanitize.Line(c)
	if ansi.StringWidth(c) > maxCell {
		c = ansi.Truncate(c, maxCell, "…")
	}
	return c
}

func (t *table) flush() error {
	_, err := io.WriteString(t.w, aligned(t.rows, 2))
	t.rows = nil
	return err
}

// aligned pads every column but the last to its widest cell plus gap.
func aligned(rows [][]string, gap int) string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+gap))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// fields writes "key: value" lines, aligned, sanitized, skipping empty values.
func fields(w io.Writer, kv ...string) error {
	var rows [][]string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		rows = append(rows, []string{kv[i] + ":", sanitize.Line(kv[i+1])})
	}
	_, err := io.WriteString(w, aligned(rows, 1))
	return err
}

// writeJSON prints v indented, with the API's field names, for objects
// snapdash builds itself; what the server sent is printed by writeRawJSON.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return writeEscaped(w, buf.Bytes())
}

// writeRawJSON prints JSON the server sent, indented but otherwise as it
// came: every member, null and number, and every string as written.
func writeRawJSON(w io.Writer, raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return fmt.Errorf("the server's JSON: %w", err)
	}
	buf.WriteByte('\n')
	return writeEscaped(w, buf.Bytes())
}

// rawList joins the server's objects into one JSON array; an object the
// client did not decode from a response (no raw bytes) is encoded from v.
func rawList[T any](items []T, raw func(T) []byte) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		r := raw(it)
		if len(r) == 0 {
			var err error
			if r, err = json.Marshal(it); err != nil {
				return nil, err
			}
		}
		b.Write(r)
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// writeSnapshotJSON prints a snapshot as the server sent it.
func writeSnapshotJSON(w io.Writer, sn client.Snapshot) error {
	if len(sn.Raw) == 0 {
		return writeJSON(w, sn)
	}
	return writeRawJSON(w, sn.Raw)
}

// writeEscaped writes JSON text with the characters a terminal may act on
// escaped. encoding/json escapes C0 controls but not DEL, C1 controls or
// bidirectional overrides: those are written as \u escapes too, which
// keeps the JSON's meaning (outside strings JSON is plain ASCII).
func writeEscaped(w io.Writer, js []byte) error {
	var out bytes.Buffer
	out.Grow(len(js))
	for _, r := range string(js) {
		if r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
			continue
		}
		out.WriteRune(r)
	}
	_, err := w.Write(out.Bytes())
	return err
}

// isBidiControl reports the invisible characters that reorder text.
func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// when formats a time for tables: local time to the second, "" when unset.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func whenPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return when(*t)
}

func boolWord(b *bool, yes, no string) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return yes
	default:
		return no
	}
}

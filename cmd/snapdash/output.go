package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/snapdash/snapdash/internal/sanitize"
)

// maxCell bounds a table cell, so one long server string cannot wreck the
// table.
const maxCell = 60

// table writes aligned columns; every cell is sanitized and truncated.
type table struct {
	tw *tabwriter.Writer
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = sanitize.Truncate(c, maxCell)
		if cells[i] == "" {
			cells[i] = "-"
		}
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// fields writes "key: value" lines, aligned, sanitized, skipping empty values.
func fields(w io.Writer, kv ...string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		fmt.Fprintf(tw, "%s:\t%s\n", kv[i], sanitize.Line(kv[i+1]))
	}
	return tw.Flush()
}

// writeJSON prints v indented, with the API's field names. encoding/json
// escapes C0 controls but not DEL, C1 controls or bidirectional overrides,
// which a terminal may act on: those are written as \u escapes too, which
// keeps the JSON's meaning (outside strings JSON is plain ASCII).
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	var out bytes.Buffer
	out.Grow(buf.Len())
	for _, r := range buf.String() {
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

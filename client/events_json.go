package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// WriteEventJSON writes ev as one line of JSON (for `snapdash events --json`):
// the event's Raw JSON as the server sent it, compacted, with "seq" added
// first when the event has a sequence number and Raw has no "seq" of its
// own. Without Raw, the decoded fields are written. Characters a terminal
// could act on (DEL, C1 controls, bidirectional overrides) and invalid UTF-8
// are written as \u escapes, so the line is safe to print and still means
// the same JSON.
func WriteEventJSON(w io.Writer, ev Event) error { return writeEventJSON(w, ev, false) }

// WriteLinkedEventJSON is WriteEventJSON for an event a Linker tied (or
// tried to): when Raw has no "interactionId" (the vendor's events carry
// none), one is added after "seq": ev.InteractionID, or null when the event
// could not be tied to any interaction.
func WriteLinkedEventJSON(w io.Writer, ev Event) error { return writeEventJSON(w, ev, true) }

func writeEventJSON(w io.Writer, ev Event, linked bool) error {
	var obj bytes.Buffer
	if len(ev.Raw) > 0 {
		if err := json.Compact(&obj, ev.Raw); err != nil {
			return fmt.Errorf("event %d: %w", ev.Seq, err)
		}
	} else {
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("event %d: %w", ev.Seq, err)
		}
		obj.Write(b)
	}
	body := obj.Bytes()
	var line bytes.Buffer
	line.Grow(len(body) + 32)
	if len(body) > 1 && body[0] == '{' {
		var add []string
		if ev.Seq != 0 && !hasTopLevelKey(body, "seq") {
			add = append(add, `"seq":`+strconv.FormatUint(ev.Seq, 10))
		}
		if linked && !hasTopLevelKey(body, "interactionId") {
			id := "null"
			if ev.InteractionID != "" {
				b, _ := json.Marshal(ev.InteractionID)
				id = string(b)
			}
			add = append(add, `"interactionId":`+id)
		}
		if len(add) > 0 {
			line.WriteByte('{')
			for i, a := range add {
				if i > 0 {
					line.WriteByte(',')
				}
				line.WriteString(a)
			}
			if body[1] != '}' {
				line.WriteByte(',')
			}
			body = body[1:]
		}
	}
	escapeUnsafe(&line, body)
	line.WriteByte('\n')
	_, err := w.Write(line.Bytes())
	return err
}

// hasTopLevelKey reports whether the JSON object obj has key at its top
// level.
func hasTopLevelKey(obj []byte, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}

// escapeUnsafe copies compact JSON to dst, writing runes a terminal may
// interpret, and invalid UTF-8, as \u escapes. In valid JSON such runes can
// only occur inside strings, where the escape means the same.
func escapeUnsafe(dst *bytes.Buffer, src []byte) {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf && c != 0x7f {
			dst.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			dst.WriteString(`\ufffd`)
		case r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(dst, `\u%04x`, r)
		default:
			dst.Write(src[i : i+size])
		}
		i += size
	}
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestWriteJSONEscapes: C1 controls, DEL and bidirectional overrides,
// which encoding/json leaves raw, are written as \u escapes; the output
// still decodes to the same value.
func TestWriteJSONEscapes(t *testing.T) {
	in := map[string]string{"s": "a\u009b31mb\x7fc\u202ed\u2066e\x1b[2Jf é"}
	var buf bytes.Buffer
	if err := writeJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, r := range []rune{0x9b, 0x7f, 0x202e, 0x2066, 0x1b} {
		if strings.ContainsRune(out, r) {
			t.Errorf("raw %U in %q", r, out)
		}
	}
	if !strings.Contains(out, `\u009b`) || !strings.Contains(out, "é") {
		t.Errorf("output %q", out)
	}
	var back map[string]string
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["s"] != in["s"] {
		t.Errorf("round trip: %q, %v", back["s"], err)
	}
}

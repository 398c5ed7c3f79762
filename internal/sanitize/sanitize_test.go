package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	cases := map[string]string{
		"plain":                          "plain",
		"a\x1b[31mred\x1b[0m":            "ared",
		"title\x1b]0;pwned\x07x":         "titlex",
		"osc52\x1b]52;c;aGk=\x1b\\done":  "osc52done",
		"dcs\x1bPq#0;2;0;0;0\x1b\\after": "dcsafter",
		"tab\tnew\nline\r":               "tab new line ",
		"bell\x07null\x00":               "bellnull",
		"c1\u009b31mx":                   "c1x",
		"bidi\u202eevil":                 "bidievil",
		"émoji ✓ 日本":                     "émoji ✓ 日本",
		"bad\xffutf":                     "bad\uFFFDutf",
		"lone\x1b":                       "lone",
	}
	for in, want := range cases {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextKeepsNewlines(t *testing.T) {
	if got := Text("a\nb\x1b[2Jc"); got != "a\nbc" {
		t.Fatalf("Text = %q", got)
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("abcdef", 4); got != "abc…" {
		t.Fatalf("got %q", got)
	}
	if got := Truncate("abc", 4); got != "abc" {
		t.Fatalf("got %q", got)
	}
	if got := Truncate("abc", 0); got != "" {
		t.Fatalf("got %q", got)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("a\x1b[31mb")
	f.Add("\x1b]8;;http://x\x07link")
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid utf8 from %q", s)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("control %U survived in %q (from %q)", r, out, s)
			}
		}
		if strings.ContainsRune(out, '\x1b') {
			t.Fatalf("ESC survived")
		}
	})
}

// TestNoDoubleSpaceWhereSomethingWasRemoved: a name with an escape between
// two words reads with one space, as it would have without the escape.
func TestNoDoubleSpaceWhereSomethingWasRemoved(t *testing.T) {
	for in, want := range map[string]string{
		"Mallory \x1b[31m Smith":     "Mallory Smith",
		"Ana \u202e Lee":             "Ana Lee",
		"two  spaces stay":           "two  spaces stay",
		"tab\tand \x1b]0;x\x07 more": "tab and more",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

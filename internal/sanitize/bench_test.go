package sanitize

import (
	"strings"
	"testing"
)

// benchInputs are the kinds of strings the dashboard sanitizes on every
// frame: plain ASCII (the fast path), accented and CJK names (valid
// UTF-8 that goes through the rune loop), and hostile server text full of
// escapes, controls and bidirectional overrides.
var benchInputs = []struct{ name, s string }{
	{"ascii", "cam-042 Front door, north entrance (pending review)"},
	{"accents", "Café Müller – Straße 12, Zürich; caméra façade nord"},
	{"cjk", "東京本社 正面玄関カメラ 3 号機 – 確認待ち"},
	{"hostile", "Mallory \x1b[31m Smith\x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eevil\u202c\ttab\r\x9b1mC1\x00\x7f\xff end"},
	{"long", strings.Repeat("Café \x1b[1mbold\x1b[0m naïve 東京 ", 64)},
}

func BenchmarkLine(b *testing.B) {
	for _, in := range benchInputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.s)))
			b.ReportAllocs()
			for b.Loop() {
				Line(in.s)
			}
		})
	}
}

func BenchmarkText(b *testing.B) {
	s := strings.Repeat("line one é\nline \x1b[2Ktwo\r\n\tthree 東京\n", 32)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		Text(s)
	}
}

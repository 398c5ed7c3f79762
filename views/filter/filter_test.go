package filter

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/theme"
	"github.com/snapdash/snapdash/views/dialog"
)

func fields(typ, state, id, customer string) Fields {
	return Fields{Type: Fold(typ), State: Fold(state), ID: Fold(id), Customer: Fold(customer)}
}

func TestParseAndMatch(t *testing.T) {
	f := fields("car-damage", "uploaded", "abc-123", "Sofía García")
	for q, want := range map[string]bool{
		"":                        true,
		"type:car":                true,
		"type:meter":              false,
		"state:uploaded sofía":    true,
		"STATE:Uploaded":          true,
		"id:abc customer:garcía":  true,
		"customer:kenji":          false,
		"123":                     true,
		"nothing":                 false,
		"type:car state:approved": false,
		"t:car s:up c:sofia":      true,
		"10:30":                   false, // a colon in no key: a word to find
	} {
		if got := Parse(q).Match(f); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
	if !Parse("  ").Empty() || Parse("x").Empty() {
		t.Fatal("Empty")
	}
}

// TestAccentsAndCaseAreIgnored: `garcia` finds `Sofía García`, either way
// round, and in decomposed form too (a combining acute accent).
func TestAccentsAndCaseAreIgnored(t *testing.T) {
	for _, name := range []string{"Sofía García", "SOFÍA GARCÍA", "Sofi\u0301a Garci\u0301a"} {
		f := fields("meter", "approved", "x", name)
		for _, q := range []string{"garcia", "GARCIA", "garcía", "customer:sofia", "c:SOFÍA garc"} {
			if !Parse(q).Match(f) {
				t.Errorf("%q does not find %q", q, name)
			}
		}
		if Parse("garcio").Match(f) {
			t.Errorf("garcio found %q", name)
		}
	}
	for in, want := range map[string]string{
		"Sørensen": "sorensen", "Łódź": "lodz", "Straße": "strasse", "Ærø": "aero",
		"渡辺 健二": "渡辺 健二", "ÇA": "ca", "plain": "plain",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestUnknownTermIsReported: `foo:bar` used to match nothing silently; now
// it narrows nothing and the query says which term it did not know.
func TestUnknownTermIsReported(t *testing.T) {
	f := fields("car-damage", "uploaded", "abc-123", "Ana")
	q := Parse("foo:bar type:car")
	if !q.Match(f) {
		t.Error("an unknown term hid the row")
	}
	if got := q.Unknown(); !slices.Equal(got, []string{"foo"}) {
		t.Fatalf("Unknown() = %q", got)
	}
	if w := q.Warning(); w != "unknown filter term foo: (known: type, state, id, customer)" {
		t.Fatalf("Warning() = %q", w)
	}
	if w := Parse("type:car").Warning(); w != "" {
		t.Fatalf("a known query warns %q", w)
	}
	q = Parse("Url: foo:1 url:x agent:bo")
	if got := q.Unknown(); !slices.Equal(got, []string{"url", "foo", "agent"}) {
		t.Fatalf("Unknown() = %q", got)
	}
	if w := q.Warning(); !strings.HasPrefix(w, "unknown filter terms url: foo: agent: (known:") {
		t.Fatalf("Warning() = %q", w)
	}
	// agent is known to the interactions list.
	if u := ParseFor(InteractionsSpec(), "agent:bo a:x").Unknown(); len(u) != 0 {
		t.Fatalf("interactions: %q", u)
	}
	w := ParseFor(WatchSpec(), "type:meter").Warning()
	if w != "unknown filter term type: (known: customer)" {
		t.Fatalf("watch: %q", w)
	}
	// Only letters, digits and dashes make a key, so no control reaches
	// the warning; a long key is cut short.
	if u := Parse("x\x1b[2j:1").Unknown(); len(u) != 0 {
		t.Fatalf("an escape made a key: %q", u)
	}
	w = Parse(strings.Repeat("k", 300) + ":1").Warning()
	if len(w) > 100 || !strings.Contains(w, "…:") {
		t.Fatalf("long key warning %q", w)
	}
}

// TestTermBeingTypedNarrowsNothing: while "type:" waits for its value the
// table keeps its rows (it used to empty, as the bare word "type:" matched
// no column).
func TestTermBeingTypedNarrowsNothing(t *testing.T) {
	f := fields("car-damage", "approved", "abc-123", "ana")
	for _, q := range []string{"type:", "state:app type:", "customer: id:", "c:"} {
		if !Parse(q).Match(f) {
			t.Errorf("%q hides a row it does not exclude", q)
		}
	}
	if Parse("type:").Empty() != true {
		t.Error(`"type:" alone should be an empty query`)
	}
	if Parse("type:").String() != "type:" {
		t.Error("the typed text is kept for the input")
	}
	// An unknown key with no value is reported rather than searched for.
	if q := Parse("url:"); !q.Empty() || !slices.Equal(q.Unknown(), []string{"url"}) {
		t.Errorf(`"url:": empty %v, unknown %q`, q.Empty(), q.Unknown())
	}
}

func TestMatchMap(t *testing.T) {
	row := map[string]string{"customer": Fold("José Núñez"), "id": "int-42", "agent": Fold("Bob")}
	sp := InteractionsSpec()
	for q, want := range map[string]bool{
		"":                     true,
		"nunez":                true,
		"jose int-4":           true,
		"agent:bob":            true,
		"a:bo customer:jose":   true,
		"agent:jose":           false,
		"id:43":                false,
		"bob customer:nunez x": false,
		"foo:bar nunez":        true,
	} {
		if got := ParseFor(sp, q).MatchMap(row); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
}

func BenchmarkMatchMap(b *testing.B) {
	row := map[string]string{"customer": Fold("José Núñez"), "id": "int-42", "agent": "bob"}
	q := ParseFor(InteractionsSpec(), "nunez a:bo")
	b.ReportAllocs()
	for b.Loop() {
		if !q.MatchMap(row) {
			b.Fatal("no match")
		}
	}
}

// TestInputParsesWithItsSpec: the input answers enter with a query parsed
// for the list it filters, and esc with Closed.
func TestInputParsesWithItsSpec(t *testing.T) {
	m := NewFor(theme.New(theme.Palette{}, nil), WatchSpec())
	m.SetWidth(40)
	m, _ = m.Open("")
	if !strings.Contains(m.View(), "customer:") {
		t.Fatalf("placeholder %q", m.View())
	}
	for _, r := range "agent:x garcia" {
		m, _, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	m, _, res := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	a, ok := res.(Applied)
	if !ok || !slices.Equal(a.Query.Unknown(), []string{"agent"}) || a.Query.String() != "agent:x garcia" {
		t.Fatalf("enter answered %#v", res)
	}
	m.SetSpec(InteractionsSpec())
	if u := m.Query().Unknown(); len(u) != 0 {
		t.Fatalf("interactions spec: unknown %q", u)
	}
	if _, _, res = m.Update(tea.KeyMsg{Type: tea.KeyEsc}); res != (dialog.Closed{Name: "filter"}) {
		t.Fatalf("esc answered %#v", res)
	}
}

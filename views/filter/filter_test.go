package filter

import "testing"

func TestParseAndMatch(t *testing.T) {
	f := Fields{Type: "car-damage", State: "uploaded", ID: "abc-123", Customer: "sofía garcía"}
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
		"unknown:thing":           false,
		"type:car state:approved": false,
	} {
		if got := Parse(q).Match(f); got != want {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
	if !Parse("  ").Empty() || Parse("x").Empty() {
		t.Fatal("Empty")
	}
}

// TestTermBeingTypedNarrowsNothing: while "type:" waits for its value the
// table keeps its rows (it used to empty, as the bare word "type:" matched
// no column).
func TestTermBeingTypedNarrowsNothing(t *testing.T) {
	f := Fields{Type: "car-damage", State: "approved", ID: "abc-123", Customer: "ana"}
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
	// An unknown key with no value is still a word to find.
	if Parse("url:").Match(f) {
		t.Error(`"url:" matched a row that does not contain it`)
	}
}

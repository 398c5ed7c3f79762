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

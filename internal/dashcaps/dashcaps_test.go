package dashcaps

import (
	"reflect"
	"testing"

	"github.com/snapdash/snapdash/internal/termgfx"
)

// TestOfCopiesEveryField fills every field of termgfx.Caps and checks that
// each arrives in tui.Caps under the same name: a field added on one side
// only fails here rather than being dropped silently.
func TestOfCopiesEveryField(t *testing.T) {
	in := termgfx.Caps{Sixel: true, Kitty: true, TrueColor: true, InTmux: true, CellW: 9, CellH: 18,
		Term: "WezTerm", Version: "20240203"}
	out := Of(in)
	iv, ov := reflect.ValueOf(in), reflect.ValueOf(out)
	if iv.NumField() != ov.NumField() {
		t.Fatalf("termgfx.Caps has %d fields, tui.Caps %d", iv.NumField(), ov.NumField())
	}
	for i := 0; i < iv.NumField(); i++ {
		name := iv.Type().Field(i).Name
		f := ov.FieldByName(name)
		if !f.IsValid() {
			t.Fatalf("tui.Caps has no field %s", name)
		}
		if iv.Field(i).IsZero() {
			t.Fatalf("test does not fill termgfx.Caps.%s", name)
		}
		if !reflect.DeepEqual(iv.Field(i).Interface(), f.Interface()) {
			t.Fatalf("%s: %v became %v", name, iv.Field(i).Interface(), f.Interface())
		}
	}
	if out.String() != in.String() {
		t.Fatalf("String: %q, want %q", out.String(), in.String())
	}
}

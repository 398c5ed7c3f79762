package termgfx

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/snapdash/snapdash/internal/cellimg"
)

// sgrParams matches one SGR sequence's parameters.
var sgrParams = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

// TestHalfblock16Colours: with Colors16, half blocks and coloured ASCII
// write only the 16 ANSI colours (30–37, 90–97, 40–47, 100–107, or the
// defaults 39 and 49), and the
// dithered half blocks stay about as close to each photo as the 256-colour
// palette's nearest entries (perceived error at most 0.08; the 256-colour
// pictures reach 0.067 on the sky).
func TestHalfblock16Colours(t *testing.T) {
	for _, path := range anchorPhotos(t) {
		name := filepath.Base(path)
		img := loadPhoto(t, name)
		for _, m := range []Mode{ModeHalfblock, ModeASCII} {
			f, err := Render(context.Background(), img, Options{Cols: 60, Rows: 20, Mode: m, Color: true, Colors16: true})
			if err != nil {
				t.Fatal(err)
			}
			out := f.String()
			n := 0
			for _, sm := range sgrParams.FindAllStringSubmatch(out, -1) {
				for _, p := range strings.Split(sm[1], ";") {
					if p == "" {
						continue
					}
					v, _ := strconv.Atoi(p)
					if !(v == 0 || v == 39 || v == 49 || v >= 30 && v <= 37 || v >= 90 && v <= 97 || v >= 40 && v <= 47 || v >= 100 && v <= 107) {
						t.Fatalf("%s %s: SGR parameter %d in %q", name, m, v, sm[0])
					}
					n++
				}
			}
			if n == 0 {
				t.Fatalf("%s %s: no colour written", name, m)
			}
			if m != ModeHalfblock {
				continue
			}
			g, err := cellimg.Decode(out)
			if err != nil {
				t.Fatal(err)
			}
			if e := cellimg.PhotoError(g, img, 1); e > 0.08 {
				t.Errorf("%s: 16-colour half blocks %.4f from the photo, want at most 0.08", name, e)
			} else {
				t.Logf("%s: %d B, error %.4f", name, len(out), e)
			}
		}
	}
}

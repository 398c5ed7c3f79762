// Command fidelity reads a picture drawn in half-block cells (snapdash's
// halfblock mode, chafa --symbols vhalf) on stdin, decodes it back to
// pixels (internal/cellimg) and prints its size in bytes and the mean CIE76
// ΔE against the original picture resized to the painted area:
//
//	chafa -f symbols -c full --symbols vhalf --size=120x40 pic.jpg | fidelity pic.jpg
//	→ 151042 1.93
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/snapdash/snapdash/internal/cellimg"
	"github.com/snapdash/snapdash/internal/imaging"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fidelity PICTURE < cells")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	text, err := io.ReadAll(io.LimitReader(os.Stdin, 64<<20))
	if err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	ctx := context.Background()
	src, _, err := imaging.Decode(ctx, data, imaging.Limits{})
	if err != nil {
		return err
	}
	got, err := cellimg.Decode(string(text))
	if err != nil {
		return err
	}
	r := cellimg.Painted(got)
	if r.Empty() {
		return fmt.Errorf("no painted cells")
	}
	want, err := imaging.Resample(ctx, src, src.Bounds(), r.Dx(), r.Dy())
	if err != nil {
		return err
	}
	d, _ := cellimg.MeanDeltaE(got, r, want)
	fmt.Printf("%d %.2f\n", len(text), d)
	return nil
}

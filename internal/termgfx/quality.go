package termgfx

import (
	"fmt"
	"strings"

	"github.com/snapdash/snapdash/internal/lab"
)

// Quality trades a picture's fidelity for bytes on the wire. Every
// quality carries the colour error it accepts on a pixel to the pixels
// next to it, so gradients do not step and flat areas do not band;
// higher tolerances only reuse colours more often.
type Quality string

const (
	// QualityFidelity (the default) reuses a colour only below one
	// just-noticeable difference (ΔE 2.3 in cells, 1.5 in sixel): as
	// faithful as chafa and img2sixel.
	QualityFidelity Quality = "fidelity"
	// QualityBalanced reuses colours within about 1.5 JND (ΔE 3.5 in
	// cells, 3 in sixel): fewer bytes, within 1.25× of the anchors' error.
	QualityBalanced Quality = "balanced"
	// QualityBandwidth reuses colours within about 3 JND in cells and
	// dithers sixel with a fixed pattern that compresses: for slow links.
	QualityBandwidth Quality = "bandwidth"
)

// Qualities lists the qualities, best picture first.
var Qualities = []Quality{QualityFidelity, QualityBalanced, QualityBandwidth}

// ParseQuality parses a quality name ("" is fidelity).
func ParseQuality(s string) (Quality, error) {
	switch q := Quality(strings.ToLower(strings.TrimSpace(s))); q {
	case "":
		return QualityFidelity, nil
	case QualityFidelity, QualityBalanced, QualityBandwidth:
		return q, nil
	}
	return "", fmt.Errorf("unknown picture quality %q (want fidelity, balanced or bandwidth)", s)
}

// cellTolerance is the CIE76 ΔE within which the text encoders reuse a
// colour already set (or write a palette entry) for a pixel.
func (q Quality) cellTolerance() float32 {
	switch q {
	case QualityBalanced:
		return 3.5
	case QualityBandwidth:
		return 7
	}
	return lab.JND
}

// sixelTolerance is the ΔE within which the sixel encoder draws a pixel
// with a neighbour's palette entry.
func (q Quality) sixelTolerance() float32 {
	switch q {
	case QualityBalanced:
		return 3
	case QualityBandwidth:
		return 4
	}
	return 1.5
}

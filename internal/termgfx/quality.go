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
	// just-noticeable difference in cells (ΔE 2.3) and weighs a sixel
	// byte lightly (λ 200): as faithful as chafa and img2sixel.
	QualityFidelity Quality = "fidelity"
	// QualityBalanced reuses colours within about 1.5 JND in cells (ΔE
	// 3.5) and weighs a sixel byte more (λ 300): fewer bytes, within 1.25×
	// of the anchors' error.
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

// sixelLambda is the weight of a byte against the squared colour error
// (RGB levels, weighted 2:4:3) in the sixel encoder's choice of a pixel's
// palette entry.
func (q Quality) sixelLambda() int32 {
	switch q {
	case QualityBalanced:
		return 300
	case QualityBandwidth:
		return 800
	}
	return 200
}

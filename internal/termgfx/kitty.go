package termgfx

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"

	"github.com/snapdash/snapdash/internal/imaging"
)

const (
	kittyPlaceholder = '\U0010EEEE'
	// kittyChunk is the protocol's maximum base64 payload per APC.
	kittyChunk = 4096
)

// renderKitty transmits the picture with the kitty graphics protocol and
// shows it through Unicode placeholders: a virtual placement (U=1) of c×r
// cells, and Lines made of U+10EEEE cells whose diacritics give the row and
// column and whose foreground colour gives the image id. The picture thus
// lives in ordinary cells that Bubble Tea's renderer diffs and repaints
// like any text, and that tmux passes through.
func renderKitty(ctx context.Context, img image.Image, o Options, f *Frame) error {
	cw, ch := o.cellSize()
	id := o.ImageID
	if id == 0 {
		id = 1
	}
	b := img.Bounds()
	maxCols := min(o.Cols, len(placeholderDiacritics))
	maxRows := min(o.Rows, len(placeholderDiacritics))
	src, pw, ph := imaging.Layout(b.Dx(), b.Dy(), maxCols*cw, maxRows*ch, 1, o.Zoom, o.PanX, o.PanY)
	cols := clampInt((pw+cw-1)/cw, 1, maxCols)
	rows := clampInt((ph+ch-1)/ch, 1, maxRows)
	// The placement (c, r) makes the terminal scale the picture to the
	// cells, so a smaller transmission costs nothing on screen.
	pw, ph = graphicSize(pw, ph, src.Dx(), src.Dy())
	px, err := imaging.Resample(ctx, img, src, pw, ph)
	if err != nil {
		return err
	}
	var pngBuf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&pngBuf, px); err != nil {
		return fmt.Errorf("preview: kitty png: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	ctrl := fmt.Sprintf("a=T,U=1,f=100,t=d,q=2,C=1,i=%d,c=%d,r=%d", id, cols, rows)
	f.Graphic = kittyAPC(ctrl, pngBuf.Bytes())
	f.ImageID = id
	f.GraphicCols, f.GraphicRows = cols, rows
	f.GraphicCol, f.GraphicRow = (o.Cols-cols)/2, (o.Rows-rows)/2
	f.Lines = kittyLines(id, o.Cols, o.Rows, f.GraphicCol, f.GraphicRow, cols, rows)
	return nil
}

// kittyAPC base64-encodes payload and splits it into APC commands of at
// most kittyChunk payload bytes each; ctrl goes on the first one only.
func kittyAPC(ctrl string, payload []byte) string {
	enc := base64.StdEncoding.EncodeToString(payload)
	var sb strings.Builder
	sb.Grow(len(enc) + (len(enc)/kittyChunk+1)*16 + len(ctrl))
	first := true
	for first || len(enc) > 0 {
		n := min(len(enc), kittyChunk)
		chunk := enc[:n]
		enc = enc[n:]
		sb.WriteString("\x1b_G")
		if first {
			sb.WriteString(ctrl)
			sb.WriteByte(',')
		}
		if len(enc) > 0 {
			sb.WriteString("m=1")
		} else {
			sb.WriteString("m=0")
		}
		sb.WriteByte(';')
		sb.WriteString(chunk)
		sb.WriteString("\x1b\\")
		first = false
	}
	return sb.String()
}

// KittyDelete returns the command that deletes image id and frees its data.
func KittyDelete(id uint32) string {
	return "\x1b_Ga=d,d=I,q=2,i=" + strconv.FormatUint(uint64(id), 10) + "\x1b\\"
}

// kittyLines builds the pane: placeholder cells in the cols×rows box at
// (x0,y0), spaces elsewhere.
func kittyLines(id uint32, paneCols, paneRows, x0, y0, cols, rows int) []string {
	var fg string
	if id < 256 {
		fg = "\x1b[38;5;" + strconv.Itoa(int(id)) + "m"
	} else {
		fg = fmt.Sprintf("\x1b[38;2;%d;%d;%dm", (id>>16)&0xFF, (id>>8)&0xFF, id&0xFF)
	}
	var msb string
	if id>>24 != 0 {
		msb = string(placeholderDiacritics[id>>24])
	}
	lines := make([]string, paneRows)
	blank := strings.Repeat(" ", paneCols)
	var sb strings.Builder
	for r := range lines {
		if r < y0 || r >= y0+rows {
			lines[r] = blank
			continue
		}
		sb.Reset()
		sb.WriteString(blank[:x0])
		sb.WriteString(fg)
		rowMark := placeholderDiacritics[r-y0]
		for c := 0; c < cols; c++ {
			sb.WriteRune(kittyPlaceholder)
			sb.WriteRune(rowMark)
			sb.WriteRune(placeholderDiacritics[c])
			sb.WriteString(msb)
		}
		sb.WriteString(sgrReset)
		sb.WriteString(blank[:paneCols-x0-cols])
		lines[r] = sb.String()
	}
	return lines
}

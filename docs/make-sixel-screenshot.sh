#!/usr/bin/env bash
# make-sixel-screenshot.sh: show a picture rendered by snapdash's sixel
# encoder in a real xterm (VT340 emulation, 256 colour registers) on a
# virtual X server, with the terminal detected by the same query snapdash
# sends, and save a screenshot.
#
#   docs/make-sixel-screenshot.sh [out.png]     (default docs/sixel-xterm.png)
#
# Needs Go, xterm, xvfb (xvfb-run) and xwd (apt: xterm xvfb x11-apps).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/docs/sixel-xterm.png}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/snapdash-shot.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

for tool in xterm xvfb-run xwd; do
	command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xterm xvfb x11-apps)" >&2; exit 1; }
done

(cd "$ROOT" && go build -o "$WORK/render" ./bench/cmd/render &&
	go build -o "$WORK/mkjpeg" ./bench/cmd/mkjpeg &&
	go build -o "$WORK/xwd2png" ./bench/cmd/xwd2png)
"$WORK/mkjpeg" -w 1600 -h 1200 -q 90 -o "$WORK/picture.jpg"

# What runs inside xterm: detect the terminal (DA1 ;4 → sixel; cell size
# from CSI 16 t or the window's pixel size), then a miniature dashboard run
# by Bubble Tea whose output goes through preview.Overlay; it steps through
# three pictures (erasing and repainting the sixel each time) and settles
# on the first.
cat > "$WORK/inside.sh" <<INSIDE
#!/usr/bin/env bash
touch "$WORK/started"
"$WORK/render" -tea -detect -mode auto -cols 54 -rows 18 "$WORK/picture.jpg" 2>"$WORK/render.err"
INSIDE
chmod +x "$WORK/inside.sh"

cat > "$WORK/x.sh" <<XSESSION
#!/usr/bin/env bash
xterm -ti vt340 -xrm 'XTerm*numColorRegisters: 256' -xrm 'XTerm*sixelScrolling: true' \
	-bg black -fg grey90 -geometry 80x24+0+0 -e "$WORK/inside.sh" &
pid=\$!
for _ in \$(seq 100); do [ -e "$WORK/started" ] && break; sleep 0.1; done
sleep 8
xwd -root -silent > "$WORK/shot.xwd"
kill \$pid 2>/dev/null || true
XSESSION
chmod +x "$WORK/x.sh"

xvfb-run -a -s "-screen 0 484x316x24" "$WORK/x.sh"
[ -e "$WORK/started" ] || { echo "xterm did not run the demo" >&2; exit 1; }
if [ -s "$WORK/render.err" ]; then cat "$WORK/render.err" >&2; fi
"$WORK/xwd2png" -o "$OUT" < "$WORK/shot.xwd"
echo "wrote $OUT" >&2

#!/usr/bin/env bash
# make-sixel-screenshot.sh: screenshots of the real dashboard (`snapdash
# demo`, image mode auto) drawing sixel pictures in a real xterm (VT340
# emulation, 256 colour registers) on a virtual X server.
#
#   docs/make-sixel-screenshot.sh [outdir]       (default docs/)
#
# Writes, in outdir:
#   sixel-xterm.png             the dashboard with the first picture
#   sixel-xterm-moved.png       after moving the selection up (k) to a
#                               request still waiting: the picture is gone
#   sixel-xterm-next.png        another interaction, after moving from one
#                               picture to the next (j): only the new one
#   sixel-xterm-fullscreen.png  the full-screen preview (enter), zoomed (+)
#
# snapdash detects the terminal itself before Bubble Tea starts (DA1 ;4 →
# sixel; cell size from the window's pixel size, xterm refuses CSI 16 t);
# the detected capabilities are checked in its log. Keys are typed with
# xdotool (XTEST events, which xterm accepts).
#
# Needs Go, xterm, xvfb (xvfb-run), xwd and xdotool
# (apt-get install xterm xvfb x11-apps xdotool).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTDIR=${1:-$ROOT/docs}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/snapdash-shot.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

for tool in xterm xvfb-run xwd xdotool; do
	command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xterm xvfb x11-apps xdotool)" >&2; exit 1; }
done

(cd "$ROOT" && go build -o "$WORK/snapdash" ./cmd/snapdash && go build -o "$WORK/xwd2png" ./bench/cmd/xwd2png)

# What runs inside xterm: the demo, with a private HOME (no user config),
# auto image mode, and a log that records the detected capabilities.
cat > "$WORK/inside.sh" <<INSIDE
#!/usr/bin/env bash
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/config" XDG_STATE_HOME="$WORK/home/state"
export TERM=xterm-256color LANG=C.UTF-8
mkdir -p "\$HOME"
touch "$WORK/started"
"$WORK/snapdash" demo --image-mode auto --log-file "$WORK/snapdash.log" 2>"$WORK/snapdash.err"
INSIDE
chmod +x "$WORK/inside.sh"

# shot NAME: a screenshot of the whole (virtual) screen.
cat > "$WORK/x.sh" <<XSESSION
#!/usr/bin/env bash
shot() { xwd -root -silent > "$WORK/\$1.xwd"; }
xterm -ti vt340 -xrm 'XTerm*numColorRegisters: 256' -xrm 'XTerm*sixelScrolling: true' \
	-bg black -fg grey90 -geometry 120x36+0+0 -e "$WORK/inside.sh" &
pid=\$!
for _ in \$(seq 100); do [ -e "$WORK/started" ] && break; sleep 0.1; done
xdotool mousemove 200 200   # no window manager: focus follows the pointer
sleep 8
shot first
xdotool key k               # up to a request still waiting: no picture
sleep 4
shot moved
xdotool key shift+Tab j j Tab   # Sofía García's interaction, 3 pictures
sleep 6
xdotool key j               # from one picture to the next
sleep 5
shot next
xdotool key Return
sleep 4
xdotool key plus
sleep 4
shot fullscreen
xdotool key q
sleep 0.5
xdotool key q
sleep 1
kill \$pid 2>/dev/null || true
XSESSION
chmod +x "$WORK/x.sh"

xvfb-run -a -s "-screen 0 740x480x24" "$WORK/x.sh"
[ -e "$WORK/started" ] || { echo "xterm did not run snapdash" >&2; exit 1; }
if [ -s "$WORK/snapdash.err" ]; then cat "$WORK/snapdash.err" >&2; fi
grep -o 'caps="[^"]*"' "$WORK/snapdash.log" | head -1 >&2 || true
grep -q 'caps="[^"]*sixel' "$WORK/snapdash.log" || { echo "snapdash did not detect sixel support" >&2; exit 1; }
"$WORK/xwd2png" -o "$OUTDIR/sixel-xterm.png" < "$WORK/first.xwd"
"$WORK/xwd2png" -o "$OUTDIR/sixel-xterm-moved.png" < "$WORK/moved.xwd"
"$WORK/xwd2png" -o "$OUTDIR/sixel-xterm-next.png" < "$WORK/next.xwd"
"$WORK/xwd2png" -o "$OUTDIR/sixel-xterm-fullscreen.png" < "$WORK/fullscreen.xwd"
echo "wrote $OUTDIR/sixel-xterm{,-moved,-next,-fullscreen}.png" >&2

#!/usr/bin/env bash
# compare.sh: time snapdash's preview renderer against chafa and img2sixel
# on the same 12-megapixel JPEG, decode included, same pane and cell size,
# in one run (hyperfine when installed, else a loop and the median); then
# compare bytes, perceived error and CPU on the real photographs in
# internal/termgfx/testdata/photos (see below), with the ratios and their
# medians, and write a crop per photo into docs/pictures/ for a person to
# look at (CROPS=dir to write them elsewhere).
#
#   bench/compare.sh [runs]        (from the repository root or anywhere)
#
# Needs Go; chafa (apt: chafa), img2sixel (apt: libsixel-bin), ImageMagick
# (apt: imagemagick) and hyperfine (apt: hyperfine) are used when present
# and skipped otherwise.
set -euo pipefail

RUNS=${1:-15}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/snapdash-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

COLS=120 ROWS=40          # text modes: a 120x40 pane
SIXROWS=45                # sixel: 120x45 cells of 10x20 px = 1200x900, img2sixel -w 1200

echo "building..." >&2
(cd "$ROOT" && go build -o "$WORK/render" ./bench/cmd/render && go build -o "$WORK/mkjpeg" ./bench/cmd/mkjpeg &&
	go build -o "$WORK/fidelity" ./bench/cmd/fidelity)
"$WORK/mkjpeg" -w 4000 -h 3000 -q 90 -o "$WORK/12mp.jpg"
PIC="$WORK/12mp.jpg"
R="$WORK/render"
FID="$WORK/fidelity"

names=() cmds=()
add() { names+=("$1"); cmds+=("$2"); }
# render uses imaging.DecodeForBox (DCT-scaled JPEG decode: 1/8 for the
# text panes; the 1200x900 sixel pane needs more than 1/4, so that one is a
# full decode either way); -full uses imaging.Decode, for comparison.
add "snapdash halfblock"  "$R -mode halfblock -cols $COLS -rows $ROWS $PIC"
add "snapdash ascii"      "$R -mode ascii -cols $COLS -rows $ROWS $PIC"
add "halfblock full-dec"  "$R -full -mode halfblock -cols $COLS -rows $ROWS $PIC"
if command -v chafa >/dev/null; then
	add "chafa symbols"   "chafa --size=${COLS}x${ROWS} -f symbols $PIC"
	add "chafa vhalf"     "chafa --size=${COLS}x${ROWS} -f symbols -c full --symbols vhalf $PIC"
	add "chafa ascii"     "chafa --size=${COLS}x${ROWS} -f symbols --symbols ascii $PIC"
else
	echo "chafa not installed (apt-get install chafa): skipped" >&2
fi
add "snapdash sixel"      "$R -mode sixel -cols $COLS -rows $SIXROWS -cellw 10 -cellh 20 $PIC"
if command -v img2sixel >/dev/null; then
	add "img2sixel"       "img2sixel -w 1200 $PIC"
else
	echo "img2sixel not installed (apt-get install libsixel-bin): skipped" >&2
fi
add "snapdash kitty"      "$R -mode kitty -cols $COLS -rows $SIXROWS -cellw 10 -cellh 20 $PIC"

declare -A MED CPU
if command -v hyperfine >/dev/null; then
	args=()
	for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
	hyperfine -N --warmup 2 --runs "$RUNS" --export-json "$WORK/h.json" "${args[@]}" >&2
	# Per command: name, median wall time, mean user+system CPU time (ms).
	while IFS=$'\t' read -r name med cpu; do MED["$name"]=$med; CPU["$name"]=$cpu; done < <(
		tr -d '\n' < "$WORK/h.json" |
			grep -o '"command": *"[^"]*"\|"median": *[0-9.e+-]*\|"user": *[0-9.e+-]*\|"system": *[0-9.e+-]*' |
			sed 's/"command": *"\(.*\)"/\1/; s/"[a-z]*": *//' | paste - - - - |
			awk -F'\t' '{printf "%s\t%.1f\t%.1f\n", $1, $2*1000, ($3+$4)*1000}')
else
	echo "hyperfine not installed: timing $RUNS runs of each in a loop" >&2
	for i in "${!cmds[@]}"; do
		t=()
		for _ in $(seq 2); do ${cmds[$i]} >/dev/null; done
		for _ in $(seq "$RUNS"); do
			s=$(date +%s%N); ${cmds[$i]} >/dev/null; e=$(date +%s%N)
			t+=($(( (e - s) / 1000 )))
		done
		MED["${names[$i]}"]=$(printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}')
	done
fi

bytes() { ${cmds[$1]} | wc -c; }
# Perceived error of the output decoded back to pixels (half blocks and
# sixel), "-" for other modes.
deltae() {
	case ${names[$1]} in
	*halfblock* | "chafa vhalf") ${cmds[$1]} | "$FID" "$PIC" | cut -d' ' -f2 ;;
	*sixel*) ${cmds[$1]} | "$FID" -sixel "$PIC" | cut -d' ' -f2 ;;
	*) echo - ;;
	esac
}
echo
printf '%-20s %10s %10s %10s %7s\n' "command" "median ms" "CPU ms" "output B" "error"
for i in "${!cmds[@]}"; do
	printf '%-20s %10s %10s %10s %7s\n' "${names[$i]}" "${MED[${names[$i]}]:-?}" "${CPU[${names[$i]}]:--}" "$(bytes "$i")" "$(deltae "$i")"
done
ratio() { # ratio NAME_OTHER NAME_OURS
	local a=${MED[$1]:-} b=${MED[$2]:-}
	[[ -n $a && -n $b ]] && awk -v a="$a" -v b="$b" -v x="$1" -v y="$2" 'BEGIN {printf "%-38s %.2fx\n", x " / " y ":", a/b}'
	return 0
}
echo
echo "ratios of median wall time (>1 means snapdash is faster):"
ratio "chafa symbols" "snapdash halfblock"
ratio "chafa vhalf" "snapdash halfblock"
ratio "chafa ascii" "snapdash ascii"
ratio "img2sixel" "snapdash sixel"
ratio "chafa symbols" "halfblock full-dec"
echo "(error: the output decoded back to pixels against the drawn 12 MP picture"
echo " area-averaged to them, after the blur; see the photographs below)"

# Bytes, fidelity and CPU on real photographs, side by side with the
# anchors: half blocks at 120x40 against chafa's vhalf symbols in 24-bit
# colour, sixel against img2sixel (default settings) at the pixel size
# snapdash's sixel has in a 120x45 pane of 10x20 px cells. Every picture is
# decoded back to pixels and compared with the photo area-averaged to those
# pixels (ImageMagick's -scale when installed, else cellimg.AreaAverage:
# neither is any encoder's resampler) after a light blur, σ = 1 output
# pixel for cells and 2 px for sixel (bench/cmd/fidelity). snapdash renders
# as the dashboard does (imaging.DecodeForBox), decode included in its CPU.
PHOTOS=("$ROOT"/internal/termgfx/testdata/photos/*.jpeg)
CROPS=${CROPS:-$ROOT/docs/pictures}
mkdir -p "$CROPS"
MAGICK=
if command -v convert >/dev/null; then MAGICK=-magick; else echo "ImageMagick not installed: reference by cellimg.AreaAverage" >&2; fi
CPURUNS=${CPURUNS:-10}
# cpu CMD...: mean user+system CPU milliseconds of CPURUNS runs, to 0.1 ms
# (the smallest photos take 5-8 ms: whole milliseconds would move their
# ratios by 10-20%).
cpu() {
	local t
	t=$( { TIMEFORMAT='%3U %3S'; time (for _ in $(seq "$CPURUNS"); do "$@" >/dev/null; done); } 2>&1 | tail -1)
	awk -v t="$t" -v n="$CPURUNS" 'BEGIN {split(t, a, " "); printf "%.1f", (a[1]+a[2])*1000/n}'
}
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0) printf "%.2f", a/b; else print "-"}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) {print "-"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
echo
echo "real photographs (${#PHOTOS[@]}): bytes, perceived error (RMS 0..1 after the blur), CPU ms; ratios snapdash/anchor"
printf '%-10s %-9s %8s %7s %5s | %8s %7s %5s | %5s %5s %5s\n' photo mode snapdash error cpu anchor error cpu bytes error cpu
declare -a HB_B=() HB_E=() HB_C=() BAL_E=() SX_B=() SX_E=() SX_C=() SXB_E=() SXB_B=()
for p in "${PHOTOS[@]}"; do
	n=$(basename "$p" .jpeg)
	read -r ob oe < <("$R" -mode halfblock -cols $COLS -rows $ROWS "$p" | "$FID" $MAGICK -png "$WORK/hb.png" -ref "$WORK/hbref.png" "$p")
	oc=$(cpu "$R" -mode halfblock -cols $COLS -rows $ROWS "$p")
	read -r bb be < <("$R" -quality balanced -mode halfblock -cols $COLS -rows $ROWS "$p" | "$FID" $MAGICK "$p")
	"$R" -mode sixel -cols $COLS -rows $SIXROWS -cellw 10 -cellh 20 "$p" >"$WORK/six"
	read -r sb se < <("$FID" $MAGICK -sixel -png "$WORK/six.png" -ref "$WORK/sixref.png" "$p" <"$WORK/six")
	sc=$(cpu "$R" -mode sixel -cols $COLS -rows $SIXROWS -cellw 10 -cellh 20 "$p")
	read -r xb xe < <("$R" -quality balanced -mode sixel -cols $COLS -rows $SIXROWS -cellw 10 -cellh 20 "$p" | "$FID" $MAGICK -sixel "$p")
	cb=- ce=- cc=- ib=- ie=- ic=-
	if command -v chafa >/dev/null; then
		read -r cb ce < <(chafa --size=${COLS}x${ROWS} -f symbols -c full --symbols vhalf "$p" | "$FID" $MAGICK -png "$WORK/chafa.png" "$p")
		cc=$(cpu chafa --size=${COLS}x${ROWS} -f symbols -c full --symbols vhalf "$p")
		HB_B+=("$(ratio2 "$ob" "$cb")") HB_E+=("$(ratio2 "$oe" "$ce")") HB_C+=("$(ratio2 "$oc" "$cc")") BAL_E+=("$(ratio2 "$be" "$ce")")
	fi
	if command -v img2sixel >/dev/null; then
		geo=$(head -c 64 "$WORK/six" | grep -ao '"1;1;[0-9]*;[0-9]*' | head -1)
		w=$(echo "$geo" | cut -d';' -f3) h=$(echo "$geo" | cut -d';' -f4)
		img2sixel -w "$w" -h "$h" "$p" >"$WORK/i2s"
		read -r ib ie < <("$FID" $MAGICK -sixel -png "$WORK/i2s.png" "$p" <"$WORK/i2s")
		ic=$(cpu img2sixel -w "$w" -h "$h" "$p")
		SX_B+=("$(ratio2 "$sb" "$ib")") SX_E+=("$(ratio2 "$se" "$ie")") SX_C+=("$(ratio2 "$sc" "$ic")") SXB_E+=("$(ratio2 "$xe" "$ie")") SXB_B+=("$(ratio2 "$xb" "$ib")")
	fi
	printf '%-10s %-9s %8s %7s %5s | %8s %7s %5s | %5s %5s %5s\n' "$n" halfblock "$ob" "$oe" "$oc" "$cb" "$ce" "$cc" "$(ratio2 "$ob" "$cb")" "$(ratio2 "$oe" "$ce")" "$(ratio2 "$oc" "$cc")"
	printf '%-10s %-9s %8s %7s %5s | %8s %7s %5s | %5s %5s %5s\n' "" " balanced" "$bb" "$be" - "$cb" "$ce" - "$(ratio2 "$bb" "$cb")" "$(ratio2 "$be" "$ce")" -
	printf '%-10s %-9s %8s %7s %5s | %8s %7s %5s | %5s %5s %5s\n' "" sixel "$sb" "$se" "$sc" "$ib" "$ie" "$ic" "$(ratio2 "$sb" "$ib")" "$(ratio2 "$se" "$ie")" "$(ratio2 "$sc" "$ic")"
	printf '%-10s %-9s %8s %7s %5s | %8s %7s %5s | %5s %5s %5s\n' "" " balanced" "$xb" "$xe" - "$ib" "$ie" - "$(ratio2 "$xb" "$ib")" "$(ratio2 "$xe" "$ie")" -
	# The crops a person looks at: top, half blocks (snapdash | chafa |
	# photo area-averaged), the centre 60x40 pixels, each 4x; bottom, sixel
	# (snapdash | img2sixel | photo), the centre 240x160 px as drawn.
	if [[ -n $MAGICK && -f $WORK/chafa.png && -f $WORK/i2s.png ]]; then
		convert \( "$WORK/hb.png" "$WORK/chafa.png" "$WORK/hbref.png" -gravity center -crop 60x40+0+0 +repage -bordercolor white -border 2 +append -filter point -resize 400% \) \
			\( "$WORK/six.png" "$WORK/i2s.png" "$WORK/sixref.png" -gravity center -crop 240x160+0+0 +repage -bordercolor white -border 2 +append \) \
			-background white -gravity center -append -strip "$CROPS/$n.png"
	fi
	rm -f "$WORK/chafa.png" "$WORK/i2s.png"
done
echo
echo "medians snapdash/anchor over ${#PHOTOS[@]} photos (fidelity): half-block bytes $(median "${HB_B[@]}"), error $(median "${HB_E[@]}") (worst $(printf '%s\n' "${HB_E[@]}" | sort -g | tail -1)), CPU $(median "${HB_C[@]}");" \
	"sixel bytes $(median "${SX_B[@]}"), error $(median "${SX_E[@]}") (worst $(printf '%s\n' "${SX_E[@]}" | sort -g | tail -1)), CPU $(median "${SX_C[@]}")"
echo "balanced: half-block error worst $(printf '%s\n' "${BAL_E[@]}" | sort -g | tail -1)x chafa's; sixel error worst $(printf '%s\n' "${SXB_E[@]}" | sort -g | tail -1)x img2sixel's, bytes median $(median "${SXB_B[@]}")"
echo "crops: $CROPS/<photo>.png (top: half blocks snapdash | chafa | photo; bottom: sixel snapdash | img2sixel | photo)"
echo
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'); $(go version)"

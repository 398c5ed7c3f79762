#!/usr/bin/env bash
# compare.sh: time snapdash's preview renderer against chafa and img2sixel
# on the same 12-megapixel JPEG, decode included, same pane and cell size,
# in one run (hyperfine when installed, else a loop and the median); then
# compare output bytes and fidelity (mean CIE76 ΔE of the half-block cells
# decoded back to pixels, bench/cmd/fidelity) on the real photographs in
# internal/termgfx/testdata/photos, with the ratios and their medians.
#
#   bench/compare.sh [runs]        (from the repository root or anywhere)
#
# Needs Go; chafa (apt: chafa), img2sixel (apt: libsixel-bin) and hyperfine
# (apt: hyperfine) are used when present and skipped otherwise.
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
# Mean ΔE of half-block output decoded back to pixels, "-" for other modes.
deltae() {
	case ${names[$1]} in
	*halfblock* | "chafa vhalf") ${cmds[$1]} | "$FID" "$PIC" | cut -d' ' -f2 ;;
	*) echo - ;;
	esac
}
echo
printf '%-20s %10s %10s %10s %6s\n' "command" "median ms" "CPU ms" "output B" "ΔE"
for i in "${!cmds[@]}"; do
	printf '%-20s %10s %10s %10s %6s\n' "${names[$i]}" "${MED[${names[$i]}]:-?}" "${CPU[${names[$i]}]:--}" "$(bytes "$i")" "$(deltae "$i")"
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
echo "(ΔE: cells decoded back to pixels against the full-resolution decode resized"
echo " to them; the 12 MP picture is drawn, with hard edges, and snapdash's ΔE on it"
echo " includes its DCT-scaled decode: compare halfblock full-dec)"

# Bytes and fidelity on real photographs. Half-block at 120x40 against
# chafa's vhalf symbols (24-bit and 240 colours); sixel against img2sixel
# at the pixel size snapdash's sixel has in a 120x45 pane of 10x20 px.
PHOTOS=("$ROOT"/internal/termgfx/testdata/photos/*.jpeg)
echo
echo "real photographs (${#PHOTOS[@]}), ${COLS}x${ROWS}: bytes, mean ΔE, snapdash/other bytes (<1: snapdash smaller)"
printf '%-14s %-10s %9s %6s %9s %6s %7s\n' photo mode snapdash ΔE other ΔE ratio
declare -a R_TC=() R_256=() R_SIX=()
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) {print "-"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
for p in "${PHOTOS[@]}"; do
	n=$(basename "$p")
	read -r ob od < <("$R" -full -mode halfblock -cols $COLS -rows $ROWS "$p" | "$FID" "$p")
	read -r o2b o2d < <("$R" -full -truecolor=false -mode halfblock -cols $COLS -rows $ROWS "$p" | "$FID" "$p")
	"$R" -full -mode sixel -cols $COLS -rows $SIXROWS -cellw 10 -cellh 20 "$p" >"$WORK/six"
	sb=$(wc -c <"$WORK/six")
	if command -v chafa >/dev/null; then
		read -r cb cd < <(chafa --size=${COLS}x${ROWS} -f symbols -c full --symbols vhalf "$p" | "$FID" "$p")
		read -r c2b c2d < <(chafa --size=${COLS}x${ROWS} -f symbols -c 240 --symbols vhalf "$p" | "$FID" "$p")
		R_TC+=("$(awk -v a="$ob" -v b="$cb" 'BEGIN {printf "%.3f", a/b}')")
		R_256+=("$(awk -v a="$o2b" -v b="$c2b" 'BEGIN {printf "%.3f", a/b}')")
	else
		cb=- cd=- c2b=- c2d=-
	fi
	printf '%-14s %-10s %9s %6s %9s %6s %7s\n' "$n" truecolor "$ob" "$od" "$cb" "$cd" "$(awk -v a="$ob" -v b="$cb" 'BEGIN {if (b+0) printf "%.2f", a/b; else print "-"}')"
	printf '%-14s %-10s %9s %6s %9s %6s %7s\n' "" 256/240 "$o2b" "$o2d" "$c2b" "$c2d" "$(awk -v a="$o2b" -v b="$c2b" 'BEGIN {if (b+0) printf "%.2f", a/b; else print "-"}')"
	if command -v img2sixel >/dev/null; then
		geo=$(head -c 64 "$WORK/six" | grep -ao '"1;1;[0-9]*;[0-9]*' | head -1)
		w=$(echo "$geo" | cut -d';' -f3) h=$(echo "$geo" | cut -d';' -f4)
		ib=$(img2sixel -w "$w" -h "$h" "$p" | wc -c)
		R_SIX+=("$(awk -v a="$sb" -v b="$ib" 'BEGIN {printf "%.3f", a/b}')")
	else
		ib=-
	fi
	printf '%-14s %-10s %9s %6s %9s %6s %7s\n' "" "sixel" "$sb" - "$ib" - "$(awk -v a="$sb" -v b="$ib" 'BEGIN {if (b+0) printf "%.2f", a/b; else print "-"}')"
done
echo
echo "median bytes ratio, snapdash / other: half-block truecolor vs chafa $(median "${R_TC[@]}")," \
	"256 colours vs chafa -c 240 $(median "${R_256[@]}"), sixel vs img2sixel $(median "${R_SIX[@]}")"
echo
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'); $(go version)"

#!/usr/bin/env bash
# mkphotos.sh: draw the two synthetic photographs of internal/termgfx/testdata/photos
# (meter.jpeg, car.jpeg) with a camera-like pipeline: each scene is drawn at
# 2400x1800, then seen through a lens and a sensor: a slight perspective, a
# defocus blur, vignetting, Gaussian sensor noise, a 2x reduction and a JPEG
# at quality 88 with 4:2:0 chroma, as a phone camera writes them.
#
#   bench/mkphotos.sh [dir]      (default: internal/termgfx/testdata/photos)
#
# Needs ImageMagick (apt: imagemagick) and the DejaVu fonts (apt: fonts-dejavu-core).
set -euo pipefail
OUT=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/internal/termgfx/testdata/photos}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
F=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
# --- meter: a pressure gauge and a five-drum counter, 2400x1800
W=2400 H=1800 CX=1200 CY=820 R=620
ticks="" nums=""
for i in $(seq 0 50); do
	a=$(awk -v i=$i 'BEGIN{print (225 - i*270/50)*3.14159265/180}')
	len=$(( i % 5 == 0 ? 70 : 35 ))
	read -r x1 y1 x2 y2 < <(awk -v a=$a -v r=$R -v l=$len -v cx=$CX -v cy=$CY 'BEGIN{printf "%.1f %.1f %.1f %.1f\n", cx+cos(a)*(r-20), cy-sin(a)*(r-20), cx+cos(a)*(r-20-l), cy-sin(a)*(r-20-l)}')
	ticks+="line $x1,$y1 $x2,$y2 "
	if (( i % 5 == 0 )); then
		read -r tx ty < <(awk -v a=$a -v r=$R -v cx=$CX -v cy=$CY 'BEGIN{printf "%.0f %.0f\n", cx+cos(a)*(r-170)-40, cy-sin(a)*(r-170)+30}')
		nums+="text $tx,$ty '$((i/5))' "
	fi
done
convert -size ${W}x${H} gradient:'#5a5e63-#2b2d30' \
	-fill '#8d9196' -draw "circle $CX,$CY $((CX+R+70)),$CY" \
	-fill '#f4f1e8' -draw "circle $CX,$CY $((CX+R)),$CY" \
	-stroke '#151515' -strokewidth 9 -draw "$ticks" -stroke none \
	-font "$F" -pointsize 92 -fill '#151515' -draw "$nums" \
	-pointsize 60 -draw "text $((CX-95)),$((CY-230)) 'bar'" \
	-fill '#101010' -draw "roundrectangle $((CX-290)),$((CY+110)) $((CX+290)),$((CY+250)) 16,16" \
	-fill '#f2f2f2' -pointsize 112 -font "$F" -draw "text $((CX-265)),$((CY+223)) '04217'" \
	-fill '#c8102e' -draw "text $((CX+165)),$((CY+223)) '3'" \
	-stroke '#b01020' -strokewidth 22 -draw "line $CX,$CY $((CX+330)),$((CY-430))" -stroke none \
	-fill '#222' -draw "circle $CX,$CY $((CX+55)),$CY" \
	"$T/meter.png"
# glass glare, lens and sensor: perspective, defocus, vignette, noise, exposure
convert "$T/meter.png" \( -size ${W}x${H} radial-gradient:'#ffffff30-#ffffff00' -distort SRT '0.6,0 -300,-350' \) -compose screen -composite \
	-virtual-pixel edge -distort Perspective '0,0 60,40  2400,0 2330,110  0,1800 10,1760  2400,1800 2390,1700' \
	-blur 0x2.2 \( -size ${W}x${H} radial-gradient:white-'#b0b0b0' \) -compose multiply -composite \
	-seed 7 -attenuate 0.6 +noise Gaussian -resize 1200x900 -quality 88 -sampling-factor 2x2 "$OUT/meter.jpeg"

# --- car: a door of metallic blue paint with a dent and a scratch, 2400x1800
body="polygon 0,330 900,250 2400,230 2400,1800 0,1800"
win="polygon 120,360 880,290 1500,280 1380,700 60,720"
convert -size 2400x1800 gradient:'#9a9890-#55544f' "$T/bg.png"
# paint: the sky's reflection fading down the door, a softbox band, the crease
convert -size 2400x1800 gradient:'#6f90c8-#0b1c3a' \
	\( -size 2400x1800 xc:black -fill white -draw "rectangle 0,980 2400,1010" -blur 0x40 \) -compose screen -composite \
	\( -size 2400x1800 xc:black -fill '#c8d4e8' -draw "line 0,1120 2400,1090" -blur 0x3 \) -compose screen -composite \
	\( -size 2400x1800 xc:gray50 -fill gray28 -draw "ellipse 1480,1240 190,120 0,360" -fill gray72 -draw "ellipse 1530,1290 150,90 0,360" -blur 0x38 \) -compose overlay -composite \
	-stroke '#d9e2f0' -strokewidth 2.2 -fill none -draw "bezier 1010,1420 1200,1385 1400,1372 1650,1330" -stroke none \
	"$T/paint.png"
convert -size 2400x1800 xc:black -fill white -draw "$body" "$T/bodymask.png"
convert "$T/bg.png" "$T/paint.png" "$T/bodymask.png" -compose over -composite \
	\( -size 2400x1800 gradient:'#a7b8ca-#121a24' \) \( -size 2400x1800 xc:black -fill white -draw "$win" \) -compose over -composite \
	-stroke '#0a0f18' -strokewidth 7 -fill none -draw "line 1560,250 1430,1800" -draw "line 40,740 1430,720" -draw "line 1430,720 1560,260" -stroke none \
	-fill '#1a1f26' -draw "roundrectangle 1170,820 1400,880 24,24" -fill '#c9ccd0' -draw "roundrectangle 1178,826 1392,866 20,20" \
	-fill '#0b0b0b' -draw "circle 2300,1800 2300,1390" -fill '#b9bcc0' -draw "circle 2300,1800 2300,1560" -fill '#3a3d41' -draw "circle 2300,1800 2300,1700" \
	"$T/car.png"
convert "$T/car.png" \
	-virtual-pixel edge -distort Perspective '0,0 30,0  2400,0 2400,60  0,1800 0,1800  2400,1800 2370,1750' \
	-blur 0x1.8 \( -size 2400x1800 radial-gradient:white-'#a8a8a8' \) -compose multiply -composite \
	-seed 11 -attenuate 0.7 +noise Gaussian -resize 1200x900 -quality 88 -sampling-factor 2x2 "$OUT/car.jpeg"

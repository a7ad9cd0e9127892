#!/bin/sh
# Renders the demo clips in demo/clips/ with espeak-ng and sox: synthetic speech (RAVDESS may not
# be redistributed), 16 kHz mono 16-bit WAV, with prosody varied so the demo shows several
# emotions: loud/fast/high for aroused clips, soft/slow/low for calm or sad ones.
# Usage: sh scripts/make-demo-clips.sh   (needs espeak-ng and sox; output is deterministic)
set -eu
cd "$(dirname "$0")/.."
out=demo/clips
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name | voice | words/min | pitch 0-99 | amplitude 0-200 | word gap (10 ms) | sox effects | text
while IFS='|' read -r name voice rate pitch amp gap effects text; do
  [ -z "$name" ] && continue
  espeak-ng -v "$voice" -s "$rate" -p "$pitch" -a "$amp" -g "$gap" -w "$tmp/$name.wav" "$text"
  # shellcheck disable=SC2086
  sox -R "$tmp/$name.wav" -r 16000 -c 1 -b 16 -e signed-integer "$out/$name.wav" $effects pad 0.3 0.6
  echo "$out/$name.wav $(soxi -D "$out/$name.wav") s"
done <<'CLIPS'
01-loud-fast-high|en-us+m3|210|85|200|0|gain -6 treble +6 gain -n -1|Kids are talking by the door! Stop it right now!
02-cheerful-high|en-us+f2|185|90|150|1|gain -n -2|Dogs are sitting by the door, what a wonderful day!
03-flat-calm|en-us+m1|150|40|90|2|gain -n -8|Kids are talking by the door. The meeting is at three.
04-slow-low-soft|en-us+m2|105|10|55|6|lowpass 3000 gain -n -16|Dogs are sitting by the door. I miss them.
05-shouting|en-gb+m4|230|75|200|0|gain -n -0.5 overdrive 6 gain -n -1|Get out of here! I told you twice already!
06-slow-sigh|en-gb+f4|100|15|50|6|lowpass 2500 gain -n -18|It is all gone now.
CLIPS

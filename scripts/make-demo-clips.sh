#!/bin/sh
# Renders the demo clips in demo/clips/ with espeak-ng and sox: synthetic speech (RAVDESS may not
# be redistributed), 16 kHz mono 16-bit WAV, with prosody varied so the demo shows several
# emotions. The voices and filters were picked by listening to what the shipped model makes of
# them (speech-emotion classify demo/clips/*.wav), not acted emotions: espeak-ng's bright
# spectrum reads as anger unless low-passed, so the calmer clips are filtered and reverberated.
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
02-bright-high|en-us+f2|160|90|100|0|lowpass 1200 gain -n -12|Dogs are sitting by the door. Kids are talking by the door.
03-flat-calm|en-us+f2|160|20|100|0|lowpass 1800 reverb 60 gain -n -12|Kids are talking by the door. Dogs are sitting by the door.
04-low-muffled|en-us+m2|160|50|100|0|lowpass 1200 gain -n -12|Dogs are sitting by the door. Kids are talking by the door.
05-shouting|en-gb+m4|230|75|200|0|gain -n -0.5 overdrive 6 gain -n -1|Get out of here! I told you twice already!
06-slow-low-echo|en-us+m2|100|20|100|2|lowpass 1800 reverb 60 gain -n -12|Dogs are sitting by the door. It is all gone now.
CLIPS

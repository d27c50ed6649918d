#!/usr/bin/env bash
# Noises never used in training, for the held-out denoising test set (models/denoise.md):
#   onnxaudio-train data denoise ... --noise-folder <this script's output folder>
# Usage: tools/data/make-eval-noise.sh OUT_FOLDER   (needs ffmpeg; 60 s each, 16 kHz mono, fixed seeds)
set -euo pipefail
out=${1:?usage: make-eval-noise.sh OUT_FOLDER}
mkdir -p "$out"
gen() { ffmpeg -loglevel error -y -f lavfi -i "$1" -t 60 -ar 16000 -ac 1 -c:a pcm_s16le "$out/$2.wav"; }
gen "anoisesrc=color=blue:seed=11:amplitude=0.5:sample_rate=16000" blue
gen "anoisesrc=color=violet:seed=12:amplitude=0.5:sample_rate=16000" violet
gen "anoisesrc=color=velvet:seed=13:amplitude=0.5:sample_rate=16000" velvet
gen "anoisesrc=color=pink:seed=14:amplitude=0.5:sample_rate=16000,tremolo=f=3:d=0.8" pink-fluctuating
gen "anoisesrc=color=white:seed=15:amplitude=0.5:sample_rate=16000,bandpass=f=1000:width_type=q:w=2" band-1khz
ls "$out"

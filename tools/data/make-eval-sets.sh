#!/usr/bin/env bash
# The cross-source evaluation sets every model card reports (the real-voices issue), made bit for bit from the seed:
#   (a) unseen synthesizer: flite's awb and rms voices, held out of every training corpus (test split only);
#   (b) unseen real speakers: the Tux Paint languages and Hedgewars voice packs that the speaker split puts in test;
#   (c) espeak-ng: the 45 held-out espeak-ng test voices of the 300-voice catalog (the earlier test sets: seed 1 for
#       keyword spotting, seed 2 for denoising and the codec, the seeds their training corpora were split with).
# Recorded speakers are split by --split-seed (default 1) whatever the corpus seed, so (b) never overlaps training.
# Denoising sets mix white, pink, brown, hum and babble noise at 0, 5 and 10 dB (the denoiser's bars).
# Usage: tools/data/make-eval-sets.sh OUT_FOLDER [TRAIN_COMMAND...]
#   (default command: dotnet run -c Release --project src/OnnxAudio.Training --)
# Needs espeak-ng, flite, ffmpeg, tuxpaint-stamps-default and hedgewars-data.
set -euo pipefail
out=${1:?usage: make-eval-sets.sh OUT_FOLDER [TRAIN_COMMAND...]}
shift
if [ $# -gt 0 ]; then train=("$@"); else train=(dotnet run -c Release --project "$(dirname "$0")/../../src/OnnxAudio.Training" --); fi
real=(--speech tuxpaint,hedgewars --max-recordings-per-speaker 300)
noise=(--snr-levels 0 5 10 --noise-types white pink brown hum babble --damage-probability 0)

"${train[@]}" data kws --out "$out/kws-flite" --seed 1 --speech flite --repetitions 10
"${train[@]}" data kws --out "$out/kws-real" --seed 1 "${real[@]}" --splits test --per-recorded-speaker 60
"${train[@]}" data kws --out "$out/kws-espeak" --seed 1 --speech espeak --max-voices 300 --splits test

"${train[@]}" data denoise --out "$out/denoise-flite" --seed 2 --speech flite --sentences-per-voice 45 "${noise[@]}"
"${train[@]}" data denoise --out "$out/denoise-real" --seed 2 "${real[@]}" --splits test --per-recorded-speaker 18 "${noise[@]}"
"${train[@]}" data denoise --out "$out/denoise-espeak" --seed 2 --speech espeak --max-voices 300 --splits test --sentences-per-voice 2 "${noise[@]}"

"${train[@]}" data codec --out "$out/codec-flite" --seed 2 --speech flite --sentences-per-voice 20
"${train[@]}" data codec --out "$out/codec-real" --seed 2 "${real[@]}" --splits test --per-recorded-speaker 8
"${train[@]}" data codec --out "$out/codec-espeak" --seed 2 --speech espeak --max-voices 300 --splits test --sentences-per-voice 1

# An hour of real non-keyword speech (the unseen recorded speakers of (b)) in real test noise: streaming false alarms.
"${train[@]}" data noise --out "$out/noise"
"${train[@]}" data stream --out "$out/kws-stream/real-nonkeyword-60min.wav" --noise-folder "$out/noise" --minutes 60 --snr 10

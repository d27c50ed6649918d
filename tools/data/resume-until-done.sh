#!/usr/bin/env bash
# Resumes a training run until it completes: TorchSharp 0.107's temporary-Scalar race can still end a step when a
# collection falls outside the trainer's no-GC region (NativeStepGuard); the run restarts from its last checkpoint.
# Usage: tools/data/resume-until-done.sh RUN_FOLDER [TRAIN_COMMAND...]   (default: onnxaudio-train on PATH)
set -uo pipefail
run=${1:?usage: resume-until-done.sh RUN_FOLDER [TRAIN_COMMAND...]}
shift
if [ $# -gt 0 ]; then train=("$@"); else train=(onnxaudio-train); fi
for attempt in $(seq 1 20); do
  "${train[@]}" resume --out "$run" && exit 0
  echo "resume-until-done: attempt $attempt ended with an error; resuming from the last checkpoint" >&2
  sleep 5
done
exit 1

#!/usr/bin/env bash
# Resumes a training run until it completes: TorchSharp 0.107's temporary-Scalar race can still end a step when a
# collection falls outside the trainer's no-GC region (NativeStepGuard); the run restarts from its last checkpoint.
# Each failed attempt is named by how it ended: the exit code, or the signal that killed it (SIGKILL, exit 137, is the
# signature of the kernel's out-of-memory killer: look at `dmesg` before resuming again).
# Usage: tools/data/resume-until-done.sh RUN_FOLDER [TRAIN_COMMAND...]   (default: onnxaudio-train on PATH)
set -uo pipefail
run=${1:?usage: resume-until-done.sh RUN_FOLDER [TRAIN_COMMAND...]}
shift
if [ $# -gt 0 ]; then train=("$@"); else train=(onnxaudio-train); fi

# How a finished command ended, from its exit status.
ending() {
  local status=$1
  if [ "$status" -gt 128 ]; then
    local signal
    signal=$(kill -l $((status - 128)) 2>/dev/null || echo "$((status - 128))")
    if [ "$signal" = KILL ]; then
      echo "killed by SIGKILL (exit $status; the out-of-memory killer's signature)"
    else
      echo "killed by SIG$signal (exit $status)"
    fi
  else
    echo "exit code $status"
  fi
}

for attempt in $(seq 1 20); do
  "${train[@]}" resume --out "$run"
  status=$?
  [ "$status" -eq 0 ] && exit 0
  echo "resume-until-done: attempt $attempt ended: $(ending "$status"); resuming from the last checkpoint" >&2
  sleep 5
done
exit 1

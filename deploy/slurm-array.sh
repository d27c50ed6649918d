#!/bin/bash
# Restores a corpus with a Slurm job array: task K of the array takes shard K/N (files by relative path), so the N
# tasks process every file exactly once between them; a requeued task skips outputs that are complete.
#   sbatch --array=0-15 deploy/slurm-array.sh /shared/in /shared/out
#SBATCH --job-name=onnxaudio-restore
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
set -euo pipefail
shard=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN))
exec onnxaudio restore "$1" "$2" --shard "$shard/$SLURM_ARRAY_TASK_COUNT" --jobs 1 --threads 1

#!/usr/bin/env bash
# The README's experiment, from the shipped checkpoint, on the wasm backend in
# Node (several times faster than SwiftShader on a machine without a GPU), at
# the v5 defaults (16 prompts per step, 60 steps) except what defines each arm:
#   grpo G=16, grpo G=6,
#   mirl N=10 k=6 with MI scored by the moving policy (the v4 default),
#   mirl N=10 k=6 with MI scored by the frozen warm start (the v5 default),
#   perception-r1 G=6 with object credit (the labelled bound),
#   grpo G=16 with the ViCrit family added to the training mix (held-out set unchanged),
#   vision-sr1 G=6 and racro G=6 (a description rewarded by a re-answer without the image:
#   the policy's sampled one, or the frozen warm start's greedy one), vppo G=8 (VPPO's n), pearl G=5 (PEARL's n);
# three seeds each, one held-out set for every arm (256 problems of seed 4242,
# 4 samples each at the rollout temperature, greedy beside), evaluated at steps
# 0, 20, 40 and 60; then the table, paired by seed against GRPO-16, and the plot.
# Two runs at a time; a run already in OUTDIR is skipped, so it can be resumed.
# Usage: bash scripts/experiments.sh [STEPS] [OUTDIR] [EXTRA_CONFIG_JSON_FIELDS]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-60}
out=${2:-data/experiment-sampled}
extra=${3:-'"heldoutEvery":20,"heldoutCount":256,"heldoutSamples":4'}
# the arms, generated from the algorithm table's rows (scripts/experiment-arms.ts prints them)
mapfile -t ARMS < <(npx tsx scripts/experiment-arms.ts)
[ "${#ARMS[@]}" -gt 0 ] || { echo "scripts/experiment-arms.ts printed no arms" >&2; exit 1; }
. scripts/experiment/runArms.sh
run_arms "$steps" "$out" "$extra" "" "${ARMS[@]}"

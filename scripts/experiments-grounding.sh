#!/usr/bin/env bash
# Visual-RFT and MIRG-RL as arms of the experiment: GRPO-16 with the grounding family (boxes, Visual-RFT's
# IoU reward) or the multi-image grounding family (image and box, MIRG-RL's dual reward) added to its mix,
# against GRPO-16 on the default mix. All three start from the grounding warm start (models/tinyvlm-v1g,
# fine-tuned from the shipped one by `npm run finetune`), since the shipped one cannot write boxes: the
# grounding arms because their families take it, GRPO-16 because its config names it (warmStart); the
# held-out set is the main experiment's (256 problems of seed 4242, default mix, 4 samples each),
# evaluated at steps 0, 20, 40 and 60; three seeds, paired by seed against GRPO-16. Each run also scores the warm start
# and its final policy on 512 held-out problems of each grounding family alone (4 samples each; `task_heldout`), so
# the report shows what the tasks did to grounding itself. Two more arms train on one grounding family alone (16
# grounding prompts a step instead of 2): whether the reward teaches grounding at all at this size.
# Usage: bash scripts/experiments-grounding.sh [STEPS] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
mix='"count","attribute","spatial","comparison","arithmetic","existence","multi_image"'
. scripts/experiment/runArms.sh
RUN_FLAGS='--task-heldout grounding,multi_grounding --task-heldout-count 512'
run_arms "${1:-60}" "${2:-data/experiment-grounding}" '"heldoutEvery":20,"heldoutCount":256,"heldoutSamples":4' \
  '' \
  'grpo {"G":16,"warmStart":"tinyvlm-v1g"} grpo-G16' \
  "grpo {\"G\":16,\"families\":[$mix,\"grounding\"]} grpo-G16-grounding" \
  "grpo {\"G\":16,\"families\":[$mix,\"multi_grounding\"]} grpo-G16-multi_grounding" \
  'grpo {"G":16,"families":["grounding"]} grpo-G16-grounding-only' \
  'grpo {"G":16,"families":["multi_grounding"]} grpo-G16-multi_grounding-only'

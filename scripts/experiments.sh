#!/usr/bin/env bash
# The README's experiment: mirl (N=10, k=6) vs grpo (G=16) vs grpo (G=6), three
# seeds each, same steps, same held-out set, from the shipped checkpoint; then
# the table and the plot. Runs one after another (they share the one device).
# Usage: bash scripts/experiments.sh [STEPS] [OUTDIR] [EXTRA_CONFIG_JSON_FIELDS]
set -euo pipefail
steps=${1:-30}
out=${2:-docs/experiment}
extra=${3:-'"lr":0.0001,"heldoutEvery":10,"heldoutCount":128'}
mkdir -p "$out"
# Step 0: the warm start on the same held-out set the runs score (seed 4242, 128 problems, as in $extra).
[ -s "$out/baseline.json" ] || npm run --silent eval -- --checkpoint models/tinyvlm-v1 --seed 4242 --count 128 --out "$out/baseline.json"
for seed in 1 2 3; do
  for arm in 'mirl {"N":10,"k":6}' 'grpo {"G":16}' 'grpo {"G":6}'; do
    algo=${arm%% *}
    sizes=${arm#* }
    name="$algo-$(echo "$sizes" | tr -d '{}":,' )-seed$seed"
    [ -s "$out/$name.json" ] && { echo "have $out/$name.json"; continue; }
    npm run --silent experiment -- --algo "$algo" --steps "$steps" --seed "$seed" \
      --config "{${sizes:1:-1},$extra}" --out "$out/$name.json"
  done
done
npm run --silent report -- --dir "$out" --baseline "$out/baseline.json" --md "$out/table.md" --png "$out/curves.png"

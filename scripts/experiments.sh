#!/usr/bin/env bash
# The README's experiment, from the shipped checkpoint, on the CPU backend in
# Node (several times faster than SwiftShader on a machine without a GPU):
#   grpo G=16, grpo G=6, mirl N=10 k=6 with the default perception reward,
#   mirl N=10 k=6 with the old per-token-mean reward (the ablation), and
#   perception-r1 G=6 (the labelled upper bound);
# three seeds each, same steps, one held-out set; then the table and the plot.
# Two runs at a time; a run already in OUTDIR is skipped, so it can be resumed.
# Usage: bash scripts/experiments.sh [STEPS] [OUTDIR] [EXTRA_CONFIG_JSON_FIELDS]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-60}
out=${2:-docs/experiment}
extra=${3:-'"heldoutEvery":20,"heldoutCount":256'}
mkdir -p "$out"
# Step 0: the warm start on the held-out set the runs score (seed 4242, 256 problems, as in $extra), same backend.
[ -s "$out/baseline.json" ] || npm run --silent eval -- --backend cpu --checkpoint models/tinyvlm-v1 --seed 4242 --count 256 --out "$out/baseline.json"
ARMS=(
  'grpo {"G":16}'
  'grpo {"G":6}'
  'mirl {"N":10,"k":6}'
  'mirl {"N":10,"k":6,"miAgg":"mean","percGate":"off"}'
  'perception-r1 {"G":6}'
)
for seed in 1 2 3; do
  for arm in "${ARMS[@]}"; do
    algo=${arm%% *}
    sizes=${arm#* }
    name="$algo-$(echo "$sizes" | tr -d '{}":,' )-seed$seed"
    [ -s "$out/$name.json" ] && { echo "have $out/$name.json"; continue; }
    npm run --silent experiment -- --backend cpu --algo "$algo" --steps "$steps" --seed "$seed" \
      --config "{${sizes:1:-1},$extra}" --out "$out/$name.json" > "$out/$name.log" 2>&1 &
    if [ "$(jobs -rp | wc -l)" -ge 2 ]; then wait -n; fi
  done
done
wait
rm -f "$out"/*.log
npm run --silent report -- --dir "$out" --baseline "$out/baseline.json" --md "$out/table.md" --png "$out/curves.png"

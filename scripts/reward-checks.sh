#!/usr/bin/env bash
# The README's reward-check table: every perception-reward variant on the
# shipped warm start, on held-out seeds the defaults were not tuned on (the
# variants were compared on seed 1; the tests use seed 9001).
#   bash scripts/reward-checks.sh [COUNT] [DIR] [SEEDS...]
# Skips a (variant, seed) whose JSON is already in DIR; two run at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-500}
DIR=${2:-data/reward-check}
shift $(( $# > 2 ? 2 : $# ))
SEEDS=${*:-2027 4049}
mkdir -p "$DIR"
VARIANTS=(
  'old-mean:{"miAgg":"mean","miClip":0,"percGate":"off"}'
  'mean-gate:{"miAgg":"mean","miClip":0,"percGate":"lowest"}'
  'mean-clip2:{"miAgg":"mean","miClip":2,"percGate":"off"}'
  'sum:{"miAgg":"sum","miClip":0,"percGate":"off"}'
  'sum-gate:{"miAgg":"sum","miClip":0,"percGate":"lowest"}'
  'sum-clip2-gate:{"miAgg":"sum","miClip":2,"percGate":"lowest"}'
  'sum-gate-patch:{"miAgg":"sum","miClip":0,"percGate":"lowest","estimator":"patch"}'
  'sum-gate-blank:{"miAgg":"sum","miClip":0,"percGate":"lowest","estimator":"blank"}'
  'sum-gate-contrastive:{"miAgg":"sum","miClip":0,"percGate":"lowest","estimator":"contrastive"}'
  'perception-r1:{"algo":"perception-r1"}'
  'racro:{"algo":"racro"}'
)
for seed in $SEEDS; do
  for v in "${VARIANTS[@]}"; do
    name=${v%%:*}; cfg=${v#*:}
    out="$DIR/$name-seed$seed.json"
    [ -f "$out" ] && continue
    npx tsx scripts/reward-check.ts --seed "$seed" --count "$COUNT" --config "$cfg" --out "$out" > "$DIR/$name-seed$seed.log" 2>&1 &
    if [ "$(jobs -rp | wc -l)" -ge 2 ]; then wait -n; fi
  done
done
wait
rm -f "$DIR"/*.log
npx tsx scripts/reward-check-table.ts "$DIR"

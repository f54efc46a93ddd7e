# Sourced by the experiment scripts: run_arms STEPS OUTDIR EXTRA_CONFIG ARM... runs every arm on seeds 1-3, two at
# a time, skipping a run already in OUTDIR, then writes the report. An arm is 'ALGO {JSON}' or 'ALGO {JSON} NAME'
# (its JSON has no spaces); $CHECKPOINT, when set, is the warm start every run starts from.
run_arms() {
  local steps=$1 out=$2 extra=$3
  shift 3
  mkdir -p "$out"
  for seed in 1 2 3; do
    for arm in "$@"; do
      local algo=${arm%% *} rest=${arm#* } sizes name
      sizes=${rest%% *}
      if [ "$rest" != "$sizes" ]; then name="${rest#* }-seed$seed"; else name="$algo-$(echo "$sizes" | tr -d '{}":,' )-seed$seed"; fi
      [ -s "$out/$name.json" ] && { echo "have $out/$name.json"; continue; }
      npm run --silent experiment -- --backend "${BACKEND:-wasm}" --algo "$algo" --steps "$steps" --seed "$seed" \
        ${CHECKPOINT:+--checkpoint "$CHECKPOINT"} \
        --config "{${sizes:1:-1},$extra}" --out "$out/$name.json" > "$out/$name.log" 2>&1 &
      if [ "$(jobs -rp | wc -l)" -ge 2 ]; then wait -n; fi
    done
  done
  wait
  rm -f "$out"/*.log
  npm run --silent report -- --dir "$out" --md "$out/table.md" --png "$out/curves.png"
}

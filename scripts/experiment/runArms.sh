# Sourced by the experiment scripts: run_arms STEPS OUTDIR EXTRA_CONFIG CHECKPOINT ARM... runs every arm on seeds
# 1-3, two at a time, skipping a run already in OUTDIR, then writes the report (table.md, curves.png): for runs in
# data/NAME, beside its write-up in docs/NAME; elsewhere, beside the runs. An arm is 'ALGO {JSON}' or
# 'ALGO {JSON} NAME' (its JSON has no spaces); CHECKPOINT is the warm start every run starts from ('' for the one
# `npm run experiment` picks by the config's families). A run that fails is named and the others go on.
# RUN_FLAGS, if set, is passed to every run (e.g. RUN_FLAGS='--task-heldout grounding').
run_arms() {
  local steps=$1 out=$2 extra=$3 checkpoint=$4
  shift 4
  mkdir -p "$out"
  for seed in 1 2 3; do
    for arm in "$@"; do
      local algo=${arm%% *} rest=${arm#* } sizes name
      sizes=${rest%% *}
      if [ "$rest" != "$sizes" ]; then name="${rest#* }-seed$seed"; else name="$algo-$(echo "$sizes" | tr -d '{}":,' )-seed$seed"; fi
      [ -s "$out/$name.json" ] && { echo "have $out/$name.json"; continue; }
      npm run --silent experiment -- --backend "${BACKEND:-wasm}" --algo "$algo" --steps "$steps" --seed "$seed" \
        ${checkpoint:+--checkpoint "$checkpoint"} ${RUN_FLAGS:-} \
        --config "{${sizes:1:-1},$extra}" --out "$out/$name.json" > "$out/$name.log" 2>&1 &
      if [ "$(jobs -rp | wc -l)" -ge 2 ]; then wait -n || echo "a run failed: its log is kept in $out"; fi
    done
  done
  while [ -n "$(jobs -rp)" ]; do wait -n || echo "a run failed: its log is kept in $out"; done
  # the logs of finished runs go; a failed run's log stays beside its missing file
  for log in "$out"/*.log; do
    if [ -s "${log%.log}.json" ]; then rm -f "$log"; fi
  done
  local doc=$out
  case $out in data/*) doc=docs/${out#data/} ;; esac
  mkdir -p "$doc"
  npm run --silent report -- --dir "$out" --md "$doc/table.md" --png "$doc/curves.png"
}

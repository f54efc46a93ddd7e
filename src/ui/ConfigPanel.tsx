import { ALGORITHMS, ESTIMATORS, LR_SCHEDULES, MI_AGGS, MI_SCORERS, PERC_GATES, PERC_NORMS, type RLConfig } from '../rl/config';
import { FAMILIES } from '../tasks/families';
import { useRunStore } from './stores/runStore';

type NumKey = { [K in keyof RLConfig]: RLConfig[K] extends number ? K : never }[keyof RLConfig];

function NumField({ k, label, step = 1 }: { k: NumKey; label: string; step?: number }) {
  const value = useRunStore((s) => s.draft[k]);
  const error = useRunStore((s) => s.fieldErrors[k]);
  const setField = useRunStore((s) => s.setField);
  return (
    <label className={`field${error ? ' invalid' : ''}`}>
      <span>{label}</span>
      <input
        type="number"
        step={step}
        data-testid={`field-${k}`}
        defaultValue={Number.isFinite(value) ? value : ''}
        key={String(value)}
        onBlur={(e) => setField(k, e.target.value.trim() === '' ? NaN : Number(e.target.value))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
      {error && <em className="why" data-testid={`error-${k}`}>must be {error}</em>}
    </label>
  );
}

function Select<K extends 'algo' | 'estimator' | 'miScorer' | 'miAgg' | 'percGate' | 'percNorm' | 'advNormalize' | 'lossAgg' | 'lrSchedule'>({ k, label, options }: { k: K; label: string; options: readonly string[] }) {
  const value = useRunStore((s) => s.draft[k]);
  const setField = useRunStore((s) => s.setField);
  return (
    <label className="field">
      <span>{label}</span>
      <select data-testid={`field-${k}`} value={value} onChange={(e) => setField(k, e.target.value as RLConfig[K])}>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
}

function Knob({ k, label, step }: { k: keyof RLConfig['knobs']; label: string; step: number }) {
  const knobs = useRunStore((s) => s.draft.knobs);
  const error = useRunStore((s) => s.fieldErrors.knobs);
  const setField = useRunStore((s) => s.setField);
  return (
    <label className={`field${error ? ' invalid' : ''}`}>
      <span>{label}</span>
      <input type="number" step={step} data-testid={`knob-${k}`} defaultValue={knobs[k]} key={knobs[k]}
        onBlur={(e) => setField('knobs', { ...knobs, [k]: Number(e.target.value) })} />
    </label>
  );
}

export function ConfigPanel() {
  const draft = useRunStore((s) => s.draft);
  const errors = useRunStore((s) => s.fieldErrors);
  const setField = useRunStore((s) => s.setField);
  return (
    <section className="panel config" data-testid="config">
      <h2>Configure</h2>
      <div className="grid">
        <Select k="algo" label="algorithm" options={ALGORITHMS} />
        {draft.algo === 'mirl' ? (
          <>
            <NumField k="N" label="N pre-samples" />
            <NumField k="k" label="k forks" />
          </>
        ) : (
          <NumField k="G" label="G trajectories" />
        )}
        <Select k="estimator" label="MI estimator" options={ESTIMATORS} />
        {draft.estimator === 'contrastive' && <NumField k="contrastiveK" label="contrastive K" />}
        <Select k="miScorer" label="MI scored by" options={MI_SCORERS} />
        <Select k="miAgg" label="MI over tokens" options={MI_AGGS} />
        <NumField k="miClip" label="MI clip per token (0 off)" step={0.5} />
        <Select k="percGate" label="malformed description" options={PERC_GATES} />
        {draft.percGate === 'floor' && <NumField k="percGateFloor" label="gate floor" step={1} />}
        <Select k="percNorm" label="perception reward" options={PERC_NORMS} />
        <NumField k="lr" label="learning rate" step={0.0001} />
        <NumField k="clipLow" label="clip low" step={0.01} />
        <NumField k="clipHigh" label="clip high" step={0.01} />
        <NumField k="beta" label="KL coefficient" step={0.01} />
        <NumField k="batchPrompts" label="prompts / step" />
        <NumField k="promptPool" label="prompt pool (0 fresh)" />
        <NumField k="miniBatches" label="updates / epoch" />
        <NumField k="ppoEpochs" label="epochs / rollout" />
        <NumField k="warmupSteps" label="lr warm-up steps" />
        <Select k="lrSchedule" label="lr schedule" options={LR_SCHEDULES} />
        <NumField k="adamBeta2" label="Adam beta2" step={0.001} />
        <Select k="advNormalize" label="advantage" options={['std', 'none']} />
        <Select k="lossAgg" label="loss mean over" options={['token', 'sequence']} />
        <label className="field">
          <span>drop flat groups</span>
          <input type="checkbox" data-testid="field-dropFlatGroups" checked={draft.dropFlatGroups} onChange={(e) => setField('dropFlatGroups', e.target.checked)} />
        </label>
        <NumField k="seed" label="seed" />
        <NumField k="steps" label="steps" />
        <NumField k="heldoutEvery" label="held-out every" />
        {draft.algo !== 'mirl' && <NumField k="miMetricEvery" label="MI metric every (0 never)" />}
      </div>
      <fieldset className={errors.families ? 'invalid' : ''}>
        <legend>task families</legend>
        {FAMILIES.map((f) => (
          <label key={f} className="check">
            <input type="checkbox" checked={draft.families.includes(f)} data-testid={`family-${f}`}
              onChange={(e) => setField('families', e.target.checked ? [...draft.families, f] : draft.families.filter((x) => x !== f))} />
            {f}
          </label>
        ))}
        {errors.families && <em className="why" data-testid="error-families">must be {errors.families}</em>}
      </fieldset>
      <fieldset className={errors.knobs ? 'invalid' : ''}>
        <legend>difficulty</legend>
        <Knob k="minObjects" label="min objects" step={1} />
        <Knob k="maxObjects" label="max objects" step={1} />
        <Knob k="noise" label="pixel noise" step={0.01} />
        <Knob k="occlusion" label="occlusion" step={0.05} />
        <Knob k="jitter" label="jitter" step={0.1} />
        {errors.knobs && <em className="why" data-testid="error-knobs">{errors.knobs}</em>}
      </fieldset>
    </section>
  );
}

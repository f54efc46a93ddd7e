import { ALGORITHMS, ESTIMATORS, FIELD_LABELS, LR_SCHEDULES, MI_AGGS, MI_SCORERS, PERC_GATES, PERC_NORMS, type RLConfig } from '../rl/config';
import { FAMILIES } from '../tasks/families';
import { KNOB_LABELS } from '../tasks/scene';
import { useRunStore } from './stores/runStore';

type NumKey = { [K in keyof RLConfig]: RLConfig[K] extends number ? K : never }[keyof RLConfig];

function NumField({ k, step = 1 }: { k: NumKey; step?: number }) {
  const label = FIELD_LABELS[k];
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

function Select<K extends 'algo' | 'estimator' | 'miScorer' | 'miAgg' | 'percGate' | 'percNorm' | 'advNormalize' | 'lossAgg' | 'lrSchedule'>({ k, options }: { k: K; options: readonly string[] }) {
  const label = FIELD_LABELS[k];
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

function Knob({ k, step }: { k: keyof RLConfig['knobs']; step: number }) {
  const label = KNOB_LABELS[k];
  const knobs = useRunStore((s) => s.draft.knobs);
  const error = useRunStore((s) => s.fieldErrors.knobs);
  const setField = useRunStore((s) => s.setField);
  return (
    <label className={`field${error ? ' invalid' : ''}`}>
      <span>{label}</span>
      <input type="number" step={step} data-testid={`knob-${k}`} defaultValue={knobs[k]} key={knobs[k]}
        onBlur={(e) => setField('knobs', { ...knobs, [k]: e.target.value.trim() === '' ? NaN : Number(e.target.value) })} />
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
        <Select k="algo" options={ALGORITHMS} />
        {draft.algo === 'mirl' ? (
          <>
            <NumField k="N" />
            <NumField k="k" />
          </>
        ) : (
          <NumField k="G" />
        )}
        <Select k="estimator" options={ESTIMATORS} />
        {draft.estimator === 'contrastive' && <NumField k="contrastiveK" />}
        <Select k="miScorer" options={MI_SCORERS} />
        <Select k="miAgg" options={MI_AGGS} />
        <NumField k="miClip" step={0.5} />
        <Select k="percGate" options={PERC_GATES} />
        {draft.percGate === 'floor' && <NumField k="percGateFloor" step={1} />}
        <Select k="percNorm" options={PERC_NORMS} />
        <NumField k="lr" step={0.0001} />
        <NumField k="clipLow" step={0.01} />
        <NumField k="clipHigh" step={0.01} />
        <NumField k="beta" step={0.01} />
        <NumField k="batchPrompts" />
        <NumField k="promptPool" />
        <NumField k="miniBatches" />
        <NumField k="ppoEpochs" />
        <NumField k="warmupSteps" />
        <Select k="lrSchedule" options={LR_SCHEDULES} />
        <NumField k="adamBeta2" step={0.001} />
        <Select k="advNormalize" options={['std', 'none']} />
        <Select k="lossAgg" options={['token', 'sequence']} />
        <label className="field">
          <span>{FIELD_LABELS.dropFlatGroups}</span>
          <input type="checkbox" data-testid="field-dropFlatGroups" checked={draft.dropFlatGroups} onChange={(e) => setField('dropFlatGroups', e.target.checked)} />
        </label>
        <NumField k="seed" />
        <NumField k="steps" />
        <NumField k="heldoutEvery" />
        <NumField k="metricEvery" />
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
        <Knob k="minObjects" step={1} />
        <Knob k="maxObjects" step={1} />
        <Knob k="noise" step={0.01} />
        <Knob k="occlusion" step={0.05} />
        <Knob k="jitter" step={0.1} />
        {errors.knobs && <em className="why" data-testid="error-knobs">{errors.knobs}</em>}
      </fieldset>
    </section>
  );
}

import { useState } from 'react';
import { FIELDS, PANEL_GROUPS, type FieldName, type PanelGroup, type RLConfig } from '../rl/config';
import { tooSmallToLearn } from '../rl/configValidation';
import { FAMILIES } from '../tasks/families';
import { KNOB_LABELS } from '../tasks/scene';
import { RecipeButtons } from './RecipeExport';
import { useDraftStore } from './stores/draftStore';

// The form is derived from the config's field table: a field with `panel` gets an input
// of its kind (number, choice, checkbox), its label, its help as the tooltip, in table order.

type NumKey = { [K in FieldName]: RLConfig[K] extends number ? K : never }[FieldName];
type ChoiceKey = { [K in FieldName]: RLConfig[K] extends string ? K : never }[FieldName];
type BoolKey = { [K in FieldName]: RLConfig[K] extends boolean ? K : never }[FieldName];

const PANEL_FIELDS = (Object.keys(FIELDS) as FieldName[]).filter((k) => FIELDS[k].panel !== undefined);

/** A field's words from the table, its draft value and the setter. */
function useField<K extends FieldName>(k: K) {
  const value = useDraftStore((s) => s.draft[k]);
  const setField = useDraftStore((s) => s.setField);
  return { label: FIELDS[k].label, help: FIELDS[k].help, value, setField };
}

function NumField({ k, step }: { k: NumKey; step: number }) {
  const { label, help, value, setField } = useField(k);
  const error = useDraftStore((s) => s.fieldErrors[k]);
  return (
    <label className={`field${error ? ' invalid' : ''}`} title={help}>
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
      {error && (
        <em className="why" data-testid={`error-${k}`}>
          must be {error}
        </em>
      )}
    </label>
  );
}

function Select({ k, options }: { k: ChoiceKey; options: readonly string[] }) {
  const { label, help, value, setField } = useField(k);
  return (
    <label className="field" title={help}>
      <span>{label}</span>
      <select
        data-testid={`field-${k}`}
        value={value}
        onChange={(e) => setField(k, e.target.value as RLConfig[ChoiceKey])}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function Check({ k }: { k: BoolKey }) {
  const { label, help, value, setField } = useField(k);
  return (
    <label className="field" title={help}>
      <span>{label}</span>
      <input
        type="checkbox"
        data-testid={`field-${k}`}
        checked={value}
        onChange={(e) => setField(k, e.target.checked)}
      />
    </label>
  );
}

/** The input for one field of the table, by its kind. */
function Field({ k }: { k: FieldName }) {
  const f = FIELDS[k];
  switch (f.kind) {
    case 'enum':
      return <Select k={k as ChoiceKey} options={f.options} />;
    case 'bool':
      return <Check k={k as BoolKey} />;
    case 'int':
    case 'num':
      return <NumField k={k as NumKey} step={f.panel?.step ?? 1} />;
    default:
      return null;
  }
}

function shownFor(k: FieldName, draft: RLConfig): boolean {
  const when = FIELDS[k].panel?.when;
  if (!when) return true;
  return when.in.includes(String(draft[when.field as FieldName]));
}

function Knob({ k, step }: { k: keyof RLConfig['knobs']; step: number }) {
  const label = KNOB_LABELS[k];
  const knobs = useDraftStore((s) => s.draft.knobs);
  const error = useDraftStore((s) => s.fieldErrors.knobs);
  const setField = useDraftStore((s) => s.setField);
  return (
    <label className={`field${error ? ' invalid' : ''}`}>
      <span>{label}</span>
      <input
        type="number"
        step={step}
        data-testid={`knob-${k}`}
        defaultValue={knobs[k]}
        key={knobs[k]}
        onBlur={(e) =>
          setField('knobs', { ...knobs, [k]: e.target.value.trim() === '' ? NaN : Number(e.target.value) })
        }
      />
    </label>
  );
}

export function ConfigPanel() {
  const draft = useDraftStore((s) => s.draft);
  const errors = useDraftStore((s) => s.fieldErrors);
  const setField = useDraftStore((s) => s.setField);
  const shareUrl = useDraftStore((s) => s.shareUrl);
  const small = tooSmallToLearn(draft);
  const inGroup = (g: PanelGroup) => PANEL_FIELDS.filter((k) => FIELDS[k].panel?.group === g && shownFor(k, draft));
  // a field to fix opens the fold, so an error is never hidden
  const advancedErrors = Object.keys(errors).filter(
    (k) => k === 'families' || k === 'knobs' || FIELDS[k as FieldName]?.panel?.group !== 'basic',
  ).length;
  const [advancedOpen, setAdvancedOpen] = useState(false);
  return (
    <section className="panel config" data-testid="config">
      <h2>Configure</h2>
      {small && (
        <p className="size-note" data-testid="size-note">
          {small}
        </p>
      )}
      <div className="grid" data-testid="basic-fields">
        {inGroup('basic').map((k) => (
          <Field key={k} k={k} />
        ))}
      </div>
      <details
        className="advanced"
        data-testid="advanced"
        open={advancedOpen || advancedErrors > 0}
        // only the user's toggles are kept: a fold opened for an error closes again once it is fixed (the custom
        // reward's empty code is such an error for a moment, until the editor fills in its first example)
        onToggle={(e) => advancedErrors === 0 && setAdvancedOpen((e.target as HTMLDetailsElement).open)}
      >
        <summary>
          advanced settings{advancedErrors ? <em className="why"> ({advancedErrors} to fix)</em> : null}
        </summary>
        {(Object.keys(PANEL_GROUPS) as PanelGroup[])
          .filter((g) => g !== 'basic')
          .map((g) => (
            <fieldset key={g} className="group" data-testid={`group-${g}`}>
              <legend>{PANEL_GROUPS[g]}</legend>
              <div className="grid">
                {inGroup(g).map((k) => (
                  <Field key={k} k={k} />
                ))}
              </div>
            </fieldset>
          ))}
        <fieldset className={errors.families ? 'invalid' : ''}>
          <legend title={FIELDS.families.help}>{FIELDS.families.label}</legend>
          {FAMILIES.map((f) => (
            <label key={f} className="check">
              <input
                type="checkbox"
                checked={draft.families.includes(f)}
                data-testid={`family-${f}`}
                onChange={(e) =>
                  setField(
                    'families',
                    e.target.checked ? [...draft.families, f] : draft.families.filter((x) => x !== f),
                  )
                }
              />
              {f}
            </label>
          ))}
          {errors.families && (
            <em className="why" data-testid="error-families">
              must be {errors.families}
            </em>
          )}
        </fieldset>
        <fieldset className={errors.knobs ? 'invalid' : ''}>
          <legend title={FIELDS.knobs.help}>{FIELDS.knobs.label}</legend>
          <Knob k="minObjects" step={1} />
          <Knob k="maxObjects" step={1} />
          <Knob k="noise" step={0.01} />
          <Knob k="occlusion" step={0.05} />
          <Knob k="jitter" step={0.1} />
          {errors.knobs && (
            <em className="why" data-testid="error-knobs">
              {errors.knobs}
            </em>
          )}
        </fieldset>
      </details>
      <p className="recipe" data-testid="recipe">
        Take this config to a real VLM:{' '}
        <RecipeButtons
          config={draft}
          link={shareUrl}
          name={`mirl-playground-${draft.algo}`}
          testId="recipe"
          disabled={Object.keys(errors).length > 0}
        />{' '}
        <span className="hint">recipes for verl and EasyR1; what does not cross is named in their header.</span>
      </p>
    </section>
  );
}

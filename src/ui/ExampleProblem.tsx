import { useMemo } from 'react';
import { DEFAULT_RL } from '../rl/config';
import { generateProblem } from '../tasks/problem';
import { SceneImage } from './SceneImage';
import { useDraftStore } from './stores/draftStore';

/** The example's problem: the first of this seed, from the form's task families and difficulty. */
const SEED = 1;

/** What the model sees and answers: one problem, as the model gets it (the scene and the question) and as it should answer. */
export function ExampleProblem() {
  const families = useDraftStore((s) => s.draft.families);
  const knobs = useDraftStore((s) => s.draft.knobs);
  // a draft being edited can be invalid (min objects above max): the example then keeps to the defaults
  const { config, p } = useMemo(() => {
    const c = { ...DEFAULT_RL, families, knobs };
    try {
      return { config: c, p: generateProblem(SEED, 0, { families, knobs }) };
    } catch {
      return {
        config: DEFAULT_RL,
        p: generateProblem(SEED, 0, { families: DEFAULT_RL.families, knobs: DEFAULT_RL.knobs }),
      };
    }
  }, [families, knobs]);
  return (
    <figure className="example" data-testid="example-problem">
      <SceneImage seed={SEED} index={0} config={config} size={72} />
      <figcaption>
        <span>
          <b>question</b> <span data-testid="example-question">{p.question}</span>
        </span>
        <span className="example-desc" title={p.description}>
          <b>describes</b> {p.description}
        </span>
        <span>
          <b>answers</b> <span data-testid="example-answer">{p.answer}</span>
        </span>
      </figcaption>
    </figure>
  );
}

import { ForkTree, isRewardBlind } from './Rollouts';
import { useRunStore, type Run } from './stores/runStore';
import { DEFAULT_RL, type Algorithm } from '../rl/config';
import type { StepMetrics } from '../rl/types';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(0)}%`);
const avg = (ms: readonly StepMetrics[], f: (m: StepMetrics) => number) => (ms.length ? ms.reduce((a, m) => a + f(m), 0) / ms.length : null);

/** Right answers after wrong descriptions, over the run so far. */
const lucky = (r: Run) => r.metrics.reduce((s, m) => s + m.lucky_guesses, 0);

/** Exact descriptions among a run's rollouts, over its first and its last few steps. */
function rolloutTrend(r: Run, n = 5): [number | null, number | null] {
  const k = Math.min(n, Math.floor(r.metrics.length / 2));
  if (k === 0) return [null, null];
  return [avg(r.metrics.slice(0, k), (m) => m.perception_acc), avg(r.metrics.slice(-k), (m) => m.perception_acc)];
}

/** Held-out exact descriptions at the run's first and latest evaluation. */
function heldoutTrend(r: Run): [number | null, number | null] {
  const hs = r.metrics.filter((m) => m.heldout_perception_acc !== undefined).map((m) => m.heldout_perception_acc!);
  return hs.length ? [hs[0], hs[hs.length - 1]] : [null, null];
}

/**
 * For teaching: the same prompts under GRPO, MIRL and the labelled
 * Perception-R1 reference side by side (runs with the same seed see the same
 * prompts at the same step), with what each did to the descriptions, counted
 * from the runs on screen.
 */
export function BlindnessDemo() {
  const runs = useRunStore((s) => s.runs);
  const setField = useRunStore((s) => s.setField);
  const latest = (algo: Algorithm) => [...runs].reverse().find((r) => r.config.algo === algo && r.metrics.length);
  const grpo = latest('grpo'), mirl = latest('mirl'), pr1 = latest('perception-r1');
  const blindDesc = (r: Run) => r.records.flatMap((p) => p.trajectories).filter(isRewardBlind).length;
  const common = grpo && mirl ? grpo.records.find((g) => mirl.records.some((m) => m.step === g.step && m.index === g.index)) : undefined;
  const mirlRec = common && mirl ? mirl.records.find((m) => m.step === common.step && m.index === common.index) : undefined;
  const setUp = (algo: Algorithm) => {
    setField('algo', algo);
    if (algo !== 'mirl') setField('G', algo === 'grpo' ? DEFAULT_RL.G : 6);
  };
  const shown = [grpo, mirl, pr1].filter((r): r is Run => Boolean(r));
  return (
    <section className="panel" data-testid="blindness-demo">
      <h2>Reward blindness</h2>
      <p>
        Answer-only reward (GRPO) cannot tell a lucky guess from a seeing answer: a right answer after a wrong description
        pushes that description up. MIRL rewards the description by its mutual information with the image instead, and
        Perception-R1 by its agreement with the scene's labels (the upper bound MI approximates without labels). Run them
        with the same seed: all see the same prompts. The table counts what each run did to its descriptions.
      </p>
      <div className="buttons">
        <button onClick={() => setUp('grpo')}>Set up GRPO</button>
        <button onClick={() => setUp('mirl')}>Set up MIRL</button>
        <button onClick={() => setUp('perception-r1')}>Set up Perception-R1</button>
      </div>
      <table className="blind-counts">
        <thead>
          <tr>
            <th>run</th><th>lucky guesses so far</th><th>reward-blind descriptions (recorded)</th><th>reward-blind fraction (mean)</th>
            <th>exact descriptions in rollouts: first → last 5 steps (fewer in a short run)</th><th>held-out exact: first → latest</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const [a, b] = rolloutTrend(r), [h0, h1] = heldoutTrend(r);
            return (
              <tr key={r.id} data-testid="blind-row">
                <td>{r.label}</td>
                <td data-testid="lucky-count">{lucky(r)}</td>
                <td>{blindDesc(r)}</td>
                <td>{pct(avg(r.metrics, (m) => m.reward_blind_frac))}</td>
                <td data-testid="rollout-trend">{pct(a)} → {pct(b)}</td>
                <td data-testid="heldout-trend">{h0 === null ? (r.config.heldoutEvery > 0 ? 'not yet' : 'off for this run') : `${pct(h0)} → ${pct(h1)}`}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown.length > 1 && <Verdict runs={shown} />}
      {common && mirlRec && grpo && mirl ? (
        <div className="side-by-side">
          <div><h3>GRPO, step {common.step + 1}</h3><ForkTree rec={common} run={grpo} /></div>
          <div><h3>MIRL, step {mirlRec.step + 1}</h3><ForkTree rec={mirlRec} run={mirl} /></div>
        </div>
      ) : (
        <p className="hint">Side by side views appear once a GRPO and a MIRL run have recorded the same step.</p>
      )}
    </section>
  );
}

/** One sentence per run, from its own numbers: did its descriptions get better or worse? */
function Verdict({ runs }: { runs: Run[] }) {
  return (
    <ul className="verdict" data-testid="blind-verdict">
      {runs.map((r) => {
        const [a, b] = rolloutTrend(r);
        if (a === null || b === null) return <li key={r.id}>{r.label}: too few steps to tell.</li>;
        const d = b - a;
        const word = Math.abs(d) < 0.02 ? 'held steady' : d > 0 ? 'improved' : 'got worse';
        return (
          <li key={r.id}>
            {r.label}: exact descriptions in its rollouts {word} ({pct(a)} → {pct(b)}); {plural(lucky(r), 'lucky guess', 'lucky guesses')} among its rollouts{r.config.algo === 'grpo' ? ', each one pushing its wrong description up' : ', whose descriptions its perception reward judged on their own'}.
          </li>
        );
      })}
    </ul>
  );
}

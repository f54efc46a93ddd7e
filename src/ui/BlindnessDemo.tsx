import { ForkTree, isRewardBlind } from './Rollouts';
import { useRunStore } from './stores/runStore';
import { DEFAULT_RL } from '../rl/config';

/**
 * For teaching: the same prompts under GRPO and MIRL side by side (runs with
 * the same seed see the same prompts at the same step), with the lucky guesses
 * that answer-only reward rewards, counted as the runs go.
 */
export function BlindnessDemo() {
  const runs = useRunStore((s) => s.runs);
  const setField = useRunStore((s) => s.setField);
  const grpo = [...runs].reverse().find((r) => r.config.algo === 'grpo' && r.records.length);
  const mirl = [...runs].reverse().find((r) => r.config.algo === 'mirl' && r.records.length);
  const lucky = (r: typeof grpo) => r?.metrics.reduce((s, m) => s + m.lucky_guesses, 0) ?? 0;
  const blindDesc = (r: typeof grpo) => r?.records.flatMap((p) => p.trajectories).filter(isRewardBlind).length ?? 0;
  const common = grpo && mirl ? grpo.records.find((g) => mirl.records.some((m) => m.step === g.step && m.index === g.index)) : undefined;
  const mirlRec = common && mirl ? mirl.records.find((m) => m.step === common.step && m.index === common.index) : undefined;
  return (
    <section className="panel" data-testid="blindness-demo">
      <h2>Reward blindness</h2>
      <p>
        Answer-only reward (GRPO) cannot tell a lucky guess from a seeing answer: a right answer after a wrong description
        pushes that description up. MIRL rewards the description by its mutual information with the image instead.
        Run GRPO, then MIRL with the same seed: both see the same prompts.
      </p>
      <div className="buttons">
        <button onClick={() => { setField('algo', 'grpo'); setField('G', DEFAULT_RL.G); }}>Set up GRPO</button>
        <button onClick={() => setField('algo', 'mirl')}>Set up MIRL</button>
      </div>
      <table className="blind-counts">
        <thead><tr><th>run</th><th>lucky guesses so far</th><th>reward-blind descriptions (recorded)</th><th>last reward-blind fraction</th></tr></thead>
        <tbody>
          {[grpo, mirl].filter(Boolean).map((r) => (
            <tr key={r!.id} data-testid="blind-row">
              <td>{r!.label}</td>
              <td data-testid="lucky-count">{lucky(r)}</td>
              <td>{blindDesc(r)}</td>
              <td>{r!.metrics.length ? r!.metrics[r!.metrics.length - 1].reward_blind_frac.toFixed(3) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
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

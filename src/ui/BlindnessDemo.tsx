import { useState } from 'react';
import { DEFAULT_RL, type Algorithm, type RLConfig } from '../rl/config';
import { groupedPairs, isBlindPush } from '../rl/metrics';
import type { PromptRecord, StepMetrics, TrajectoryRecord } from '../rl/types';
import { descAdvantage, ForkTree } from './Rollouts';
import { useRunStore, type Run } from './stores/runStore';

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(0)}%`);
const avg = (ms: readonly StepMetrics[], f: (m: StepMetrics) => number) => (ms.length ? ms.reduce((a, m) => a + f(m), 0) / ms.length : null);
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** A lecture-sized run: every algorithm on the same seed, so all see the same prompts at the same step. */
const LECTURE_SEED = 7;
function lectureConfig(algo: Algorithm): RLConfig {
  return { ...DEFAULT_RL, algo, batchPrompts: 2, N: 6, k: 3, G: 6, steps: 8, seed: LECTURE_SEED, heldoutEvery: 0, recordPrompts: 2, metricEvery: 1 };
}

/** Right answers after wrong descriptions, over the trajectories that reached an answer. */
function luckyRate(r: Run): { lucky: number; of: number; rate: number | null } {
  const lucky = r.metrics.reduce((s, m) => s + m.lucky_guesses, 0),
    of = r.metrics.reduce((s, m) => s + m.complete_trajectories, 0);
  return { lucky, of, rate: ratio(lucky, of) };
}

/** Among the recorded descriptions: wrong ones the update made likelier, right ones it made less likely. */
function pushRates(r: Run): { wrongUp: number | null; rightDown: number | null; wrong: number; right: number } {
  const ts = r.records.flatMap((p) => p.trajectories);
  const wrong = ts.filter((t) => !t.perceptionRight),
    right = ts.filter((t) => t.perceptionRight);
  const blind = (t: TrajectoryRecord) => isBlindPush(descAdvantage(t) ?? 0, t.perceptionRight);
  return { wrongUp: ratio(wrong.filter(blind).length, wrong.length), rightDown: ratio(right.filter(blind).length, right.length), wrong: wrong.length, right: right.length };
}

/**
 * Within each recorded prompt group, the share of (right, wrong) description pairs whose
 * update favoured the right one (higher mean description advantage; ties count half):
 * 50% is a blind update, 100% one that always prefers what the image shows.
 */
function rightOverWrong(r: Run): { rate: number | null; pairs: number } {
  let wins = 0,
    pairs = 0;
  for (const p of r.records) {
    const g = groupedPairs(
      p.trajectories.map((t) => descAdvantage(t) ?? 0),
      p.trajectories.map((t) => t.perceptionRight),
      p.trajectories.length,
    );
    wins += g.wins;
    pairs += g.pairs;
  }
  return { rate: ratio(wins, pairs), pairs };
}

/** Exact descriptions among a run's rollouts, over its first and its last few steps. */
function rolloutTrend(r: Run, n = 3): [number | null, number | null] {
  const k = Math.min(n, Math.floor(r.metrics.length / 2));
  if (k === 0) return [null, null];
  return [avg(r.metrics.slice(0, k), (m) => m.perception_acc), avg(r.metrics.slice(-k), (m) => m.perception_acc)];
}

const problemKey = (p: PromptRecord) => `${p.taskSeed}:${p.taskIndex}`;

/**
 * For teaching: GRPO, MIRL and the labelled Perception-R1 reference on the same prompts,
 * started from here with a lecture-sized preset, with what each did to its descriptions
 * as rates computed from the runs on screen, and the same problem side by side.
 */
export function BlindnessDemo() {
  const runs = useRunStore((s) => s.runs);
  const liveId = useRunStore((s) => s.liveId);
  const startWith = useRunStore((s) => s.startWith);
  const live = runs.find((r) => r.id === liveId);
  const busy = live !== undefined && (live.status === 'running' || live.status === 'loading');
  const latest = (algo: Algorithm) => [...runs].reverse().find((r) => r.config.algo === algo && r.metrics.length);
  const grpo = latest('grpo'),
    mirl = latest('mirl'),
    pr1 = latest('perception-r1');
  const shown = [grpo, mirl, pr1].filter((r): r is Run => Boolean(r));

  // the same problem (task seed and index), not merely the same step number
  const mirlByKey = new Map((mirl?.records ?? []).map((p) => [problemKey(p), p]));
  const common = (grpo?.records ?? []).filter((p) => mirlByKey.has(problemKey(p)));
  const [pick, setPick] = useState(0);
  const g = common[Math.min(pick, common.length - 1)];
  const m = g ? mirlByKey.get(problemKey(g)) : undefined;

  const button = (algo: Algorithm, name: string) => {
    const running = busy && live?.config.algo === algo;
    return (
      <button data-testid={`run-${algo}`} disabled={busy} onClick={() => startWith(lectureConfig(algo))}>
        {running ? `Running ${name}… step ${live!.step} / ${live!.config.steps}` : `Run ${name}`}
      </button>
    );
  };
  return (
    <section className="panel" data-testid="blindness-demo">
      <h2>Reward blindness</h2>
      <p>
        An answer-only reward (GRPO) cannot tell a lucky guess from a seeing answer: a right answer after a wrong description makes that description likelier too. MIRL rewards each
        description by its mutual information with the image instead, and Perception-R1 by its agreement with the scene's labels (the reference MI approximates without labels).
        Each button runs {lectureConfig('grpo').steps} short steps with seed {LECTURE_SEED}, so the runs see the same prompts; the numbers below are counted from the runs on
        screen.
      </p>
      <div className="buttons">
        {button('grpo', 'GRPO')}
        {button('mirl', 'MIRL')}
        {button('perception-r1', 'Perception-R1')}
      </div>
      <table className="blind-counts">
        <thead>
          <tr>
            <th>run</th>
            <th>lucky guesses (of answered trajectories)</th>
            <th>wrong descriptions pushed up</th>
            <th>right descriptions pushed down</th>
            <th>update favours the right description (pairs within a prompt; 50% = blind)</th>
            <th>exact descriptions in rollouts: first → last steps</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const l = luckyRate(r),
              p = pushRates(r),
              rw = rightOverWrong(r),
              [a, b] = rolloutTrend(r);
            return (
              <tr key={r.id} data-testid="blind-row">
                <td>{r.label}</td>
                <td data-testid="lucky-rate">
                  {pct(l.rate)} ({l.lucky} of {l.of})
                </td>
                <td data-testid="wrong-up">
                  {pct(p.wrongUp)} (of {p.wrong})
                </td>
                <td data-testid="right-down">
                  {pct(p.rightDown)} (of {p.right})
                </td>
                <td data-testid="right-over-wrong">
                  {pct(rw.rate)} (of {rw.pairs} pairs)
                </td>
                <td data-testid="rollout-trend">
                  {pct(a)} → {pct(b)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown.length > 0 && <Verdict grpo={grpo} mirl={mirl} runs={shown} />}
      {g && m && grpo && mirl ? (
        <>
          <label className="pickers">
            same problem{' '}
            <select data-testid="pick-common" value={Math.min(pick, common.length - 1)} onChange={(e) => setPick(Number(e.target.value))}>
              {common.map((p, i) => (
                <option key={i} value={i}>
                  step {p.step + 1}, prompt {p.index + 1}: {p.question}
                </option>
              ))}
            </select>
          </label>
          <div className="side-by-side">
            <div>
              <h3>GRPO, step {g.step + 1}</h3>
              <ForkTree rec={g} run={grpo} />
            </div>
            <div>
              <h3>MIRL, step {m.step + 1}</h3>
              <ForkTree rec={m} run={mirl} />
            </div>
          </div>
        </>
      ) : (
        <p className="hint" data-testid="no-common">
          {grpo && mirl
            ? 'These GRPO and MIRL runs recorded no problem in common (different seeds or prompts per step): run both from here.'
            : 'The same problem under GRPO and MIRL appears here once both have run.'}
        </p>
      )}
    </section>
  );
}

/** What the runs on screen show, as sentences computed from the table; never a claim the numbers do not make. */
function Verdict({ grpo, mirl, runs }: { grpo?: Run; mirl?: Run; runs: Run[] }) {
  const lines: string[] = [];
  if (grpo && mirl) {
    const ga = rightOverWrong(grpo).rate,
      ma = rightOverWrong(mirl).rate;
    if (ga !== null && ma !== null) {
      const better = Math.abs(ma - ga) < 0.02 ? 'as often as' : ma > ga ? 'more often than' : 'less often than';
      lines.push(
        `Between a right and a wrong description of the same prompt, MIRL's update favoured the right one ${better} GRPO's (${pct(ma)} vs ${pct(ga)} of pairs; 50% is blind).`,
      );
    }
    const a = pushRates(grpo).wrongUp,
      b = pushRates(mirl).wrongUp;
    if (a !== null && b !== null) {
      const cmp = Math.abs(a - b) < 0.02 ? 'about as often as' : b < a ? 'less often than' : 'more often than';
      lines.push(
        `MIRL pushed its wrong descriptions up ${cmp} GRPO (${pct(b)} vs ${pct(a)} of them)${b > a ? ': here the MI reward was fooled more than the answer reward' : ''}.`,
      );
    }
  }
  for (const r of runs) {
    const [a, b] = rolloutTrend(r);
    if (a === null || b === null) lines.push(`${r.label}: too few steps to tell a trend.`);
    else {
      const d = b - a;
      lines.push(`${r.label}: exact descriptions in its rollouts ${Math.abs(d) < 0.02 ? 'held steady' : d > 0 ? 'improved' : 'got worse'} (${pct(a)} → ${pct(b)}).`);
    }
  }
  return (
    <ul className="verdict" data-testid="blind-verdict">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

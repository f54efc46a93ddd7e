// "Run the comparison": the chosen arms x N seeds as ordinary runs, trained several at once beside the Playground
// (stores/comparisonPool.ts), with progress per arm and seed, the time left, Stop for all of them, Resume after a
// reload, and the verdict paired by seed as the seeds finish (comparisonPlan.ts). While the form holds a custom
// reward, it is one more arm to choose (customArm), judged against GRPO-16 like the others.

import { useMemo, useState } from 'react';
import {
  CUSTOM_ARM_ID,
  customArm,
  remainingMs,
  type Arm,
  comparisonEtaMs,
  pairedRows,
  type PairedRow,
} from '../rl/comparison';
import { formOfPlan, planJobs, QUICK, type ComparisonSize } from './comparisonPlan';
import { defaultWidth, useComparisonPool, type Job } from './stores/comparisonPool';
import { useDraftStore } from './stores/draftStore';
import { useRunStore, type Run } from './stores/runStore';
import { useSettledRuns } from './settledRuns';
import { Table } from './Table';

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
const mins = (ms: number) =>
  ms < 90_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`;
const CORES = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 2;

/** A paired row in words: each seed's difference, their mean, and whether it is called. */
function pairedText(arm: Arm, refName: string, row: PairedRow | null): string {
  const what = `${arm.name} − ${refName}, held-out description F1 change`;
  if (!row) return `${what}: no seed has both runs' held-out evaluations yet`;
  const seeds = row.pairs.map((p) => `seed ${p.seed} ${signed(p.diff)}`).join(', ');
  const n = row.pairs.length;
  if (row.se === null) return `${what}, paired by seed: ${seeds} (one seed: no error yet)`;
  const est = `${signed(row.mean)} ± ${row.se.toFixed(3)}`;
  const call =
    n < 3
      ? `${n} seeds: 3 are needed to call it`
      : row.called
        ? `${arm.name} ${row.mean > 0 ? 'ahead' : 'behind'} beyond 2 SE`
        : 'within 2 SE';
  return `${what}, paired by seed: ${seeds}; mean ${est} over ${n} seeds (${call})`;
}

/** One job's cell: where its run is. */
function cellText(job: Job, run: Run | undefined): string {
  if (job.state === 'queued') return 'queued';
  if (!run) return job.state === 'stopped' ? 'not begun' : job.state;
  const steps = `${run.metrics.length} / ${run.config.steps}`;
  if (job.state === 'running') {
    if (run.status === 'loading') return 'loading';
    const left = remainingMs(run.metrics, run.config);
    return `step ${steps}${left ? `, about ${mins(left.ms)} left` : ''}`;
  }
  if (job.state === 'done') return `done, ${steps} steps`;
  if (job.state === 'error') return `failed: ${run.error ?? 'error'}`;
  return `stopped at step ${steps}`;
}

export function ComparisonRunner({ arms: fixedArms }: { arms: readonly Arm[] }) {
  // after a reload the form shows the stored plan's choices, as its progress table and Resume do
  const [stored] = useState(() => {
    const p = useComparisonPool.getState();
    const form = formOfPlan(p.jobs);
    return form && { ...form, width: p.width };
  });
  const [chosen, setChosen] = useState<string[]>(
    () => stored?.chosen ?? fixedArms.filter((a) => a.core).map((a) => a.id),
  );
  const [seeds, setSeeds] = useState(stored?.seeds ?? 3);
  const [size, setSize] = useState<ComparisonSize>(stored?.size ?? 'teaching');
  const backend = useDraftStore((s) => s.backend);
  const draft = useDraftStore((s) => s.draft);
  const codeError = useDraftStore((s) => s.fieldErrors.rewardCode);
  // one WebGPU device per worker would contend for the one GPU: there, the runs go one at a time
  const parallel = backend !== 'webgpu';
  const [width, setWidth] = useState(stored?.width ?? defaultWidth(CORES));
  const jobs = useComparisonPool((s) => s.jobs);
  const going = useComparisonPool((s) => s.going);
  const poolWidth = useComparisonPool((s) => s.width);
  const start = useComparisonPool((s) => s.start);
  const stop = useComparisonPool((s) => s.stop);
  const resume = useComparisonPool((s) => s.resume);
  const restored = useRunStore((s) => s.restored);
  const runs = useSettledRuns();

  // the config's own reward, while it has one, is an arm to choose; a plan that holds one shows it from its own runs
  const yours = useMemo(() => (codeError ? null : customArm(draft)), [draft, codeError]);
  const arms = useMemo(() => (yours ? [...fixedArms, yours] : fixedArms), [fixedArms, yours]);
  const planned = jobs.find((j) => j.armId === CUSTOM_ARM_ID)?.config;
  const planCustom = useMemo(() => (planned ? customArm(planned) : null), [planned]);
  const shownArms = useMemo(() => (planCustom ? [...fixedArms, planCustom] : fixedArms), [fixedArms, planCustom]);
  const byUid = useMemo(() => new Map(runs.map((r) => [r.uid, r])), [runs]);
  const runOf = (j: Job) => (j.uid === null ? undefined : byUid.get(j.uid));
  const planArms = useMemo(() => shownArms.filter((a) => jobs.some((j) => j.armId === a.id)), [shownArms, jobs]);
  const planSeeds = [...new Set(jobs.map((j) => j.seed))].sort((a, b) => a - b);
  const verdict = useMemo(
    () =>
      pairedRows(planArms, (id) =>
        jobs.flatMap((j) => {
          const r = j.armId === id && j.uid !== null ? byUid.get(j.uid) : undefined;
          return r ? [{ seed: j.seed, metrics: r.metrics }] : [];
        }),
      ),
    [planArms, jobs, byUid],
  );
  const eta = going
    ? comparisonEtaMs(
        jobs.map((j) => {
          const r = runOf(j);
          return {
            armId: j.armId,
            config: j.config,
            metrics: r?.metrics ?? [],
            finished: j.state === 'done' || j.state === 'error',
          };
        }),
        poolWidth,
      )
    : null;
  const resumable = !going && restored && jobs.some((j) => j.state === 'stopped' || j.state === 'queued');
  const nameOf = (id: string) => shownArms.find((a) => a.id === id)?.name ?? id;

  const run = () =>
    start(planJobs(arms, chosen, seeds, size), backend, parallel ? Math.max(1, Math.min(width, CORES)) : 1);

  return (
    <div className="comparison-runner" data-testid="comparison-runner">
      <h3>The comparison, run here: arms x seeds, several at once, paired by seed</h3>
      <div className="buttons" role="group" aria-label="arms of the comparison">
        {arms.map((a) => (
          <label key={a.id}>
            <input
              type="checkbox"
              data-testid={`cmp-arm-${a.id}`}
              checked={chosen.includes(a.id)}
              disabled={going}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, a.id] : c.filter((x) => x !== a.id)))}
            />{' '}
            {a.name}
          </label>
        ))}
      </div>
      {yours && (
        <p className="hint" data-testid="cmp-custom-note">
          Your reward: the Custom algorithm with the reward code in the form (G = {yours.config.G}
          {yours.config.rewardMI ? ', reading MI' : ''}), at the comparison&apos;s size and settings otherwise, judged
          against GRPO-16 paired by seed.
        </p>
      )}
      <div className="buttons">
        <label>
          seeds{' '}
          <input
            type="number"
            data-testid="cmp-seeds"
            min={1}
            max={10}
            value={seeds}
            disabled={going}
            onChange={(e) => setSeeds(Math.max(1, Math.min(10, Math.floor(Number(e.target.value) || 1))))}
          />
        </label>
        <label>
          size{' '}
          <select
            data-testid="cmp-size"
            value={size}
            disabled={going}
            onChange={(e) => setSize(e.target.value as ComparisonSize)}
          >
            <option value="teaching">the teaching size (as the experiment)</option>
            <option value="quick">
              a quick check ({QUICK.batchPrompts} prompt x {QUICK.steps} steps, held-out {QUICK.heldoutCount})
            </option>
          </select>
        </label>
        <label title={parallel ? `this machine has ${CORES} cores` : 'on WebGPU the runs share one GPU: one at a time'}>
          at once{' '}
          <input
            type="number"
            data-testid="cmp-width"
            min={1}
            max={CORES}
            value={parallel ? width : 1}
            disabled={going || !parallel}
            onChange={(e) => setWidth(Math.max(1, Math.min(CORES, Math.floor(Number(e.target.value) || 1))))}
          />
        </label>
        <button data-testid="cmp-start" disabled={going || !chosen.length} onClick={run}>
          Run the comparison
        </button>
        <button data-testid="cmp-stop" disabled={!going} onClick={stop}>
          Stop the comparison
        </button>
        {resumable && (
          <button data-testid="cmp-resume" onClick={resume}>
            Resume the comparison
          </button>
        )}
      </div>
      {jobs.length > 0 && (
        <>
          <Table className="figures-table" testId="cmp-progress" head={['arm', ...planSeeds.map((s) => `seed ${s}`)]}>
            {planArms.map((a) => (
              <tr key={a.id}>
                <td>{a.name}</td>
                {planSeeds.map((s) => {
                  const j = jobs.find((x) => x.armId === a.id && x.seed === s);
                  return (
                    <td key={s} data-testid={`cmp-cell-${a.id}-${s}`} data-state={j?.state}>
                      {j ? cellText(j, runOf(j)) : '–'}
                    </td>
                  );
                })}
              </tr>
            ))}
          </Table>
          <p className="hint" data-testid="cmp-status" role="status">
            {going
              ? `${jobs.filter((j) => j.state === 'done').length} of ${jobs.length} runs done, ${poolWidth} at a time${eta !== null ? `; about ${mins(eta)} left` : '; time left known after the first steps'}`
              : jobs.every((j) => j.state === 'done' || j.state === 'error')
                ? `all ${jobs.length} runs ended`
                : `stopped: ${jobs.filter((j) => j.state === 'done').length} of ${jobs.length} runs done`}
          </p>
          <ul className="verdict" data-testid="cmp-verdict">
            {verdict.map(({ arm, row }) => (
              <li key={arm.id} data-testid={`cmp-verdict-${arm.id}`} data-pairs={row?.pairs.length ?? 0}>
                {pairedText(arm, nameOf(arm.ref ?? ''), row)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

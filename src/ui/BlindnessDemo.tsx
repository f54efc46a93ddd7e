import { useMemo, useRef, useState } from 'react';
import {
  armChange,
  blindRates,
  compare,
  comparisonArms,
  moved,
  remainingMs,
  type Arm,
  type Est,
  type HeldoutMetric,
} from '../rl/comparison';
import type { PromptRecord, TrajectoryRecord } from '../rl/types';
import { Charts } from './Charts';
import { descAdvantage } from '../rl/metrics';
import { ForkTree } from './Rollouts';
import { importRun } from './share/runFile';
import { useRunStore, type Run } from './stores/runStore';

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(0)}%`);
const signed = (x: number, d = 3) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`;
const est = (e: Est, d = 3) => `${signed(e.mean, d)} ± ${e.se.toFixed(d)}`;
const mins = (ms: number) =>
  ms < 90_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 5_400_000
      ? `${Math.round(ms / 60_000)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

const ARMS = comparisonArms();
/** One colour per arm, whatever the seed: the legend names the seeds. */
const ARM_COLORS: Record<string, string> = {
  grpo: '#dc2626',
  mirl: '#2563eb',
  'perception-r1': '#16a34a',
  racro: '#b45309',
  pearl: '#0e7490',
  vppo: '#7c3aed',
};
const armColor = (r: Run) => ARM_COLORS[r.config.algo] ?? '#555';
/** Same config as the arm's but for the seed: a run of the comparison. */
const sameArm = (r: Run, a: Arm) =>
  JSON.stringify({ ...r.config, seed: 0 }) === JSON.stringify({ ...a.config, seed: 0 });

// The committed experiment (scripts/experiments.sh on the wasm backend, seeds 1-3), loaded on demand.
const MEASURED = import.meta.glob<unknown>(
  '../../docs/experiment-wasm/{grpo-G16,mirl-N10k6miScorerwarmstart,perception-r1-G6,racro-G6,pearl-G5,vppo-G8}-seed*.json',
  { import: 'default' },
);

/** The comparison's runs of each arm: per seed, the latest with held-out figures (a reloaded or re-run seed counts once). */
function armRuns(runs: readonly Run[]): Map<Arm, Run[]> {
  return new Map(
    ARMS.map((a) => {
      const bySeed = new Map<number, Run>();
      for (const r of runs) if (sameArm(r, a) && r.metrics.length) bySeed.set(r.config.seed, r);
      return [a, [...bySeed.values()]];
    }),
  );
}

const FIGURES: { key: HeldoutMetric; name: string; digits: number }[] = [
  { key: 'desc_f1', name: 'description F1', digits: 3 },
  { key: 'desc_exact', name: 'exact descriptions', digits: 3 },
  { key: 'answer_acc', name: 'answer accuracy', digits: 3 },
];

/** The verdict: each arm's held-out change and each arm against GRPO, said plainly, called only beyond 2 SE. */
function Verdict({ byArm }: { byArm: Map<Arm, Run[]> }) {
  const f1 = new Map(
    ARMS.map((a) => [
      a,
      armChange(
        (byArm.get(a) ?? []).map((r) => r.metrics),
        'desc_f1',
      ),
    ]),
  );
  const grpo = f1.get(ARMS[0]);
  const lines: { text: string; id: string }[] = [];
  for (const a of ARMS) {
    const c = f1.get(a);
    if (!c) continue;
    const over = c.over === 'seeds' ? `mean of ${c.runs} seeds, SE over seeds` : 'one seed, SE over held-out problems';
    lines.push({
      id: `${a.algo}-change`,
      text: `${a.name}: held-out description F1 ${moved(c) ? (c.mean > 0 ? 'rose' : 'fell') : 'did not move beyond its error'} (${est(c)}, ${over}).`,
    });
    if (a !== ARMS[0] && grpo) {
      const d = compare(c, grpo);
      lines.push({
        id: `${a.algo}-vs-grpo`,
        text: d.called
          ? `${a.name} is ${d.mean > 0 ? 'ahead of' : 'behind'} GRPO: ${est(d)} F1, beyond 2 SE.`
          : `${a.name} is not ahead of GRPO here: the difference, ${est(d)} F1, is within 2 SE.`,
      });
    }
  }
  const mirl = f1.get(ARMS[1]);
  const pr1 = f1.get(ARMS[2]);
  if (mirl && pr1) {
    const d = compare(mirl, pr1);
    lines.push({
      id: 'mirl-vs-bound',
      text: d.called
        ? `MIRL ${d.mean < 0 ? 'stays below' : 'exceeds'} the labelled reference (Perception-R1) by ${est(d)} F1: ${d.mean < 0 ? 'MI without labels recovers part of what labels give' : 'MI beat the labels here'}.`
        : `MIRL and the labelled reference (Perception-R1) are within 2 SE of each other (${est(d)} F1).`,
    });
  }
  if (!lines.length)
    return (
      <p className="hint" data-testid="blind-verdict-empty">
        The verdict comes from held-out figures: a run has them from its first held-out evaluation (step{' '}
        {ARMS[0].config.heldoutEvery}).
      </p>
    );
  return (
    <ul className="verdict" data-testid="blind-verdict">
      {lines.map((l) => (
        <li key={l.id} data-testid={`verdict-${l.id}`}>
          {l.text}
        </li>
      ))}
    </ul>
  );
}

/** Each arm's held-out changes, per figure, with their errors. */
function ChangeTable({ byArm }: { byArm: Map<Arm, Run[]> }) {
  return (
    <table className="blind-counts" data-testid="heldout-changes">
      <thead>
        <tr>
          <th>arm</th>
          <th>runs (seeds)</th>
          {FIGURES.map((f) => (
            <th key={f.key} title="last held-out evaluation minus the warm start's, mean over samples; ± 1 SE">
              held-out {f.name}: change
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ARMS.map((a) => {
          const rs = byArm.get(a) ?? [];
          return (
            <tr key={a.algo} data-testid="change-row">
              <td>{a.name}</td>
              <td>{rs.length ? rs.map((r) => r.config.seed).join(', ') : '–'}</td>
              {FIGURES.map((f) => {
                const c = armChange(
                  rs.map((r) => r.metrics),
                  f.key,
                );
                return (
                  <td key={f.key} data-testid={`change-${a.algo}-${f.key}`}>
                    {c ? est(c, f.digits) : '–'}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** What each update did to descriptions, over every trajectory of every step (not only the recorded ones). */
function RatesTable({ byArm }: { byArm: Map<Arm, Run[]> }) {
  return (
    <table className="blind-counts" data-testid="blind-rates">
      <thead>
        <tr>
          <th>arm</th>
          <th title="descriptions with a wrong object, missing or extra, whose update made them likelier">
            wrong descriptions pushed up
          </th>
          <th title="exactly right descriptions whose update made them less likely">right descriptions pushed down</th>
          <th title="pairs of a right and a wrong description of the same prompt: the share whose update favoured the right one (ties half); 50% is blind">
            update favours the right description (50% = blind)
          </th>
          <th>lucky guesses (right answer, wrong description) of answered trajectories</th>
        </tr>
      </thead>
      <tbody>
        {ARMS.map((a) => {
          const rs = byArm.get(a) ?? [];
          const ms = rs.flatMap((r) => r.metrics);
          const b = blindRates(ms);
          const lucky = ms.reduce((s, m) => s + m.lucky_guesses, 0);
          const of = ms.reduce((s, m) => s + m.complete_trajectories, 0);
          return (
            <tr key={a.algo} data-testid="blind-row">
              <td>
                {a.name}
                {b && (
                  <div className="hint" data-testid={`counted-${a.algo}`}>
                    {rs.filter((r) => r.metrics.some((m) => m.blind)).length} of {rs.length} runs counted these
                  </div>
                )}
              </td>
              <td data-testid={`wrong-up-${a.algo}`}>{b ? `${pct(b.wrongUp)} (of ${b.sum.wrong})` : '–'}</td>
              <td data-testid={`right-down-${a.algo}`}>{b ? `${pct(b.rightDown)} (of ${b.sum.right})` : '–'}</td>
              <td data-testid={`right-over-wrong-${a.algo}`}>
                {b ? `${pct(b.favoursRight)} (of ${Math.round(b.sum.pairs)} pairs)` : '–'}
              </td>
              <td data-testid={`lucky-${a.algo}`}>{of ? `${pct(lucky / of)} (${lucky} of ${of})` : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const problemKey = (p: PromptRecord) => `${p.taskSeed}:${p.taskIndex}`;
const words = (t: TrajectoryRecord) => t.description.join(' ');

interface Example {
  id: 'lucky' | 'equal' | 'gated';
  text: string;
  key: string;
  /** Trajectories to point at, per arm. */
  pointed: Partial<Record<Arm['algo'], number[]>>;
}

/** Examples picked from the runs' recorded rollouts: the lesson, each pointing at its rows. */
function findExamples(grpo: readonly Run[], mirl: readonly Run[]): Example[] {
  const out: Example[] = [];
  const recs = (rs: readonly Run[]) => rs.flatMap((r) => r.records);
  let lucky: Example | null = null;
  let equal: Example | null = null;
  let gated: Example | null = null;
  let bestGap = 0.5;
  for (const p of recs(grpo)) {
    p.trajectories.forEach((t, i) => {
      const a = descAdvantage(t);
      if (!lucky && t.answerRight === true && !t.perceptionRight && a !== null && a > 0)
        lucky = {
          id: 'lucky',
          key: problemKey(p),
          pointed: { grpo: [i] },
          text: `A lucky guess GRPO pushed up (step ${p.step + 1}, #${i + 1}): the description "${words(t)}" is wrong against the scene, the answer "${t.continuation.join(' ')}" right, so every token of the description got advantage ${signed(a, 2)}.`,
        };
    });
    // two identical descriptions of one prompt, whose advantages differ only by the answers that followed
    const by = new Map<string, number[]>();
    p.trajectories.forEach((t, i) => by.set(words(t), [...(by.get(words(t)) ?? []), i]));
    for (const [d, is] of by) {
      if (is.length < 2 || !d) continue;
      const adv = is.map((i) => descAdvantage(p.trajectories[i]) ?? 0);
      const hi = is[adv.indexOf(Math.max(...adv))];
      const lo = is[adv.indexOf(Math.min(...adv))];
      const gap = Math.max(...adv) - Math.min(...adv);
      if (gap > bestGap) {
        bestGap = gap;
        const right = p.trajectories[hi].perceptionRight ? 'right' : 'wrong';
        equal = {
          id: 'equal',
          key: problemKey(p),
          pointed: { grpo: [lo, hi] },
          text: `Two equal descriptions, two GRPO advantages (step ${p.step + 1}, #${lo + 1} and #${hi + 1}): the same ${right} description "${d}" got ${signed(Math.min(...adv), 2)} and ${signed(Math.max(...adv), 2)}, decided only by the answers after it.`,
        };
      }
    }
  }
  for (const p of recs(mirl)) {
    if (gated) break;
    const byMi = p.trajectories.map((t, i) => ({ t, i })).sort((a, b) => (b.t.mi ?? 0) - (a.t.mi ?? 0));
    const g = byMi.find(({ t }) => t.gated);
    if (!g) continue;
    const rank = byMi.indexOf(g) + 1;
    gated = {
      id: 'gated',
      key: problemKey(p),
      pointed: { mirl: [g.i] },
      text: `A description MIRL's gate pushed down (step ${p.step + 1}, #${g.i + 1}): "${words(g.t)}" has MI ${(g.t.mi ?? 0).toFixed(1)} nats, rank ${rank} of ${p.trajectories.length}, but does not parse into distinct, complete objects, so the gate gave it the group's lowest perception score (R_perc ${g.t.rPerc.toFixed(2)}, A_perc ${signed(g.t.advPerc, 2)})${g.t.kept ? '' : ' and it was not continued'}.`,
    };
  }
  for (const e of [lucky, equal, gated] as (Example | null)[]) if (e) out.push(e);
  return out;
}

/** Steps, status and time left of each arm of a running comparison. */
function Progress({ byArm }: { byArm: Map<Arm, Run[]> }) {
  const runs = useRunStore((s) => s.runs);
  const liveId = useRunStore((s) => s.liveId);
  const queue = useRunStore((s) => s.queue);
  const phase = useRunStore((s) => s.phase);
  const live = runs.find((r) => r.id === liveId);
  const liveArm = live && ARMS.find((a) => sameArm(live, a));
  if (!live || !liveArm || (live.status !== 'running' && live.status !== 'loading' && !queue.length)) return null;
  const left = remainingMs(live.metrics, live.config);
  const perStep = left !== null && live.metrics.length ? left.perStepMs : null;
  const queued = ARMS.filter((a) => queue.some((c) => JSON.stringify(c) === JSON.stringify(a.config)));
  // a queued arm is estimated at the running arm's rate: the arms differ, so it is a rough figure
  const queuedMs = perStep === null ? null : queued.reduce((s, a) => s + a.config.steps * perStep, 0);
  return (
    <div className="progress" data-testid="comparison-progress" aria-live="polite">
      {ARMS.map((a) => {
        const run = a === liveArm ? live : (byArm.get(a) ?? []).find((r) => r.config.seed === live.config.seed);
        const isQueued = queued.includes(a);
        return (
          <div key={a.algo} data-testid={`progress-${a.algo}`}>
            <b>{a.name}</b>{' '}
            {a === liveArm
              ? `step ${live.step} / ${live.config.steps}${phase ? `, ${phase}` : ''}${left ? `; about ${mins(left.ms)} left` : '; time left known after the first step'}`
              : isQueued
                ? `queued${perStep !== null ? `, about ${mins(a.config.steps * perStep)} at the current rate` : ''}`
                : run
                  ? `${run.status}, ${run.metrics.length} / ${run.config.steps} steps`
                  : 'not run'}
          </div>
        );
      })}
      {left && queuedMs !== null && queued.length > 0 && (
        <div data-testid="progress-total">all arms: about {mins(left.ms + queuedMs)} left</div>
      )}
    </div>
  );
}

/**
 * For teaching: GRPO, MIRL and the labelled Perception-R1 reference on the same prompts, at the
 * size where the experiment in docs/research.md saw them separate; their held-out figures with errors, a
 * verdict from them, what each update did to every description, and examples picked from the runs.
 */
export function BlindnessDemo() {
  const runs = useRunStore((s) => s.runs);
  const liveId = useRunStore((s) => s.liveId);
  const startQueue = useRunStore((s) => s.startQueue);
  const stop = useRunStore((s) => s.stop);
  const addRuns = useRunStore((s) => s.addRuns);
  const live = runs.find((r) => r.id === liveId);
  const busy = live !== undefined && (live.status === 'running' || live.status === 'loading');
  const byArm = useMemo(() => armRuns(runs), [runs]);
  const ids = useMemo(() => [...byArm.values()].flat().map((r) => r.id), [byArm]);
  const [loadNote, setLoadNote] = useState<string | null>(null);
  const stopButton = useRef<HTMLButtonElement>(null);

  const examples = useMemo(() => findExamples(byArm.get(ARMS[0]) ?? [], byArm.get(ARMS[1]) ?? []), [byArm]);
  const [shown, setShown] = useState<Example | null>(null);
  const find = (rs: readonly Run[], key: string) => {
    for (const r of [...rs].reverse()) {
      const p = r.records.find((x) => problemKey(x) === key);
      if (p) return { run: r, rec: p };
    }
    return null;
  };
  const example = shown ?? examples[0] ?? null;
  const panels = example
    ? ARMS.map((a) => ({ arm: a, hit: find(byArm.get(a) ?? [], example.key) })).filter((x) => x.hit !== null)
    : [];

  const run = (configs: Arm['config'][]) => {
    startQueue(configs);
    requestAnimationFrame(() => stopButton.current?.focus()); // the pressed button disables itself
  };
  const loadMeasured = async () => {
    setLoadNote('loading…');
    try {
      const files = await Promise.all(
        Object.entries(MEASURED).map(async ([path, load]) => ({
          path,
          data: (await load()) as Record<string, unknown>,
        })),
      );
      const added = files
        .sort((a, b) => a.path.localeCompare(b.path))
        .map(({ path, data }) => {
          const seed = /seed(\d+)\.json$/.exec(path)?.[1];
          const f = importRun(
            JSON.stringify({
              kind: 'mirl-playground-run',
              version: 5,
              label: path,
              config: data.config,
              metrics: data.steps,
              records: data.last_records ?? [],
            }),
          );
          const arm = ARMS.find((a) => a.algo === f.config.algo)!;
          return {
            label: `${arm.name} seed ${seed} (measured, wasm backend)`,
            config: f.config,
            metrics: f.metrics,
            records: f.records,
          };
        });
      addRuns(added);
      setLoadNote(
        `${added.length} runs of the committed experiment (docs/experiment-wasm); they keep only their last step's recorded rollouts.`,
      );
    } catch (e) {
      setLoadNote(`could not load the measured runs: ${(e as Error).message}`);
    }
  };
  const c = ARMS[0].config;
  return (
    <section className="panel" data-testid="blindness-demo">
      <h2>Reward blindness: GRPO, MIRL and Perception-R1 on the same prompts</h2>
      <p>
        An answer-only reward (GRPO) cannot tell a lucky guess from a seeing answer: a right answer after a wrong
        description makes that description likelier too. MIRL rewards each description by its mutual information with
        the image, scored by the frozen warm start; Perception-R1 by its agreement with the scene's labels (the
        reference MI approximates without labels). The three run at {c.batchPrompts} prompts x {c.steps} steps with seed{' '}
        {c.seed}, so they see the same prompts, and are judged on {c.heldoutCount} held-out problems x{' '}
        {c.heldoutSamples} samples: the smallest size at which the experiment in docs/research.md saw them separate.
        Smaller runs move less than their noise. Beside them, run one by one: RACRO, whose descriptions are rewarded
        when the frozen warm start answers right from them alone; PEARL, which scales the answer reward by how well the
        policy answers perception probes about the same scene; and VPPO, which trains the answer reward only on the
        tokens that lean most on the image.
      </p>
      <div className="buttons">
        <button
          data-testid="run-all"
          disabled={busy}
          onClick={() => run(ARMS.filter((a) => a.core).map((a) => a.config))}
        >
          Run all three
        </button>
        {ARMS.map((a) => (
          <button key={a.algo} data-testid={`run-${a.algo}`} disabled={busy} onClick={() => run([a.config])}>
            Run {a.name}
          </button>
        ))}
        <button ref={stopButton} data-testid="comparison-stop" disabled={!busy} onClick={stop}>
          Stop
        </button>
        <button
          data-testid="load-measured"
          onClick={loadMeasured}
          title="the committed experiment: these six arms, seeds 1-3, run on the wasm backend by scripts/experiments.sh"
        >
          Load the measured runs
        </button>
      </div>
      {loadNote && (
        <p className="hint" data-testid="load-note">
          {loadNote}
        </p>
      )}
      <Progress byArm={byArm} />
      <h3>Verdict, from the held-out figures</h3>
      <Verdict byArm={byArm} />
      <ChangeTable byArm={byArm} />
      {ids.length > 0 && (
        <Charts runIds={ids} heldoutOnly title="Held-out figures of the comparison" colorOf={armColor} />
      )}
      <h3>What each update did to descriptions (every trajectory of every step)</h3>
      <RatesTable byArm={byArm} />
      <h3>Examples from these runs</h3>
      {examples.length ? (
        <ul className="examples" data-testid="examples">
          {examples.map((e) => (
            <li key={e.id} data-testid={`example-${e.id}`}>
              {e.text}{' '}
              <button data-testid={`show-${e.id}`} aria-pressed={example?.id === e.id} onClick={() => setShown(e)}>
                show
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint" data-testid="no-examples">
          Examples are picked from the recorded rollouts ({c.recordPrompts} prompts a step) once GRPO and MIRL have run
          here.
        </p>
      )}
      {example && panels.length > 0 && (
        <div className="side-by-side" data-testid="side-by-side">
          {panels.map(({ arm, hit }) => (
            <div key={arm.algo} data-testid={`panel-${arm.algo}`}>
              <h3>
                {arm.name}, step {hit!.rec.step + 1}
              </h3>
              <ForkTree rec={hit!.rec} run={hit!.run} pointed={example.pointed[arm.algo] ?? []} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

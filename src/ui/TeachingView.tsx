import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import {
  armChange,
  armDifference,
  armStart,
  MIN_PAIRED_SEEDS,
  moved,
  remainingMs,
  type Arm,
  type Est,
  type HeldoutMetric,
  armCounts,
} from '../rl/comparison';
import { Charts } from './Charts';
import { NEAR_MISS_F1, rateOf } from '../rl/updateRates';
import { ForestPlot } from './ForestPlot';
import { fmtSigned as signed } from './format';
import { forestRows, headline } from './lesson';
import { ForkTree } from './Rollouts';
import { warmStartFor } from '../tasks/families';
import { useRunStore, type Run } from './stores/runStore';
import { useSettledRuns } from './settledRuns';
import { ComparisonRunner } from './ComparisonRunner';
import { StorageClient } from './storageClient';
import { Table, type HeadCell } from './Table';
import {
  ARM_BY_ID,
  ARMS,
  armColour,
  armOf,
  armRuns,
  matchMeasured,
  measuredRunText,
  LABELLED_ARM,
  MI_ARM,
  REFERENCE,
  runColour,
  sameArm,
} from './teachingArms';
import { findExamples, findRecord, type Example } from './teachingExamples';

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(0)}%`);
const est = (e: Est, d = 3) => `${signed(e.mean, d)} ± ${e.se.toFixed(d)}`;
const mins = (ms: number) =>
  ms < 90_000
    ? `${Math.round(ms / 1000)} s`
    : ms < 5_400_000
      ? `${Math.round(ms / 60_000)} min`
      : `${(ms / 3_600_000).toFixed(1)} h`;

// The committed experiments on the wasm backend, seeds 1-3, loaded on demand: scripts/experiments.sh (the
// algorithms and ViCrit) and scripts/experiments-grounding.sh (Visual-RFT, MIRG-RL and their GRPO reference).
const MEASURED = import.meta.glob<unknown>(
  [
    '../../data/experiment-wasm/{grpo-G16,mirl-N10k6miScorerwarmstart,perception-r1-G6,racro-G6,pearl-G5,vppo-G8,vision-sr1-G6,grpo-G16-vicrit}-seed*.json',
    '../../data/experiment-grounding/{grpo-G16,grpo-G16-grounding,grpo-G16-multi_grounding}-seed*.json',
  ],
  { import: 'default' },
);

const FIGURES: { key: HeldoutMetric; name: string; digits: number }[] = [
  { key: 'desc_f1', name: 'description F1', digits: 3 },
  { key: 'desc_exact', name: 'exact descriptions', digits: 3 },
  { key: 'answer_acc', name: 'answer accuracy', digits: 3 },
];

/** The experiment's write-up, shipped with the site beside the page (vite/shipDocs.ts): a relative link works under any base. */
const DOC_HREF = 'docs/research.md';

const seeded = (rs: readonly Run[]) => rs.map((r) => ({ seed: r.config.seed, metrics: r.metrics }));
const howPaired = (n: number) => (n ? `paired over ${n} seeds` : 'unpaired, from the two changes');

/**
 * The verdict: each arm's held-out change, and each arm against its GRPO-16 reference (paired by seed where it
 * can be), said plainly and called only beyond 2 SE; a figure other than F1 is named where it moved beyond 2 SE.
 */
function Verdict({ byArm }: { byArm: Map<Arm, Run[]> }) {
  const runsOf = (a: Arm) => byArm.get(a) ?? [];
  const items: { id: string; parts: { id: string; text: string }[] }[] = [];
  for (const a of byArm.keys()) {
    const c = armChange(
      runsOf(a).map((r) => r.metrics),
      'desc_f1',
    );
    if (!c) continue;
    const over = c.over === 'seeds' ? `mean of ${c.runs} seeds, SE over seeds` : 'one seed, SE over held-out problems';
    const parts = [
      {
        id: `${a.id}-change`,
        text: `${a.name}: held-out description F1 ${moved(c) ? (c.mean > 0 ? 'rose' : 'fell') : 'did not move beyond its error'} (${est(c)}, ${over}).`,
      },
    ];
    const ref = a.ref === null ? undefined : ARM_BY_ID.get(a.ref);
    const d = ref && armDifference(seeded(runsOf(a)), seeded(runsOf(ref)), 'desc_f1');
    if (ref && d) {
      const others = FIGURES.filter((f) => f.key !== 'desc_f1').flatMap((f) => {
        const o = armDifference(seeded(runsOf(a)), seeded(runsOf(ref)), f.key);
        return o?.called ? [`${f.name} ${est(o, f.digits)}`] : [];
      });
      parts.push({
        id: `${a.id}-vs-${ref.id}`,
        text:
          (d.called
            ? `${a.name} is ${d.mean > 0 ? 'ahead of' : 'behind'} ${ref.name}: ${est(d)} F1, beyond 2 SE (${howPaired(d.pairedSeeds)}).`
            : `${a.name} is not ahead of ${ref.name} here: the difference, ${est(d)} F1, is within 2 SE (${howPaired(d.pairedSeeds)}).`) +
          (others.length ? ` Beyond 2 SE against it: ${others.join('; ')}.` : ''),
      });
    }
    items.push({ id: a.id, parts });
  }
  const [mi, bound] = [MI_ARM.name, LABELLED_ARM.name];
  const d = armDifference(seeded(runsOf(MI_ARM)), seeded(runsOf(LABELLED_ARM)), 'desc_f1');
  if (d)
    items.push({
      id: 'bound',
      parts: [
        {
          id: `${MI_ARM.id}-vs-bound`,
          text: d.called
            ? `${mi} ${d.mean < 0 ? 'stays below' : 'exceeds'} the labelled reference (${bound}) by ${est(d)} F1 (${howPaired(d.pairedSeeds)}): ${d.mean < 0 ? 'MI without labels recovers part of what labels give' : 'MI beat the labels here'}.`
            : `${mi} and the labelled reference (${bound}) are within 2 SE of each other (${est(d)} F1, ${howPaired(d.pairedSeeds)}).`,
        },
      ],
    });
  if (!items.length)
    return (
      <p className="hint" data-testid="verdict-empty">
        The verdict comes from held-out figures: a run has them from its first held-out evaluation (step{' '}
        {REFERENCE.config.heldoutEvery}).
      </p>
    );
  return (
    <ul className="verdict" data-testid="verdict-list">
      {items.map((it) => (
        <li key={it.id} data-testid={`verdict-${it.id}`}>
          {it.parts.map((p, i) => (
            <span key={p.id} data-testid={`verdict-${p.id}`}>
              {i > 0 && ' '}
              {p.text}
            </span>
          ))}
        </li>
      ))}
    </ul>
  );
}

/** A table of the arms, one row each (`row` gives the row, keyed by the arm), under the `arm` column and `head`'s. */
function ArmTable({
  byArm,
  testId,
  head,
  row,
}: {
  byArm: Map<Arm, Run[]>;
  testId: string;
  head: readonly HeadCell[];
  row: (a: Arm, rs: Run[]) => ReactNode;
}) {
  return (
    <Table className="figures-table" testId={testId} head={['arm', ...head]}>
      {[...byArm].map(([a, rs]) => row(a, rs))}
    </Table>
  );
}

/** Each arm's held-out changes, per figure, with their errors. */
function ChangeTable({ byArm }: { byArm: Map<Arm, Run[]> }) {
  return (
    <ArmTable
      byArm={byArm}
      testId="heldout-changes"
      head={[
        'runs (seeds)',
        ...FIGURES.map((f) => ({
          name: `held-out ${f.name}: start → change`,
          title:
            "the warm start's held-out figure, and the last held-out evaluation minus it, mean over samples; ± 1 SE",
        })),
        {
          name: 'F1 against its reference',
          title: `the arm's F1 change minus its reference's: GRPO-16 from the same warm start, paired by seed where both ran ${MIN_PAIRED_SEEDS} or more seeds to the same held-out step; bold beyond 2 SE`,
        },
      ]}
      row={(a, rs) => {
        const ref = a.ref === null ? undefined : ARM_BY_ID.get(a.ref);
        const d = ref && armDifference(seeded(rs), seeded(byArm.get(ref) ?? []), 'desc_f1');
        return (
          <tr key={a.id} data-testid="change-row">
            <td>
              {a.name}
              <div className="hint">
                {a.kind === 'task' && a.ref !== null && `GRPO-16 + ${a.config.families.at(-1)}, `}
                from {warmStartFor(a.config.families, a.config.warmStart)}
              </div>
            </td>
            <td>{rs.length ? rs.map((r) => r.config.seed).join(', ') : '–'}</td>
            {FIGURES.map((f) => {
              const ms = rs.map((r) => r.metrics);
              const c = armChange(ms, f.key);
              const start = armStart(ms, f.key);
              return (
                <td key={f.key}>
                  {start !== null && (
                    <span className="start" data-testid={`start-${a.id}-${f.key}`}>
                      {start.toFixed(f.digits)} →{' '}
                    </span>
                  )}
                  <span data-testid={`change-${a.id}-${f.key}`}>{c ? est(c, f.digits) : '–'}</span>
                </td>
              );
            })}
            <td data-testid={`vs-ref-${a.id}`}>
              {!ref ? (
                'reference'
              ) : d ? (
                <>
                  {d.called ? <b>{est(d)}</b> : est(d)}
                  <div className="hint">
                    vs {ref.name}, {d.pairedSeeds ? `paired, ${d.pairedSeeds} seeds` : 'unpaired'}
                  </div>
                </>
              ) : rs.length && !(byArm.get(ref) ?? []).length ? (
                <span className="hint">run {ref.name} to compare</span>
              ) : (
                '–'
              )}
            </td>
          </tr>
        );
      }}
    />
  );
}

/** A rate with what it counts: "37% (of 38 pairs)"; with nothing to count, no rate. */
const ofPairs = (wins: number, n: number, one: string, many: string) =>
  n ? `${pct(rateOf(wins, n))} (of ${n} ${n === 1 ? one : many})` : `– (no ${many})`;

/**
 * What each update did to descriptions, in the lesson's terms: does it favour the right description over a wrong
 * one of the same prompt, and does it push up a lucky guess's description; near-misses apart, each rate with its count.
 */
function RatesTable({ byArm }: { byArm: Map<Arm, Run[]> }) {
  const near = `wrong, but with an object-level F1 of ${NEAR_MISS_F1} or more: most of its objects right`;
  return (
    <ArmTable
      byArm={byArm}
      testId="update-rates"
      head={[
        {
          name: 'update favours the right description over a wrong one (50% = blind)',
          title:
            'pairs of an exactly right and a wrong description of the same prompt (near-misses apart): the share whose update favoured the right one, ties half; 50% is blind',
        },
        {
          name: 'lucky guesses whose description was pushed up',
          title:
            'lucky guesses: a right answer after a wrong description (near-misses apart); the share whose description the update pushed up (mean advantage above 0)',
        },
        {
          name: 'near-misses, apart: right favoured; lucky pushed up',
          title: `near-misses (${near}): the right description favoured over them, and near-miss lucky guesses pushed up`,
        },
        {
          name: 'counted over',
          title:
            "every trajectory of every step where the runs counted these; a run made before they were counted gives its recorded rollouts instead (the committed runs: each seed's last step), a smaller sample",
        },
      ]}
      row={(a, rs) => {
        const { counts: k, steps, recordedPrompts } = armCounts(rs);
        const any = steps > 0 || recordedPrompts > 0;
        return (
          <tr key={a.id} data-testid="rates-row">
            <td>{a.name}</td>
            <td data-testid={`right-over-wrong-${a.id}`}>
              {any ? ofPairs(k.pair_wins, k.pairs, 'pair', 'pairs') : '–'}
            </td>
            <td data-testid={`lucky-up-${a.id}`}>
              {any ? ofPairs(k.lucky_up, k.lucky, 'lucky guess', 'lucky guesses') : '–'}
            </td>
            <td data-testid={`near-${a.id}`}>
              {any ? (
                <>
                  {ofPairs(k.near_pair_wins, k.near_pairs, 'pair', 'pairs')};{' '}
                  {ofPairs(k.near_lucky_up, k.near_lucky, 'lucky guess', 'lucky guesses')}
                </>
              ) : (
                '–'
              )}
            </td>
            <td className="hint" data-testid={`counted-${a.id}`}>
              {[
                steps > 0 && `every trajectory of ${steps} steps`,
                recordedPrompts > 0 && `${recordedPrompts} recorded prompts`,
              ]
                .filter(Boolean)
                .join('; ') || '–'}
            </td>
          </tr>
        );
      }}
    />
  );
}

/** Steps, status and time left of each arm of a running comparison; after it ends, where each arm stopped. */
function Progress({ byArm }: { byArm: Map<Arm, Run[]> }) {
  const { runs, liveId, queue, phase, comparison } = useRunStore(
    useShallow((s) => ({ runs: s.runs, liveId: s.liveId, queue: s.queue, phase: s.phase, comparison: s.comparison })),
  );
  if (!comparison?.length) return null;
  const live = runs.find((r) => r.id === liveId);
  const liveArm = live && armOf(live.config);
  const going = live !== undefined && liveArm !== undefined && (live.status === 'running' || live.status === 'loading');
  const seed = comparison[0].seed;
  // the arms of the comparison last started: listed until another starts, each with where it stopped
  const arms = ARMS.filter((a) => comparison.some((c) => sameArm(c, a)));
  const queued = arms.filter((a) => queue.some((c) => sameArm(c, a) && c.seed === seed));
  const runOf = (a: Arm): Run | undefined =>
    going && a === liveArm
      ? live
      : [...(byArm.get(a) ?? []), ...runs.filter((r) => sameArm(r.config, a))]
          .filter((r) => r.config.seed === seed)
          .sort((x, y) => y.id - x.id)[0];
  const left = going ? remainingMs(live.metrics, live.config) : null;
  const perStep = left !== null && going && live.metrics.length ? left.perStepMs : null;
  // a queued arm is estimated at the running arm's rate: the arms differ, so it is a rough figure
  const queuedMs = perStep === null ? null : queued.reduce((s, a) => s + a.config.steps * perStep, 0);
  const line = (a: Arm): string => {
    const run = runOf(a);
    if (going && a === liveArm)
      return `step ${live.step} / ${live.config.steps}${phase ? `, ${phase}` : ''}${left ? `; about ${mins(left.ms)} left` : '; time left known after the first step'}`;
    if (queued.includes(a))
      return `queued${perStep !== null ? `, about ${mins(a.config.steps * perStep)} at the current rate` : ''}`;
    if (!run) return 'not run: the comparison was stopped before it';
    if (run.status === 'done') return `done, ${run.metrics.length} / ${run.config.steps} steps`;
    if (run.status === 'stopped' || run.status === 'restored' || run.status === 'paused')
      return `stopped at step ${run.metrics.length} of ${run.config.steps}`;
    return `${run.status}, ${run.metrics.length} / ${run.config.steps} steps`;
  };
  return (
    <div className="progress" data-testid="comparison-progress">
      {arms.map((a) => (
        <div key={a.id} data-testid={`progress-${a.id}`} role={going && a === liveArm ? 'status' : undefined}>
          <b>{a.name}</b> {line(a)}
        </div>
      ))}
      {left && queuedMs !== null && queued.length > 0 && (
        <div data-testid="progress-total">all arms: about {mins(left.ms + queuedMs)} left</div>
      )}
    </div>
  );
}

/**
 * The Teaching tab: GRPO, MIRL and the labelled Perception-R1 reference on the same prompts, at the
 * size where the experiment in docs/research.md saw them separate, with the other perception methods beside them
 * (algorithms and task families); their held-out figures with errors, a verdict from them, what each update did
 * to every description, and examples picked from the runs.
 */
export function TeachingView() {
  const { runs, liveId, startQueue, stop, addRuns } = useRunStore(
    useShallow((s) => ({ runs: s.runs, liveId: s.liveId, startQueue: s.startQueue, stop: s.stop, addRuns: s.addRuns })),
  );
  const live = runs.find((r) => r.id === liveId);
  const busy = live !== undefined && (live.status === 'running' || live.status === 'loading');
  // the verdict and the examples follow the runs' curves, in slices that yield to input (settledRuns.ts)
  const settled = useSettledRuns();
  const byArm = useMemo(() => armRuns(settled), [settled]);
  const ids = useMemo(() => [...byArm.values()].flat().map((r) => r.id), [byArm]);
  const [loadNote, setLoadNote] = useState<string | null>(null);
  const stopButton = useRef<HTMLButtonElement>(null);

  const examples = useMemo(
    () =>
      findExamples(
        { arm: REFERENCE, runs: byArm.get(REFERENCE) ?? [] },
        { arm: MI_ARM, runs: byArm.get(MI_ARM) ?? [] },
      ),
    [byArm],
  );
  const forest = useMemo(() => forestRows([...byArm.keys()], (a) => seeded(byArm.get(a) ?? [])), [byArm]);
  const lesson = headline(forest);
  const lucky = examples.find((e) => e.id === 'lucky');
  const sideBySide = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState<Example | null>(null);
  const example = shown ?? examples[0] ?? null;
  const panels = example
    ? [...byArm.keys()]
        .map((a) => ({ arm: a, hit: findRecord(byArm.get(a) ?? [], example.key) }))
        .filter((x) => x.hit !== null)
    : [];

  const run = (configs: Arm['config'][]) => {
    startQueue(configs);
    requestAnimationFrame(() => stopButton.current?.focus()); // the pressed button disables itself
  };
  const loadMeasured = async () => {
    setLoadNote('loading…');
    // the files are read and checked in a storage worker of this load's own, as an imported run file is: some
    // 33 files of rollouts are a long task for the page's thread (the run store's worker is its own)
    const parser = new StorageClient();
    try {
      const files = await Promise.all(
        Object.entries(MEASURED).map(async ([path, load]) => {
          const text = measuredRunText(path, (await load()) as Record<string, unknown>);
          return { path, file: await parser.parseRunFile(text) };
        }),
      );
      const { added, unmatched } = matchMeasured(
        files.map(({ path, file: f }) => ({
          path,
          file: { config: f.config, metrics: f.metrics, records: f.records },
        })),
      );
      addRuns(added);
      setLoadNote(
        `${added.length} runs of the committed experiments (data/experiment-wasm, data/experiment-grounding); they keep only their last step's recorded rollouts.` +
          (unmatched.length ? ` Left out, matching no arm here: ${unmatched.join(', ')}.` : ''),
      );
    } catch (e) {
      setLoadNote(`could not load the measured runs: ${(e as Error).message}`);
    } finally {
      parser.close();
    }
  };
  const c = REFERENCE.config;
  const runButton = (a: Arm) => (
    <button key={a.id} data-testid={`run-${a.id}`} disabled={busy} onClick={() => run([a.config])}>
      Run {a.name}
    </button>
  );
  return (
    <section className="panel" data-testid="teaching-view">
      <h2>
        Teaching: reward blindness, with GRPO, MIRL, Perception-R1 and the other perception methods on the same prompts
      </h2>
      <p data-testid="teaching-intro">
        An answer-only reward (GRPO) cannot tell a lucky guess from a seeing answer: a right answer after a wrong
        description makes that description likelier too. Load the measured runs, or run the arms here; the experiment
        behind them is in{' '}
        <a href={DOC_HREF} target="_blank" rel="noreferrer" data-testid="doc-link">
          docs/research.md
        </a>
        .
      </p>
      <details data-testid="teaching-about">
        <summary>The arms, and the size they run at</summary>
        <p>
          MIRL rewards each description by its mutual information with the image, scored by the frozen warm start;
          Perception-R1 by its agreement with the scene&apos;s labels (the reference MI approximates without labels).
          The three run at {c.batchPrompts} prompts x {c.steps} steps with seed {c.seed}, so they see the same prompts,
          and are judged on {c.heldoutCount} held-out problems x {c.heldoutSamples} samples: the smallest size at which
          the experiment saw them separate. Smaller runs move less than their noise. Beside them, run one by one: RACRO,
          whose descriptions are rewarded when the frozen warm start answers right from them alone; Vision-SR1, when the
          policy itself does; PEARL, which scales the answer reward by how well the policy answers perception probes
          about the same scene; and VPPO, which trains the answer reward only on the tokens that lean most on the image.
        </p>
        <p>
          The task arms change what GRPO-16 practises instead of how it updates: ViCrit adds prompts that show a
          description with one corrupted span to name; Visual-RFT adds boxes to draw, rewarded by IoU; MIRG-RL adds
          &quot;which image, and where&quot;, rewarded for the image and the box apart. The two box tasks need the
          grounding warm start (tinyvlm-v1g, which learned to write boxes), so they are judged against GRPO-16 from it.
          Every arm is judged on the same held-out problems of the default mix: what practising a task did to describing
          and answering there.
        </p>
      </details>
      <div className="buttons">
        <button
          data-testid="run-all"
          disabled={busy}
          onClick={() => run(ARMS.filter((a) => a.core).map((a) => a.config))}
        >
          Run all three
        </button>
        {ARMS.filter((a) => a.kind === 'algorithm').map(runButton)}
        <button ref={stopButton} data-testid="comparison-stop" disabled={!busy} onClick={stop}>
          Stop
        </button>
        <button
          data-testid="load-measured"
          onClick={loadMeasured}
          title="the committed experiments: these arms, seeds 1-3, run on the wasm backend by scripts/experiments.sh and scripts/experiments-grounding.sh"
        >
          Load the measured runs
        </button>
      </div>
      <div className="buttons" role="group" aria-labelledby="task-arms-label">
        <span className="hint" id="task-arms-label">
          Tasks, each GRPO-16 with a family added, and the reference of the two box tasks:
        </span>
        {ARMS.filter((a) => a.kind === 'task').map(runButton)}
      </div>
      {loadNote && (
        <p className="hint" data-testid="load-note">
          {loadNote}
        </p>
      )}
      <Progress byArm={byArm} />
      {lesson && (
        <p className="headline" data-testid="lesson-headline">
          {lesson}
        </p>
      )}
      {lucky && (
        <div className="lucky-top" data-testid="lucky-top">
          <b>The clearest lucky guess:</b> {lucky.text}{' '}
          <button
            data-testid="show-lucky-top"
            onClick={() => {
              setShown(lucky);
              requestAnimationFrame(() => sideBySide.current?.scrollIntoView({ block: 'start' }));
            }}
          >
            show its rollouts
          </button>
        </div>
      )}
      <ForestPlot rows={forest} colorOf={(id) => armColour([...byArm.keys()].find((a) => a.id === id))} />
      {/* below the lesson, which the first screen keeps for itself */}
      <ComparisonRunner arms={ARMS} />
      <h3>Verdict, arm by arm, from the held-out figures</h3>
      <Verdict byArm={byArm} />
      <ChangeTable byArm={byArm} />
      {ids.length > 0 && (
        <Charts
          runIds={ids}
          heldoutOnly
          title="Held-out figures of the comparison"
          colorOf={(r) => runColour(r.config)}
        />
      )}
      <h3>What each update did to descriptions</h3>
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
        <div className="side-by-side" data-testid="side-by-side" ref={sideBySide}>
          {panels.map(({ arm, hit }) => (
            <div key={arm.id} data-testid={`panel-${arm.id}`}>
              <h3>
                {arm.name}, step {hit!.rec.step + 1}
              </h3>
              <ForkTree rec={hit!.rec} run={hit!.run} pointed={example.pointed[arm.id] ?? []} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

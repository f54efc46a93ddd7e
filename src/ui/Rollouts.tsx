import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { algorithmOf } from '../rl/algorithms/table';
import { descAdvantage, isBlindRecord } from '../rl/metrics';
import type { PromptRecord, TrajectoryRecord } from '../rl/types';
import { SceneImage } from './SceneImage';
import { ColorLegend, tokenStyle, type ColorBy } from './TokenColors';
import { useRunStore, type Run } from './stores/runStore';
import { useSettledRuns } from './settledRuns';
import { useStaggered } from './staggered';

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '–' : x.toFixed(d));

function Badge({ ok, yes, no }: { ok: boolean | null; yes: string; no: string }) {
  if (ok === null) return <span className="badge muted">–</span>;
  return <span className={`badge ${ok ? 'good' : 'bad'}`}>{ok ? yes : no}</span>;
}

/**
 * Why a trajectory's R_perc is not its MI, where it is not: the well-formedness gate (a malformed
 * description gets its group's lowest score, whatever its MI) or the normalisation within the group.
 * The per-token clip is inside the MI shown, so it makes no difference here. Null where R_perc is the MI.
 */
function rPercWhy(t: TrajectoryRecord, run: Run): string | null {
  if (algorithmOf(run.config).perception !== 'mi' || t.mi === null) return null;
  if (t.gated)
    return `gated: the description is malformed (it does not parse into distinct, complete objects), so its perception score is its group's lowest, below every well-formed one, whatever its MI (${fmt(t.mi)} nats)`;
  if (run.config.percNorm !== 'raw')
    return `normalised: R_perc is the MI score ${run.config.percNorm === 'threshold' ? `thresholded at ${run.config.percThreshold}` : `${run.config.percNorm === 'rank' ? 'ranked' : 'z-scored'} within the prompt's group`} (setting "perception reward")`;
  return null;
}

/** One prompt's trajectories; `pointed` (indices into rec.trajectories) are outlined, as the teaching view's examples point at them. */
export function ForkTree({ rec, run, pointed = [] }: { rec: PromptRecord; run: Run; pointed?: readonly number[] }) {
  // an algorithm rewarded by MI ranks by it, so its tree is in MI order; the others never use MI to choose, so theirs keep the sampling order.
  const byMI = algorithmOf(run.config).perception === 'mi';
  const order = useMemo(() => {
    const rows = rec.trajectories.map((t, i) => ({ t, i }));
    return byMI ? rows.sort((a, b) => (b.t.mi ?? 0) - (a.t.mi ?? 0)) : rows;
  }, [rec, byMI]);
  const miUnit =
    run.config.miAgg === 'sum' ? "nats, summed over the description's tokens" : 'nats per description token';
  const maxAbs = Math.max(1e-6, ...rec.trajectories.map((t) => Math.abs(t.mi ?? 0)));
  const unscored = rec.trajectories.every((t) => t.mi === null);
  return (
    <div className="fork-tree" data-testid="fork-tree">
      <div className="root">
        <SceneImage seed={rec.taskSeed} index={rec.taskIndex} config={run.config} />
        <div>
          <p className="q" data-testid="question">
            {rec.question}
          </p>
          <p className="gt">
            ground truth: <code>{rec.groundTruthDescription}</code> → <b>{rec.answer}</b>
          </p>
        </div>
      </div>
      {unscored && (
        <p className="muted" data-testid="mi-unscored">
          MI not scored at step {rec.step + 1}: {run.config.algo} does not reward it, so it is measured{' '}
          {run.config.metricEvery > 0 ? `every ${run.config.metricEvery} steps` : 'never in this run'} (setting
          "extra-pass metrics every").
        </p>
      )}
      <ol className="branches">
        {order.map(({ t, i }) => (
          <li
            key={i}
            className={`${t.kept ? 'kept' : 'dropped'}${isLucky(t) ? ' lucky' : ''}${pointed.includes(i) ? ' pointed' : ''}`}
            data-testid={t.kept ? 'branch-kept' : 'branch-dropped'}
            data-pointed={pointed.includes(i) || undefined}
          >
            <div className="mi">
              {t.mi !== null && (
                <span
                  className="bar"
                  style={{
                    width: `${(Math.abs(t.mi) / maxAbs) * 100}%`,
                    background: t.mi >= 0 ? '#2563eb' : '#dc2626',
                  }}
                />
              )}
              <span className="mi-value" data-testid="mi-value">
                <span className="branch-no" data-testid="branch-no">
                  #{i + 1}
                </span>
                <span
                  title={`MI score: log p(description | image) - log p(description | ${run.config.estimator} image), ${miUnit}${run.config.miClip > 0 ? `, each token's term clipped to ±${run.config.miClip}` : ''}`}
                >
                  MI {fmt(t.mi, 2)} nats
                </span>
              </span>
            </div>
            <div className="desc">
              <Badge ok={t.perceptionRight} yes="right" no="wrong" /> <code>{t.description.join(' ')}</code>{' '}
              <span
                className="desc-adv"
                data-testid="desc-adv"
                title="mean advantage over the description's tokens: above 0 the update makes it likelier"
              >
                A(desc) {fmt(descAdvantage(t))}
              </span>
              {isLucky(t) && (
                <span className="badge lucky" data-testid="lucky-badge" title="right answer after a wrong description">
                  lucky guess
                </span>
              )}
              {t.gated && (
                <span className="badge muted" data-testid="gated-badge" title={rPercWhy(t, run) ?? undefined}>
                  gated: R_perc {fmt(t.rPerc)}, not its MI
                </span>
              )}
              {t.kept ? (
                <div className="fork">
                  ↳ <code>{t.continuation.join(' ')}</code>{' '}
                  <span
                    data-testid="answer-reward"
                    title="answer reward: 1 for the right answer, plus the format reward for a well-formed one"
                  >
                    R_ans {fmt(t.rAns)}
                  </span>
                  {formatPart(t) > 0 && (
                    <span className="muted-strong" data-testid="format-part">
                      {' '}
                      = {t.answerRight ? 1 : 0} ({t.answerRight ? 'right' : 'wrong'}) + {fmt(formatPart(t))} format
                      reward
                    </span>
                  )}{' '}
                  <Badge ok={t.answerRight} yes="answer right" no="answer wrong" />
                </div>
              ) : (
                <div className="fork dropped-why" data-testid="dropped-why">
                  {t.gated
                    ? 'dropped: malformed description; the gate scored it below every well-formed one, so its MI could not keep it'
                    : `dropped: not among the top ${run.config.k} by MI, never continued`}
                </div>
              )}
            </div>
          </li>
        ))}
      </ol>
      <p className="fork-legend" data-testid="fork-legend">
        #n: the trajectory's number in sampling order (as in the table below).{' '}
        {byMI
          ? `Bar: its MI score (${miUnit}) against the largest of this prompt, blue above 0, red below; sorted by MI. Kept (solid): among the top ${run.config.k} by gated MI, forked into an answer; dropped (dashed): never continued.`
          : `${run.config.algo} samples every trajectory to the end and never ranks them by MI: bars show the MI measured on metric steps only.`}{' '}
        A(desc): the mean advantage on the description's tokens (above 0 the update makes it likelier).
      </p>
    </div>
  );
}

/** The format reward inside a trajectory's answer reward (0 when it has none or no answer). */
const formatPart = (t: TrajectoryRecord) =>
  t.rAns === null || t.answerRight === null ? 0 : Math.max(0, t.rAns - (t.answerRight ? 1 : 0));

/** A right answer after a wrong description. */
const isLucky = (t: TrajectoryRecord) => t.answerRight === true && !t.perceptionRight;

function Tokens({ t, by }: { t: TrajectoryRecord; by: ColorBy }) {
  const words = [...t.description, '</desc>', ...t.continuation];
  const vals = by === 'advantage' ? t.tokAdv : by === 'logp' ? t.tokLogp : by === 'entropy' ? t.tokEntropy : t.tokDep;
  return (
    <span className="tokens">
      {words.slice(0, vals.length).map((w, i) => (
        <span
          key={i}
          className={t.tokMask?.[i] === 0 ? 'tok tok-off' : 'tok'}
          style={tokenStyle(vals[i] ?? 0, by)}
          title={`${w}: ${by} ${(vals[i] ?? 0).toFixed(3)}${t.tokMask?.[i] === 0 ? '; masked: no gradient' : ''}`}
        >
          {w}
        </span>
      ))}
    </span>
  );
}

function TrajectoryTable({ rec, run }: { rec: PromptRecord; run: Run }) {
  const [by, setBy] = useState<ColorBy>('advantage');
  // GRPO has no perception reward: its columns say so rather than show 0
  const noPerc = algorithmOf(run.config).perception === 'none';
  return (
    <div className="traj-table">
      <label>
        colour tokens by{' '}
        <select value={by} onChange={(e) => setBy(e.target.value as ColorBy)} data-testid="color-by">
          <option value="advantage">advantage</option>
          <option value="logp">log-probability</option>
          <option value="entropy">entropy</option>
          <option value="dependency">visual dependency</option>
        </select>
      </label>{' '}
      <ColorLegend by={by} />
      {rec.trajectories.some((t) => t.tokMask) && (
        <span className="legend" data-testid="mask-legend">
          {' '}
          · struck-through tokens were masked out of the loss
        </span>
      )}
      <table data-testid="trajectory-table">
        <thead>
          <tr>
            <th title="the trajectory's number in sampling order">#</th>
            <th title="continued into an answer (MIRL keeps its top k by MI; the others keep every trajectory)">
              kept
            </th>
            <th title={algorithmOf(run.config).percHelp}>R_perc</th>
            <th title="answer reward: 1 for the right answer, plus the format reward for a well-formed one (– where never continued)">
              R_ans
            </th>
            <th title="perception advantage: R_perc normalised within the prompt's group, carried by the description's tokens">
              A_perc
            </th>
            <th title="answer advantage: R_ans normalised within the prompt's group (among the kept), carried by the answer's tokens">
              A_ans
            </th>
            <th title="the description against the scene: exactly right or not">perception</th>
            <th title="the answer against the truth">answer</th>
            <th></th>
            <th title="each generated token (description, then reasoning and answer), coloured as chosen above; hover a token for its value">
              tokens
            </th>
          </tr>
        </thead>
        <tbody>
          {rec.trajectories.map((t, i) => (
            <tr key={i} data-testid="trajectory-row">
              <td data-testid="row-no">#{i + 1}</td>
              <td>{t.kept ? 'yes' : 'no'}</td>
              <td>
                <span data-testid="row-rperc">{noPerc ? '–' : fmt(t.rPerc, 3)}</span>
                {!noPerc && rPercWhy(t, run) && (
                  <span className="rperc-why" data-testid="rperc-why" title={rPercWhy(t, run)!}>
                    {t.gated ? ' gated' : ' norm.'}
                  </span>
                )}
              </td>
              <td data-testid="row-rans">{fmt(t.rAns)}</td>
              <td>{noPerc ? '–' : fmt(t.advPerc)}</td>
              <td>{fmt(t.advAns)}</td>
              <td>
                <Badge ok={t.perceptionRight} yes="right" no="wrong" />
              </td>
              <td>
                <Badge ok={t.answerRight} yes="right" no="wrong" />
              </td>
              <td>
                {isBlindRecord(t) && (
                  <span
                    className="badge blind"
                    data-testid="blind-badge"
                    title={`reward-blind: the update pushes this ${t.perceptionRight ? 'right description down' : 'wrong description up'} (its description tokens' mean advantage is ${fmt(descAdvantage(t))}): the rewards that moved it do not see whether the description is right`}
                  >
                    reward-blind
                  </span>
                )}
              </td>
              <td>
                <Tokens t={t} by={by} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The rollout view, following the runs while it is on screen (a step's tokens are its largest render). */
export function RolloutsView() {
  const runs = useStaggered(useSettledRuns());
  return (
    <div>
      <RolloutsOf runs={runs} />
    </div>
  );
}

function RolloutsOf({ runs }: { runs: Run[] }) {
  const sel = useRunStore(
    useShallow((s) => ({ run: s.selectedRunId, step: s.selectedStep, prompt: s.selectedPrompt })),
  );
  const select = useRunStore((s) => s.select);
  const run = runs.find((r) => r.id === sel.run) ?? runs[runs.length - 1];
  if (!run || run.records.length === 0)
    return (
      <section className="panel" data-testid="rollouts">
        <h2>Rollouts</h2>
        <p className="hint">Recorded rollouts of every step appear here.</p>
      </section>
    );
  const steps = [...new Set(run.records.map((r) => r.step))];
  const step = sel.step ?? steps[steps.length - 1];
  const prompts = run.records.filter((r) => r.step === step);
  const rec = prompts[Math.min(sel.prompt, prompts.length - 1)];
  return (
    <section className="panel" data-testid="rollouts">
      <h2>Rollouts</h2>
      <div className="pickers">
        <label>
          run{' '}
          <select data-testid="pick-run" value={run.id} onChange={(e) => select(Number(e.target.value), null)}>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          step{' '}
          <select data-testid="pick-step" value={step} onChange={(e) => select(run.id, Number(e.target.value))}>
            {steps.map((s) => (
              <option key={s} value={s}>
                {s + 1}
              </option>
            ))}
          </select>
        </label>
        <label>
          prompt{' '}
          <select
            data-testid="pick-prompt"
            value={rec.index}
            onChange={(e) => select(run.id, step, Number(e.target.value))}
          >
            {prompts.map((p) => (
              <option key={p.index} value={p.index}>
                {p.index + 1}: {p.family}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint" data-testid="recorded-note">
        Recorded: {prompts.length} of the {run.config.batchPrompts} prompts of each step, in full (setting
        &quot;recorded prompts / step&quot;); the curves count every prompt. Steps are numbered from 1, as on the
        charts.
      </p>
      <ForkTree rec={rec} run={run} />
      <TrajectoryTable rec={rec} run={run} />
    </section>
  );
}

// The outside-run view: a run read from verl's rollout dumps or TRL's logged completions, by step and prompt group,
// with rewards, advantages (marked where computed here), the response split into its tagged parts, and
// per-token colouring where the log kept log-probabilities.

import { useRef, useState } from 'react';
import type { OutsideGroup } from '../bridge/outsideRun';
import type { Segment } from '../bridge/segments';
import { GROUPS_PER_PAGE, useOutsideStore } from './stores/outsideStore';
import { Table } from './Table';
import { ColorLegend, tokenStyle } from './TokenColors';

const fmt = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '–' : x.toFixed(d));
const MB = (b: number) => (b / 1e6).toFixed(1);
/** Extra reward fields shown as columns; the rest are in each row's tooltip. */
const EXTRA_COLUMNS = 4;

function Segments({ segments }: { segments: Segment[] }) {
  return (
    <span className="segments">
      {segments.map((s, i) => (
        <span
          key={i}
          className={`seg seg-${s.kind}${s.closed ? '' : ' seg-open'}`}
          data-testid={`seg-${s.kind}`}
          title={`${s.kind}${s.tag ? ` (<${s.tag}>)` : ''}${s.closed ? '' : ', never closed: cut by the length limit?'}`}
        >
          {s.text}
        </span>
      ))}
    </span>
  );
}

function Tokens({ tokens, logprobs }: { tokens: string[]; logprobs: number[] }) {
  return (
    <span className="tokens" data-testid="outside-tokens">
      {tokens.map((w, i) => (
        <span
          key={i}
          className="tok"
          style={tokenStyle(logprobs[i], 'logp')}
          title={`${w}: log p ${logprobs[i].toFixed(3)}`}
        >
          {w}
        </span>
      ))}
    </span>
  );
}

function Group({ g, extraKeys, byToken }: { g: OutsideGroup; extraKeys: string[]; byToken: boolean }) {
  const cols = extraKeys.slice(0, EXTRA_COLUMNS);
  return (
    <div className="outside-group" data-testid="outside-group">
      <h4>
        group {g.index + 1} · {g.rows.length} responses · mean score <b>{fmt(g.meanScore)}</b>
        {g.truth !== null && (
          <>
            {' '}
            · truth <code data-testid="outside-truth">{g.truth}</code>
          </>
        )}
      </h4>
      <details className="prompt">
        <summary data-testid="outside-prompt">
          {g.prompt.length > 160 ? `${g.prompt.slice(0, 160)}…` : g.prompt}
        </summary>
        <pre>{g.prompt}</pre>
      </details>
      <table data-testid="outside-rows">
        <thead>
          <tr>
            <th title="file:line it was read from">row</th>
            <th>score</th>
            <th title="the log's advantage, or * computed here within the group as verl's GRPO does">advantage</th>
            {cols.map((k) => (
              <th key={k}>{k}</th>
            ))}
            <th>response</th>
          </tr>
        </thead>
        <tbody>
          {g.rows.map((r) => (
            <tr key={`${r.file}:${r.line}`} data-testid="outside-row">
              <td className="muted" title={`${r.file}, line ${r.line}`}>
                {r.line}
              </td>
              <td data-testid="outside-score">{fmt(r.score)}</td>
              <td
                data-testid="outside-adv"
                data-computed={r.advComputed || undefined}
                title={
                  r.advComputed
                    ? "computed here: (score - group mean) / (group std + 1e-6), as verl's GRPO does; the log had none"
                    : 'as the log wrote it'
                }
              >
                {fmt(r.adv)}
                {r.advComputed && <span className="computed">*</span>}
              </td>
              {cols.map((k) => (
                <td key={k}>
                  {typeof r.extras[k] === 'number' ? fmt(r.extras[k] as number) : String(r.extras[k] ?? '–')}
                </td>
              ))}
              <td className="response">
                {byToken && r.tokens && r.logprobs ? (
                  <Tokens tokens={r.tokens} logprobs={r.logprobs} />
                ) : (
                  <Segments segments={r.segments} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OutsideRunView() {
  const s = useOutsideStore();
  const input = useRef<HTMLInputElement>(null);
  const [byToken, setByToken] = useState(true);
  const sum = s.summary;
  const stepSummary = sum?.steps.find((x) => x.step === s.step);
  const total = s.page?.total ?? 0;
  return (
    <section className="panel outside" data-testid="outside">
      <h2>Outside runs: verl and TRL rollout logs</h2>
      <p className="hint">
        Read a run trained elsewhere: every <code>*.jsonl</code> of a verl <code>trainer.rollout_data_dir</code> (select
        them together), TRL's <code>completions_*.parquet</code> (<code>log_completions=True</code>), or a W&amp;B
        completions table exported as JSON. The files are read in a worker and stay on this machine; the view is kept in
        this tab only (a reload forgets it, and the files are still where they were).
      </p>
      <button onClick={() => input.current?.click()} data-testid="outside-pick">
        Import rollouts…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept=".jsonl,.parquet,.json"
        data-testid="outside-import"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          if (files.length) s.importFiles(files);
          e.target.value = '';
        }}
      />
      {s.status === 'reading' && s.progress && (
        <p data-testid="outside-progress">
          reading {s.reading}: {MB(s.progress.loaded)} / {MB(s.progress.total)} MB, {s.progress.rows.toLocaleString()}{' '}
          rows <progress aria-label="import progress" max={Math.max(1, s.progress.total)} value={s.progress.loaded} />{' '}
          <button data-testid="outside-cancel" onClick={s.cancel}>
            Cancel
          </button>
        </p>
      )}
      {/* the import's end is announced; its progress, which changes many times a second, is not */}
      <div aria-live="polite">
        {s.status === 'cancelled' && (
          <p className="muted" data-testid="outside-cancelled">
            Import cancelled; nothing was kept.
          </p>
        )}
        {s.status === 'error' && (
          <p className="error" data-testid="outside-error">
            import failed: {s.error}
          </p>
        )}
        {s.status === 'done' && sum && <p className="visually-hidden">Imported {sum.rows} rows.</p>}
      </div>
      {sum && (
        <>
          <p data-testid="outside-summary">
            <b>{sum.name}</b>: a {sum.format === 'verl' ? 'verl rollout dump' : 'TRL completions log'},{' '}
            <span data-testid="outside-rows-count">{sum.rows.toLocaleString()}</span> rows in {sum.steps.length} steps.
            Advantages: {sum.advGiven.toLocaleString()} from the log, {sum.advComputed.toLocaleString()} computed here
            (marked *).{' '}
            {sum.withLogprobs > 0
              ? `${sum.withLogprobs.toLocaleString()} rows have per-token log-probabilities.`
              : 'No per-token log-probabilities in this log.'}
          </p>
          {sum.badCount > 0 && (
            <details className="bad-rows" data-testid="outside-bad" open={sum.badCount <= 5}>
              <summary>
                <span data-testid="outside-bad-count">{sum.badCount}</span> bad row{sum.badCount === 1 ? '' : 's'}{' '}
                skipped; the rest are kept
              </summary>
              <ul>
                {sum.bad.map((b) => (
                  <li key={`${b.file}:${b.line}`} data-testid="outside-bad-row">
                    {b.file}, line {b.line}: {b.message}
                  </li>
                ))}
                {sum.badCount > sum.bad.length && <li>… and {sum.badCount - sum.bad.length} more</li>}
              </ul>
            </details>
          )}
          <Table
            className="outside-steps"
            testId="outside-steps"
            head={[
              'step',
              'rows',
              'groups',
              { name: 'mean score ± se', title: "mean over the step's scored rows, ± its standard error" },
              {
                name: 'flat groups',
                title: "groups whose scores are all equal: their advantages are 0 (DAPO's filter drops them)",
              },
            ]}
          >
            {sum.steps.map((st) => (
              <tr
                key={st.step}
                className={st.step === s.step ? 'selected' : undefined}
                data-testid="outside-step"
                onClick={() => s.show(st.step)}
              >
                <td>
                  <button className="link" aria-pressed={st.step === s.step} aria-label={`step ${st.step}`}>
                    {st.step}
                  </button>
                </td>
                <td>{st.rows}</td>
                <td>{st.groups}</td>
                <td>
                  {fmt(st.meanScore)}
                  {st.seScore !== null && ` ± ${fmt(st.seScore)}`}
                </td>
                <td>{st.flatGroups}</td>
              </tr>
            ))}
          </Table>
          {stepSummary && s.page && (
            <div className="outside-page">
              <div className="pickers">
                <b data-testid="outside-step-shown">step {stepSummary.step}</b>
                <button
                  data-testid="outside-prev"
                  disabled={s.offset === 0}
                  onClick={() => s.show(stepSummary.step, Math.max(0, s.offset - GROUPS_PER_PAGE))}
                >
                  ‹ previous
                </button>
                <span data-testid="outside-page">
                  groups {total === 0 ? 0 : s.offset + 1}–{Math.min(total, s.offset + GROUPS_PER_PAGE)} of {total}
                </span>
                <button
                  data-testid="outside-next"
                  disabled={s.offset + GROUPS_PER_PAGE >= total}
                  onClick={() => s.show(stepSummary.step, s.offset + GROUPS_PER_PAGE)}
                >
                  next ›
                </button>
                {sum.withLogprobs > 0 && (
                  <label>
                    <input
                      type="checkbox"
                      checked={byToken}
                      data-testid="outside-by-token"
                      onChange={(e) => setByToken(e.target.checked)}
                    />{' '}
                    colour tokens by log-probability
                  </label>
                )}
                {sum.withLogprobs > 0 && byToken && <ColorLegend by="logp" />}
              </div>
              <p className="legend">
                <span className="seg seg-description">description</span>{' '}
                <span className="seg seg-reasoning">reasoning</span> <span className="seg seg-answer">answer</span>{' '}
                <span className="seg seg-other">untagged</span>
              </p>
              {s.page.groups.map((g) => (
                <Group key={g.index} g={g} extraKeys={sum.extraKeys} byToken={byToken} />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}

// The custom reward's editor: the source (config.rewardCode) in CodeMirror, its input documented
// beside it, examples to start from, errors at their line as it is typed (compiled in a worker),
// and "Check this reward": the reward check on held-out problems, before any training.

import { javascript } from '@codemirror/lang-javascript';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import CodeMirror, { type ReactCodeMirrorRef } from '@uiw/react-codemirror';
import { useEffect, useRef, useState } from 'react';
import { CUSTOM_REWARD_ALGOS } from '../rl/config';
import type { RewardCheckReport } from '../rl/rewardCheck';
import { REWARD_EXAMPLES } from '../rl/rewardExamples';
import { CORRUPTIONS, ORDER_CLASS } from '../tasks/corrupt';
import type { CodeProblem } from '../worker/rewardCheckProtocol';
import { checkReward, compileReward, type CheckHandle } from './rewardCheckClient';
import { useDraftStore } from './stores/draftStore';
import { useRewardCompile } from './stores/rewardCompileStore';
import './rewardEditor.css';

const EXTENSIONS = [javascript(), lintGutter()];

/** What reward(input) is given, field by field (rl/customReward.ts CustomRewardInput). */
const INPUT_DOC = `input = {
  description: {
    text,        // "large red circle top left , small blue square ..."
    objects,     // [{ size, color, shape, row, col, image }, ...]
                 //   null for a phrase that is not 5 valid words
    closed,      // closed by </desc> within the token limit
    wellFormed,  // closed, every phrase a distinct, complete object
  },
  question,      // "how many red objects are there ?"
  scene: { objects },  // the labelled objects, same shape
  answer: { text, truth, right, score, formatOk },
                 // null in the reward check (descriptions only)
  mi: { score, perToken, logpWith, logpWithout },
                 // null unless "MI for the reward" is on: the MI
                 // score; per description token, log p with the
                 // image and without it (as the estimator removes
                 // it): null unless the code names them (a pass
                 // more a step), and their difference (perToken)
  builtins: { f1, exact, mi, format },  // to compose with
  step, trajectory,
}
reward(input) returns one finite number: the description's
perception reward. Optional answerReward(input): the answer's.
Math.random is seeded per trajectory; there is no clock,
DOM, storage or network. 100 ms and 16 MiB per call.`;

const pct = (w: number, n: number) => (n ? `${((100 * w) / n).toFixed(1)}%` : 'n/a');

function CheckTable({ r, ms }: { r: RewardCheckReport; ms: number }) {
  return (
    <table className="reward-check-table" data-testid="reward-check-table">
      <caption>
        How often the ground-truth description scores above a corrupted copy of it, {r.count} held-out problems (
        {(ms / 1000).toFixed(1)} s). A class near 0% is one the reward cannot see, and training will not fix it.
      </caption>
      <thead>
        <tr>
          <th>corruption</th>
          <th>truth wins</th>
          <th>pairs</th>
        </tr>
      </thead>
      <tbody>
        {CORRUPTIONS.map((c) => {
          const t = r.classes[c];
          const low = t.pairs > 0 && t.wins / t.pairs < 0.9 && c !== ORDER_CLASS;
          return (
            <tr key={c} className={low ? 'low' : ''} data-testid={`check-${c}`}>
              <td>
                {c}
                {c === ORDER_CLASS ? ' (order: may rightly tie)' : ''}
              </td>
              <td>{pct(t.wins, t.pairs)}</td>
              <td>{t.pairs}</td>
            </tr>
          );
        })}
        <tr data-testid="check-overall">
          <td>all but order</td>
          <td>{(100 * r.overall_without_order).toFixed(1)}%</td>
          <td />
        </tr>
      </tbody>
    </table>
  );
}

function describeProblem(p: CodeProblem): string {
  return p.line !== null ? `line ${p.line}: ${p.message}` : p.message;
}

export function RewardEditor() {
  const algo = useDraftStore((s) => s.draft.algo);
  const code = useDraftStore((s) => s.draft.rewardCode);
  const setField = useDraftStore((s) => s.setField);
  const shown = CUSTOM_REWARD_ALGOS.includes(algo);
  // the compiler's answer, and the source it is about: an answer for an older source is not shown as this one's
  const compiled = useRewardCompile();
  const pending = compiled.source !== code;
  const problem = pending ? null : compiled.problem;
  const answered = compiled.answered;
  const [check, setCheck] = useState<
    | { state: 'idle' }
    | { state: 'running'; done: number; count: number }
    | { state: 'done'; report: RewardCheckReport; ms: number; source: string }
    | { state: 'failed'; problem: CodeProblem }
  >({ state: 'idle' });
  const [count, setCount] = useState(200);
  const running = useRef<CheckHandle | null>(null);
  const cm = useRef<ReactCodeMirrorRef>(null);

  // the custom algorithm starts from the first example rather than an error; the code is
  // compiled in the worker a moment after the typing stops (the answer for an older source is dropped)
  useEffect(() => {
    if (!shown) return;
    if (code.trim() === '') return setField('rewardCode', REWARD_EXAMPLES[0].source);
    const t = setTimeout(() => {
      void compileReward(code).then((p) => {
        if (p !== 'stale') answered(code, p);
      });
    }, 250);
    return () => clearTimeout(t);
  }, [shown, code, setField, answered]);

  // the error's line, marked in the editor
  useEffect(() => {
    const view = cm.current?.view;
    if (!view) return;
    const diags: Diagnostic[] = [];
    if (problem) {
      const n = Math.min(Math.max(problem.line ?? 1, 1), view.state.doc.lines);
      const line = view.state.doc.line(n);
      diags.push({ from: line.from, to: line.to, severity: 'error', message: problem.message });
    }
    view.dispatch(setDiagnostics(view.state, diags));
  }, [problem]);

  // a check in flight ends when the page leaves the editor
  useEffect(() => () => running.current?.cancel(), []);

  if (!shown) return null;

  // a check in flight is of the code it started with: an edit ends it
  const edit = (source: string) => {
    running.current?.cancel();
    setField('rewardCode', source);
  };

  const runCheck = () => {
    running.current?.cancel();
    const cfg = useDraftStore.getState().draft;
    setCheck({ state: 'running', done: 0, count });
    const h = checkReward(cfg, count, (done) => setCheck({ state: 'running', done, count }));
    running.current = h;
    void h.done.then((r) => {
      if (running.current !== h) return;
      running.current = null;
      if ('report' in r) setCheck({ state: 'done', report: r.report, ms: r.ms, source: cfg.rewardCode });
      else if (r.problem.message !== 'cancelled') setCheck({ state: 'failed', problem: r.problem });
      else setCheck({ state: 'idle' });
    });
  };

  return (
    <section className="panel reward-editor" data-testid="reward-editor">
      <h2>Your reward</h2>
      <p className="hint">
        Start from an example:{' '}
        {REWARD_EXAMPLES.map((e, i) => (
          <button key={e.name} title={e.note} data-testid={`reward-example-${i}`} onClick={() => edit(e.source)}>
            {e.name}
          </button>
        ))}
      </p>
      <div className="reward-columns">
        <div className="reward-code">
          <CodeMirror
            ref={cm}
            value={code}
            height="320px"
            extensions={EXTENSIONS}
            onChange={edit}
            data-testid="reward-code"
            aria-label="reward code"
          />
          {pending ? (
            <p className="hint" data-testid="reward-compiling">
              checking the code…
            </p>
          ) : problem ? (
            <p className="why" role="alert" data-testid="reward-error">
              {describeProblem(problem)}
            </p>
          ) : (
            <p className="hint" data-testid="reward-ok">
              compiles; defines reward(input)
            </p>
          )}
        </div>
        <pre className="reward-doc" data-testid="reward-doc">
          {INPUT_DOC}
        </pre>
      </div>
      <p>
        <button
          data-testid="reward-check"
          disabled={pending || problem !== null || check.state === 'running'}
          onClick={runCheck}
        >
          Check this reward
        </button>{' '}
        on{' '}
        <select data-testid="reward-check-count" value={count} onChange={(e) => setCount(Number(e.target.value))}>
          {[200, 500, 1000].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>{' '}
        held-out problems: the ground truth against corrupted copies of it, per kind of corruption.
        {check.state === 'running' && (
          <>
            {' '}
            <span data-testid="reward-check-progress">
              {check.done}/{check.count}
            </span>{' '}
            <button onClick={() => running.current?.cancel()}>cancel</button>
          </>
        )}
      </p>
      {check.state === 'done' && check.source !== code && (
        <p className="why" data-testid="reward-check-stale">
          The code has changed since this check: the table below is of the code before. Check it again.
        </p>
      )}
      {check.state === 'done' && (
        <div className={check.source !== code ? 'stale' : undefined}>
          <CheckTable r={check.report} ms={check.ms} />
        </div>
      )}
      {check.state === 'failed' && (
        <p className="why" role="alert" data-testid="reward-check-error">
          The check stopped: {describeProblem(check.problem)}
        </p>
      )}
    </section>
  );
}

// A run from another framework, as its rollout logs give it: rows of (step, prompt, response, score), grouped by
// step and prompt into the groups their advantages were taken over. Rows are kept as read; what the file lacks is
// computed here and marked so (advantages), never invented (log-probabilities).

import { splitSegments, type Segment } from './segments';

/** Which framework's log a run came from. */
export type OutsideFormat = 'verl' | 'trl';

export type ExtraValue = number | string | boolean | null;

export interface OutsideRow {
  /** Where it was read: the file and its 1-based line (for a table, its row's line as the file was read). */
  file: string;
  line: number;
  step: number;
  prompt: string;
  response: string;
  /** The ground truth the reward compared against, where the log has it. */
  truth: string | null;
  /** The reward the trainer optimised (verl's score; TRL's summed reward), or null where the row lacks one. */
  score: number | null;
  /** The advantage as the log wrote it, or null where it did not. */
  advantage: number | null;
  /** The reward's other fields (verl's reward_extra_info, TRL's per-function rewards), as read. */
  extras: Record<string, ExtraValue>;
  /** The response's tokens and their log-probabilities under the sampling policy, where the log has both. */
  tokens: string[] | null;
  logprobs: number[] | null;
}

interface ShownRow extends OutsideRow {
  /** The advantage shown: the log's, or computed within the group (then `advComputed`). */
  adv: number | null;
  advComputed: boolean;
  segments: Segment[];
}

export interface OutsideGroup {
  step: number;
  /** Its place among the step's groups, in the order their first rows were read. */
  index: number;
  prompt: string;
  truth: string | null;
  meanScore: number | null;
  rows: ShownRow[];
}

interface StepSummary {
  step: number;
  rows: number;
  groups: number;
  /** Mean score over the step's scored rows, and its standard error (null with fewer than two). */
  meanScore: number | null;
  seScore: number | null;
  /** Groups whose scores are all equal: their computed advantages are 0 (what DAPO's filter drops). */
  flatGroups: number;
}

export interface BadRow {
  file: string;
  line: number;
  message: string;
}

export interface OutsideRunSummary {
  id: number;
  name: string;
  format: OutsideFormat;
  files: string[];
  rows: number;
  steps: StepSummary[];
  /** The first bad rows, with where they are; `badCount` counts them all. */
  bad: BadRow[];
  badCount: number;
  /** Rows whose advantage the log gave, and rows where it is computed here. */
  advGiven: number;
  advComputed: number;
  /** Rows with per-token log-probabilities (and the tokens to hang them on). */
  withLogprobs: number;
  /** The extra fields seen, numeric ones first: the viewer's columns. */
  extraKeys: string[];
}

/** How many bad rows a summary names one by one (all are counted). */
const BAD_ROWS_LISTED = 200;

/** GRPO's advantage as verl computes it: (r - mean) / (std + 1e-6), std with Bessel's correction; a group of one gets its score unchanged (mean 0, std 1). */
export function groupAdvantages(scores: readonly number[]): number[] {
  const n = scores.length;
  if (n === 1) return [scores[0]];
  const mean = scores.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return scores.map((s) => (s - mean) / (std + 1e-6));
}

function meanSe(xs: readonly number[]): { mean: number | null; se: number | null } {
  if (xs.length === 0) return { mean: null, se: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, se: null };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, se: Math.sqrt(v / xs.length) };
}

/** Collects rows as they are read, then answers the viewer's questions about them. */
export class OutsideRunBuilder {
  private readonly steps = new Map<number, Map<string, OutsideRow[]>>();
  private readonly files: string[] = [];
  private readonly bad: BadRow[] = [];
  private badCount = 0;
  private rowCount = 0;
  private advGiven = 0;
  private withLogprobs = 0;
  private readonly extraKinds = new Map<string, boolean>();

  constructor(
    readonly id: number,
    readonly name: string,
    readonly format: OutsideFormat,
  ) {}

  addFile(name: string): void {
    this.files.push(name);
  }

  add(row: OutsideRow): void {
    let groups = this.steps.get(row.step);
    if (!groups) this.steps.set(row.step, (groups = new Map()));
    const g = groups.get(row.prompt);
    if (g) g.push(row);
    else groups.set(row.prompt, [row]);
    this.rowCount++;
    if (row.advantage !== null) this.advGiven++;
    if (row.logprobs) this.withLogprobs++;
    for (const [k, v] of Object.entries(row.extras)) {
      const numeric = typeof v === 'number' || typeof v === 'boolean';
      this.extraKinds.set(k, (this.extraKinds.get(k) ?? true) && (numeric || v === null));
    }
  }

  addBad(file: string, line: number, message: string): void {
    this.badCount++;
    if (this.bad.length < BAD_ROWS_LISTED) this.bad.push({ file, line, message });
  }

  get rows(): number {
    return this.rowCount;
  }

  summary(): OutsideRunSummary {
    const steps = [...this.steps.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([step, groups]): StepSummary => {
        const scores: number[] = [];
        let rows = 0;
        let flatGroups = 0;
        for (const g of groups.values()) {
          rows += g.length;
          const s = g.map((r) => r.score).filter((x): x is number => x !== null);
          scores.push(...s);
          if (g.length > 1 && s.length === g.length && s.every((x) => x === s[0])) flatGroups++;
        }
        const { mean, se } = meanSe(scores);
        return { step, rows, groups: groups.size, meanScore: mean, seScore: se, flatGroups };
      });
    const keys = [...this.extraKinds.entries()];
    return {
      id: this.id,
      name: this.name,
      format: this.format,
      files: [...this.files],
      rows: this.rowCount,
      steps,
      bad: [...this.bad],
      badCount: this.badCount,
      advGiven: this.advGiven,
      advComputed: this.rowCount - this.advGiven,
      withLogprobs: this.withLogprobs,
      extraKeys: [...keys.filter(([, n]) => n), ...keys.filter(([, n]) => !n)].map(([k]) => k),
    };
  }

  /** The step's groups from `offset`, at most `limit`, and how many it has. */
  groups(step: number, offset: number, limit: number): { groups: OutsideGroup[]; total: number } {
    const all = [...(this.steps.get(step)?.values() ?? [])];
    const groups = all.slice(offset, offset + limit).map((rows, i) => shownGroup(step, offset + i, rows));
    return { groups, total: all.length };
  }
}

/** A group as the viewer shows it: advantages the log lacks computed over the group's scores. */
function shownGroup(step: number, index: number, rows: readonly OutsideRow[]): OutsideGroup {
  const scored = rows.every((r) => r.score !== null);
  const computed = scored ? groupAdvantages(rows.map((r) => r.score as number)) : null;
  const scores = rows.map((r) => r.score).filter((x): x is number => x !== null);
  return {
    step,
    index,
    prompt: rows[0].prompt,
    truth: rows.find((r) => r.truth !== null)?.truth ?? null,
    meanScore: meanSe(scores).mean,
    rows: rows.map((r, i) => ({
      ...r,
      adv: r.advantage ?? computed?.[i] ?? null,
      advComputed: r.advantage === null && computed !== null,
      segments: splitSegments(r.response),
    })),
  };
}

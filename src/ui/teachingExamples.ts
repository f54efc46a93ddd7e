// The Teaching tab's examples, mined from the runs' recorded rollouts: the clearest lucky guess the reference arm
// pushed up, two equal descriptions its answers gave different advantages, and a description the MI arm's gate
// pushed down. Each points at its trajectories, so the view can show them side by side across arms.

import type { Arm } from '../rl/comparison';
import type { RLConfig } from '../rl/config';
import { descAdvantage } from '../rl/metrics';
import type { PromptRecord, TrajectoryRecord } from '../rl/types';
import { fmtSigned } from './format';
import { clearestLucky } from './lesson';

/** What example mining reads of a run: its config and its recorded rollouts. */
export interface RecordedRun {
  config: RLConfig;
  records: readonly PromptRecord[];
}

/** An arm's runs, as the examples name them. */
export interface ArmOfRuns<R extends RecordedRun> {
  arm: Arm;
  runs: readonly R[];
}

export interface Example {
  id: 'lucky' | 'equal' | 'gated';
  text: string;
  /** The problem it is about, across runs (problemKey). */
  key: string;
  /** Trajectories to point at, per arm id. */
  pointed: Partial<Record<Arm['id'], number[]>>;
}

/** A problem across runs: its seed and index name it only within one task mix (a family added shifts the rotation). */
export const problemKey = (c: RLConfig, p: PromptRecord) =>
  `${c.families.join(',')}|${JSON.stringify(c.knobs)}|${p.taskSeed}:${p.taskIndex}`;
const words = (t: TrajectoryRecord) => t.description.join(' ');
const signed = (x: number) => fmtSigned(x, 2);
const keyed = (rs: readonly RecordedRun[]) =>
  rs.flatMap((r) => r.records.map((p) => ({ ...p, key: problemKey(r.config, p) })));

function luckyExample({ arm, runs }: ArmOfRuns<RecordedRun>): Example | null {
  const best = clearestLucky(keyed(runs));
  if (!best) return null;
  const t = best.rec.trajectories[best.index];
  return {
    id: 'lucky',
    key: best.rec.key,
    pointed: { [arm.id]: [best.index] },
    text: `A lucky guess ${arm.name} pushed up (step ${best.rec.step + 1}, #${best.index + 1}): the description "${words(t)}" is wrong against the scene (F1 ${t.descF1.toFixed(2)}), the answer "${t.continuation.join(' ')}" right, so the description got advantage ${signed(best.adv)}: likelier next time.`,
  };
}

/** Two identical descriptions of one prompt whose advantages differ only by the answers that followed: the widest gap over 0.5. */
function equalExample({ arm, runs }: ArmOfRuns<RecordedRun>): Example | null {
  let found: Example | null = null;
  let bestGap = 0.5;
  for (const p of keyed(runs)) {
    const by = new Map<string, number[]>();
    p.trajectories.forEach((t, i) => by.set(words(t), [...(by.get(words(t)) ?? []), i]));
    for (const [d, is] of by) {
      if (is.length < 2 || !d) continue;
      const adv = is.map((i) => descAdvantage(p.trajectories[i]) ?? 0);
      const hi = is[adv.indexOf(Math.max(...adv))];
      const lo = is[adv.indexOf(Math.min(...adv))];
      const gap = Math.max(...adv) - Math.min(...adv);
      if (gap <= bestGap) continue;
      bestGap = gap;
      const right = p.trajectories[hi].perceptionRight ? 'right' : 'wrong';
      found = {
        id: 'equal',
        key: p.key,
        pointed: { [arm.id]: [lo, hi] },
        text: `Two equal descriptions, two ${arm.name} advantages (step ${p.step + 1}, #${lo + 1} and #${hi + 1}): the same ${right} description "${d}" got ${signed(Math.min(...adv))} and ${signed(Math.max(...adv))}, decided only by the answers after it.`,
      };
    }
  }
  return found;
}

/** The first description the gate pushed down, with its MI rank in the group. */
function gatedExample({ arm, runs }: ArmOfRuns<RecordedRun>): Example | null {
  for (const p of keyed(runs)) {
    const byMi = p.trajectories.map((t, i) => ({ t, i })).sort((a, b) => (b.t.mi ?? 0) - (a.t.mi ?? 0));
    const g = byMi.find(({ t }) => t.gated);
    if (!g) continue;
    const rank = byMi.indexOf(g) + 1;
    return {
      id: 'gated',
      key: p.key,
      pointed: { [arm.id]: [g.i] },
      text: `A description ${arm.name}'s gate pushed down (step ${p.step + 1}, #${g.i + 1}): "${words(g.t)}" has MI ${(g.t.mi ?? 0).toFixed(1)} nats, rank ${rank} of ${p.trajectories.length}, but does not parse into distinct, complete objects, so the gate gave it the group's lowest perception score (R_perc ${g.t.rPerc.toFixed(2)}, A_perc ${signed(g.t.advPerc)})${g.t.kept ? '' : ' and it was not continued'}.`,
    };
  }
  return null;
}

/** The examples of the lesson, from the reference arm's runs and the MI arm's, each pointing at its rows. */
export function findExamples(reference: ArmOfRuns<RecordedRun>, mi: ArmOfRuns<RecordedRun>): Example[] {
  return [luckyExample(reference), equalExample(reference), gatedExample(mi)].filter((e) => e !== null);
}

/** The latest run's record of an example's problem, or null where none of `runs` recorded it. */
export function findRecord<R extends RecordedRun>(
  runs: readonly R[],
  key: string,
): { run: R; rec: R['records'][number] } | null {
  for (const r of [...runs].reverse()) {
    const rec = r.records.find((x) => problemKey(r.config, x) === key);
    if (rec) return { run: r, rec };
  }
  return null;
}

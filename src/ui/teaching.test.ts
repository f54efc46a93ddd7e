// The Teaching tab's pure parts on the committed runs: arm roles and colours from the algorithm table, arm matching
// (measured files and runs made here alike), one run per seed, and the examples mined from recorded rollouts.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { algorithmOf, findAlgorithm } from '../rl/algorithms/table';
import { customArm } from '../rl/comparison';
import { DEFAULT_RL } from '../rl/config';
import { descAdvantage } from '../rl/metrics';
import { importRun } from '../rl/runFile';
import {
  ARMS,
  armColour,
  armOf,
  armRuns,
  LABELLED_ARM,
  matchMeasured,
  measuredRunText,
  MI_ARM,
  REFERENCE,
  runColour,
} from './teachingArms';
import { findExamples, findRecord, problemKey } from './teachingExamples';

const DIRS = ['data/experiment-wasm', 'data/experiment-grounding'];
const committed = DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((n) => n.endsWith('.json'))
    .map((n) => {
      const path = `${d}/${n}`;
      const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      return { path, file: importRun(measuredRunText(path, data)) };
    }),
);
const { added: measured, unmatched } = matchMeasured(committed);

describe('teaching arms', () => {
  it('finds its three core arms by their rows: the answer-only reference, the MI reward, the labelled one', () => {
    expect([REFERENCE, MI_ARM, LABELLED_ARM].every((a) => a.core)).toBe(true);
    expect(algorithmOf(REFERENCE.config).perception).toBe('none');
    expect(REFERENCE.ref).toBeNull();
    expect(algorithmOf(MI_ARM.config).perception).toBe('mi');
    expect(algorithmOf(LABELLED_ARM.config).perception).toBe('labelled');
  });

  it("colours each arm apart, an algorithm arm by its row's colour, a custom reward by the custom row's", () => {
    const colours = ARMS.map(armColour);
    expect(new Set(colours).size).toBe(ARMS.length);
    expect(colours).not.toContain(armColour(undefined));
    for (const a of ARMS.filter((x) => x.kind === 'algorithm')) expect(armColour(a)).toBe(algorithmOf(a.config).colour);
    const custom = customArm({ ...DEFAULT_RL, algo: 'custom', rewardCode: 'function reward() { return 1; }' });
    expect(custom).not.toBeNull();
    expect(runColour(custom!.config)).toBe(findAlgorithm('custom')?.colour);
    expect(runColour({ ...REFERENCE.config, G: 7 })).toBe(armColour(undefined));
  });

  it('matches a run to its arm by the whole config but the seed, the warm start by what it resolves to', () => {
    expect(armOf({ ...MI_ARM.config, seed: 42 })).toBe(MI_ARM);
    expect(armOf({ ...REFERENCE.config, warmStart: 'tinyvlm-v1' })).toBe(REFERENCE);
    expect(armOf({ ...REFERENCE.config, G: REFERENCE.config.G + 1 })).toBeUndefined();
  });

  it('matches every arm to its three committed seeds, and names the committed files no arm runs', () => {
    for (const a of ARMS) {
      const seeds = measured.filter((r) => armOf(r.config) === a).map((r) => r.config.seed);
      expect(seeds.sort(), a.id).toEqual([1, 2, 3]);
    }
    expect(measured.length + unmatched.length).toBe(committed.length);
    expect(unmatched.every((p) => p.startsWith('data/experiment-'))).toBe(true);
    expect(measured.every((r) => r.label.endsWith('(measured, wasm backend)'))).toBe(true);
  });

  it('keeps one run per seed, the one whose held-out evaluations went furthest', () => {
    const full = measured.find((r) => armOf(r.config) === REFERENCE && r.config.seed === 1)!;
    const cut = { ...full, metrics: full.metrics.slice(0, 30), label: 'cut' };
    for (const runs of [
      [full, cut],
      [cut, full],
    ])
      expect(armRuns(runs).get(REFERENCE)).toEqual([full]);
    expect(armRuns([cut]).get(REFERENCE)).toEqual([cut]);
    expect(armRuns([{ ...cut, metrics: [] }]).get(REFERENCE)).toEqual([]);
  });
});

describe('teaching examples', () => {
  const byArm = armRuns(measured);
  const ref = { arm: REFERENCE, runs: byArm.get(REFERENCE)! };
  const mi = { arm: MI_ARM, runs: byArm.get(MI_ARM)! };
  const examples = findExamples(ref, mi);
  const pointedAt = (id: string) => {
    const e = examples.find((x) => x.id === id)!;
    const [[armId, indices]] = Object.entries(e.pointed);
    const runs = armId === REFERENCE.id ? ref.runs : mi.runs;
    const hit = findRecord(runs, e.key)!;
    return { e, armId, trajectories: indices!.map((i) => hit.rec.trajectories[i]) };
  };

  it('finds the three examples in the committed runs, each naming its arm', () => {
    expect(examples.map((e) => e.id)).toEqual(['lucky', 'equal', 'gated']);
    expect(examples[0].text).toMatch(new RegExp(`^A lucky guess ${REFERENCE.name} pushed up`));
    expect(examples[2].text).toMatch(new RegExp(`^A description ${MI_ARM.name}'s gate pushed down`));
  });

  it('points the lucky guess at a wrong description before a right answer, pushed up', () => {
    const { armId, trajectories } = pointedAt('lucky');
    expect(armId).toBe(REFERENCE.id);
    const [t] = trajectories;
    expect([t.answerRight, t.perceptionRight, descAdvantage(t)! > 0]).toEqual([true, false, true]);
  });

  it('points the equal pair at one description with advantages more than 0.5 apart, low first', () => {
    const {
      trajectories: [lo, hi],
    } = pointedAt('equal');
    expect(lo.description).toEqual(hi.description);
    expect(descAdvantage(hi)! - descAdvantage(lo)!).toBeGreaterThan(0.5);
  });

  it("points the gated example at a description the MI arm's gate pushed down", () => {
    const { armId, trajectories } = pointedAt('gated');
    expect(armId).toBe(MI_ARM.id);
    expect(trajectories[0].gated).toBe(true);
  });

  it("finds an example's problem in the latest run that recorded it, and nothing where none did", () => {
    const key = examples[0].key;
    const hit = findRecord(ref.runs, key)!;
    expect(problemKey(hit.run.config, hit.rec)).toBe(key);
    expect(hit.run).toBe([...ref.runs].reverse().find((r) => r.records.some((p) => problemKey(r.config, p) === key)));
    expect(findRecord(mi.runs.slice(0, 0), key)).toBeNull();
    expect(findExamples({ ...ref, runs: [] }, { ...mi, runs: [] })).toEqual([]);
  });
});

// The Teaching tab's arms as runs meet them: which arm a run belongs to, each arm's runs one per seed, the three
// arms the lesson names and each arm's colour. Roles and colours are read from the algorithm table's rows, so no
// algorithm is named here.

import { algorithmOf } from '../rl/algorithms/table';
import { comparisonArms, customArm, customArmsOf, runPerSeed, type Arm } from '../rl/comparison';
import type { RLConfig } from '../rl/config';
import type { StepMetrics } from '../rl/types';
import { warmStartFor } from '../tasks/families';

/** What arm matching reads of a run: its config and its steps. */
export interface ArmRun {
  config: RLConfig;
  metrics: readonly StepMetrics[];
}

export const ARMS = comparisonArms();
export const ARM_BY_ID = new Map(ARMS.map((a) => [a.id, a]));

function coreArm(what: string, test: (a: Arm) => boolean): Arm {
  const arm = ARMS.find((a) => a.core && test(a));
  if (!arm) throw new Error(`the comparison has no ${what} among its core arms`);
  return arm;
}
/** The answer-only reference the algorithm arms are judged against. */
export const REFERENCE = coreArm('reference', (a) => a.ref === null);
/** The arm whose descriptions are rewarded by their MI with the image. */
export const MI_ARM = coreArm('MI arm', (a) => algorithmOf(a.config).perception === 'mi');
/** The arm rewarded by the scene's labels: the bound MI approximates without them. */
export const LABELLED_ARM = coreArm('labelled arm', (a) => algorithmOf(a.config).perception === 'labelled');

/** A config as an arm sees it: any seed, and the warm start it starts from however it is named. */
const armKey = (c: RLConfig) => JSON.stringify({ ...c, seed: 0, warmStart: warmStartFor(c.families, c.warmStart) });
/** Same config as the arm's but for the seed: a run of the comparison. */
export const sameArm = (c: RLConfig, a: Arm) => armKey(c) === armKey(a.config);
/** The comparison's arm a config runs, if any (a custom reward's arm is not one of them: customArm). */
export const armOf = (c: RLConfig) => ARMS.find((a) => sameArm(c, a));

/**
 * The comparison's runs of each arm, one per seed (a reloaded or re-run seed counts once): the one whose held-out
 * evaluations went furthest, so a re-run under way does not stand in for a finished run until it catches up. The
 * arms are the comparison's, then each custom reward run at the comparison's size (customArmsOf), in the map's order.
 */
export function armRuns<R extends ArmRun>(runs: readonly R[]): Map<Arm, R[]> {
  const yours = customArmsOf(runs.filter((r) => r.metrics.length).map((r) => r.config));
  return new Map(
    [...ARMS, ...yours].map((a) => {
      const mine = runs.filter((r) => sameArm(r.config, a) && r.metrics.length);
      return [
        a,
        runPerSeed(mine.map((run) => ({ seed: run.config.seed, metrics: run.metrics, run }))).map((x) => x.run),
      ];
    }),
  );
}

/** A task arm trains an algorithm arm's update on another mix, so its colour is its own, by arm. */
const TASK_ARM_COLOURS: Record<string, string> = {
  vicrit: '#4d7c0f',
  'grpo-v1g': '#991b1b',
  'visual-rft': '#1e40af',
  'mirg-rl': '#0f766e',
};
const NO_ARM_COLOUR = '#555';

/** One colour per arm, whatever the seed (the legend names the seeds): an algorithm arm's is its row's. */
export const armColour = (a: Arm | undefined): string =>
  (a && (a.kind === 'task' ? TASK_ARM_COLOURS[a.id] : algorithmOf(a.config).colour)) ?? NO_ARM_COLOUR;

/** A run's colour: its arm's, or its custom reward's. */
export const runColour = (c: RLConfig): string => armColour(armOf(c) ?? customArm(c) ?? undefined);

/**
 * A committed run (`npm run experiment`'s JSON) as the text of a run file of share schema v5, the version the
 * experiments ran at, so it is read and checked as an imported run is.
 */
export const measuredRunText = (path: string, data: Record<string, unknown>): string =>
  JSON.stringify({
    kind: 'mirl-playground-run',
    version: 5,
    label: path,
    config: data.config,
    metrics: data.steps,
    records: data.last_records ?? [],
  });

/** A committed run, read back as a run file: where it came from, and what it holds. */
interface MeasuredFile<R extends ArmRun> {
  path: string;
  file: R;
}

/**
 * The committed runs as the comparison's runs, in path order, each labelled by its arm and seed; matched by the whole
 * config, as runs made here are, so a file no arm matches is named (by its path from data/) rather than shown under none.
 */
export function matchMeasured<R extends ArmRun>(files: readonly MeasuredFile<R>[]) {
  const unmatched: string[] = [];
  const added = [...files]
    .sort((a, b) => a.path.localeCompare(b.path))
    .flatMap(({ path, file }) => {
      const arm = armOf(file.config);
      if (!arm) {
        unmatched.push(path.replace(/^.*\/data\//, 'data/'));
        return [];
      }
      const seed = /seed(\d+)\.json$/.exec(path)?.[1];
      return [{ ...file, label: `${arm.name} seed ${seed} (measured, wasm backend)` }];
    });
  return { added, unmatched };
}

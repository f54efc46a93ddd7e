// Which steps do the optional work: MI and KL measured as metrics every `metricEvery` steps.

import type { RLConfig } from './config';

/** A metric step: MI (where it is not the reward) and the KL (where it is not in the loss) are measured on it. */
export const metricStep = (cfg: Pick<RLConfig, 'metricEvery'>, step: number): boolean =>
  cfg.metricEvery > 0 && step % cfg.metricEvery === 0;

/** Whether this step computes the KL to the warm start: always when it is in the loss, on metric steps otherwise. */
export function measuresKL(cfg: Pick<RLConfig, 'beta' | 'metricEvery'>, step: number): boolean {
  return cfg.beta > 0 || metricStep(cfg, step);
}

// A run's config as a recipe for the RL frameworks a real VLM is trained with: verl's
// `main_ppo` override list (or its DAPO recipe, for the flat-group filter) and an EasyR1
// YAML. One table, MAPPING, drives both files and the README's table: each row is one
// setting of the playground, with what it becomes in each framework, or why nothing does.
// The keys were read from the frameworks' config at the commits named below; the test
// checks every key written against key lists generated from those commits
// (scripts/bridge/schema_keys.py -> schemas/).

import { algorithmOf } from '../algorithms/table';
import type { RLConfig } from '../config';
import { warmStartFor } from '../../tasks/families';

export const VERL_AT = { repo: 'volcengine/verl', commit: 'b178a3cd56f58b2d502255daba591e92833930a7' } as const;
export const DAPO_AT = {
  repo: 'verl-project/verl-recipe',
  commit: '48ea0a797fa29867ea0ad92aff7d284eec7d4be3',
} as const;
export const EASYR1_AT = { repo: 'hiyouga/EasyR1', commit: 'b44b311b669bf1fd1aa2fc36f2251482ba33cb16' } as const;

type Scalar = string | number | boolean | null;
type Value = Scalar | readonly number[] | Readonly<Record<string, Scalar>>;
/** One key the recipe sets, in the framework's dotted form. */
export interface Setting {
  key: string;
  value: Value;
}

/**
 * What a row becomes in one framework: the keys it sets and, where they do not do exactly what the
 * playground does, a note of the difference; or `gap`, why nothing there does it (nothing is emitted).
 */
type Mapped = { set: Setting[]; note?: string } | { gap: string };
type Framework = 'verl' | 'easyr1';

interface MappingRow {
  /** The playground's setting, as the README's table names it. */
  setting: string;
  /** Whether the row concerns this config (a method's own reward only when that method runs). */
  applies?: (c: RLConfig) => boolean;
  verl: (c: RLConfig) => Mapped;
  easyr1: (c: RLConfig) => Mapped;
}

const set = (...s: [string, Value][]): Mapped => ({ set: s.map(([key, value]) => ({ key, value })) });
const noted = (note: string, ...s: [string, Value][]): Mapped => ({ ...set(...s), note });
const gap = (why: string): Mapped => ({ gap: why });
const both = (m: (c: RLConfig) => Mapped) => ({ verl: m, easyr1: m });

const ACTOR = 'actor_rollout_ref.actor';
const ROLLOUT = 'actor_rollout_ref.rollout';

/** The responses sampled per prompt: MIRL continues k of its N pre-samples, the others sample G. */
const groupSize = (c: RLConfig): number => (algorithmOf(c).group === 'forks' ? c.k : c.G);
/**
 * Prompts per update: the step's prompt groups split evenly into `miniBatches`; where they do not
 * split evenly, the largest divisor below that, since both frameworks require whole updates.
 */
function miniBatchPrompts(c: RLConfig): number {
  let d = Math.max(1, Math.floor(c.batchPrompts / c.miniBatches));
  while (c.batchPrompts % d) d--;
  return d;
}
const miniBatchNote = (c: RLConfig): string | undefined =>
  c.batchPrompts % c.miniBatches
    ? `${c.batchPrompts} prompts do not split evenly into ${c.miniBatches} updates, and the framework needs whole ones: its updates hold ${miniBatchPrompts(c)} prompts (${c.batchPrompts / miniBatchPrompts(c)} updates per epoch)`
    : undefined;
const withNote = (m: Mapped, note: string | undefined): Mapped => (note && 'set' in m ? { ...m, note } : m);
const isMethod =
  (...perception: string[]) =>
  (c: RLConfig): boolean =>
    perception.includes(algorithmOf(c).perception);

export const MAPPING: readonly MappingRow[] = [
  {
    setting: 'algorithm and advantage estimator',
    verl: () => set(['algorithm.adv_estimator', 'grpo']),
    easyr1: () => set(['algorithm.adv_estimator', 'grpo']),
  },
  {
    setting: 'group size (G; MIRL: k forks)',
    verl: (c) => set([`${ROLLOUT}.n`, groupSize(c)]),
    easyr1: (c) => set(['worker.rollout.n', groupSize(c)]),
  },
  {
    setting: 'prompts per step',
    verl: (c) => set(['data.train_batch_size', c.batchPrompts]),
    easyr1: (c) => set(['data.rollout_batch_size', c.batchPrompts]),
  },
  {
    setting: 'steps',
    verl: (c) => set(['trainer.total_training_steps', c.steps]),
    easyr1: (c) => set(['trainer.max_steps', c.steps]),
  },
  {
    setting: 'learning rate',
    verl: (c) => set([`${ACTOR}.optim.lr`, c.lr]),
    easyr1: (c) => set(['worker.actor.optim.lr', c.lr]),
  },
  {
    setting: 'lr warm-up and schedule',
    verl: (c) =>
      noted(
        'warm-up rises linearly to the learning rate; cosine decays to 10% of it (min_lr_ratio) over the steps after it, as here',
        [`${ACTOR}.optim.lr_warmup_steps`, c.warmupSteps],
        [`${ACTOR}.optim.lr_scheduler_type`, c.lrSchedule],
        ...(c.lrSchedule === 'cosine' ? ([[`${ACTOR}.optim.min_lr_ratio`, 0.1]] as [string, Value][]) : []),
      ),
    easyr1: (c) =>
      set(
        ['worker.actor.optim.lr_warmup_steps', c.warmupSteps],
        ['worker.actor.optim.lr_scheduler_type', c.lrSchedule],
        ...(c.lrSchedule === 'cosine' ? ([['worker.actor.optim.min_lr_ratio', 0.1]] as [string, Value][]) : []),
      ),
  },
  {
    setting: 'AdamW (beta2; weight decay 0 and gradient-norm clip 1, fixed here)',
    verl: (c) =>
      set(
        [`${ACTOR}.optim.betas`, [0.9, c.adamBeta2]],
        [`${ACTOR}.optim.weight_decay`, 0],
        [`${ACTOR}.optim.clip_grad`, 1],
      ),
    easyr1: (c) =>
      set(
        ['worker.actor.optim.betas', [0.9, c.adamBeta2]],
        ['worker.actor.optim.weight_decay', 0],
        ['worker.actor.max_grad_norm', 1],
      ),
  },
  {
    setting: 'clip low and high',
    verl: (c) => set([`${ACTOR}.clip_ratio_low`, c.clipLow], [`${ACTOR}.clip_ratio_high`, c.clipHigh]),
    easyr1: (c) => set(['worker.actor.clip_ratio_low', c.clipLow], ['worker.actor.clip_ratio_high', c.clipHigh]),
  },
  {
    setting: 'epochs per rollout and updates per epoch',
    verl: (c) =>
      withNote(
        set([`${ACTOR}.ppo_epochs`, c.ppoEpochs], [`${ACTOR}.ppo_mini_batch_size`, miniBatchPrompts(c)]),
        miniBatchNote(c),
      ),
    easyr1: (c) =>
      withNote(
        set(['worker.actor.ppo_epochs', c.ppoEpochs], ['worker.actor.global_batch_size', miniBatchPrompts(c)]),
        miniBatchNote(c),
      ),
  },
  {
    setting: 'KL coefficient and estimator (k3 to the warm start, in the loss)',
    verl: (c) =>
      c.beta > 0
        ? noted(
            'low_var_kl is k3 clamped to [-10, 10]; the reference is the model you start from, as the warm start is here',
            [`${ACTOR}.use_kl_loss`, true],
            [`${ACTOR}.kl_loss_coef`, c.beta],
            [`${ACTOR}.kl_loss_type`, 'low_var_kl'],
            ['algorithm.use_kl_in_reward', false],
          )
        : set([`${ACTOR}.use_kl_loss`, false], ['algorithm.use_kl_in_reward', false]),
    easyr1: (c) =>
      c.beta > 0
        ? noted(
            'low_var_kl is k3 clamped to [-10, 10]; the reference is the model you start from, as the warm start is here',
            ['algorithm.disable_kl', false],
            ['algorithm.use_kl_loss', true],
            ['algorithm.kl_coef', c.beta],
            ['algorithm.kl_penalty', 'low_var_kl'],
          )
        : set(['algorithm.disable_kl', true], ['algorithm.use_kl_loss', false]),
  },
  {
    setting: 'temperature and top-p',
    verl: (c) => set([`${ROLLOUT}.temperature`, c.temperature], [`${ROLLOUT}.top_p`, c.topP]),
    easyr1: (c) => set(['worker.rollout.temperature', c.temperature], ['worker.rollout.top_p', c.topP]),
  },
  {
    setting: 'loss aggregation',
    verl: (c) => set([`${ACTOR}.loss_agg_mode`, c.lossAgg === 'token' ? 'token-mean' : 'seq-mean-token-mean']),
    easyr1: (c) => set(['worker.actor.loss_avg_mode', c.lossAgg === 'token' ? 'token' : 'seq']),
  },
  {
    setting: 'std normalisation of the advantage',
    verl: (c) => set(['algorithm.norm_adv_by_std_in_grpo', c.advNormalize === 'std']),
    easyr1: (c) =>
      c.advNormalize === 'std'
        ? { set: [], note: "EasyR1's grpo estimator always divides by the group's std (+1e-6), as 'std' does here" }
        : gap(
            "EasyR1's grpo estimator always divides by the group's std; it has no switch for Dr.GRPO's R - mean, so this recipe would train with 'std'",
          ),
  },
  {
    setting: 'flat-group filter',
    verl: (c) =>
      c.dropFlatGroups
        ? noted(
            "DAPO's filter (verl-recipe's main_dapo) drops groups whose rewards are all equal, then samples more prompts to refill the batch; the playground trains on the groups left",
            ['algorithm.filter_groups.enable', true],
            ['algorithm.filter_groups.metric', 'seq_reward'],
          )
        : set(),
    easyr1: (c) =>
      c.dropFlatGroups
        ? noted(
            "EasyR1 keeps a group when its mean score lies strictly between filter_low and filter_high, which is 'not flat' only for a 0/1 reward; it then samples more to refill the batch",
            ['algorithm.online_filtering', true],
            ['algorithm.filter_key', 'overall'],
            ['algorithm.filter_low', 0.01],
            ['algorithm.filter_high', 0.99],
          )
        : set(['algorithm.online_filtering', false]),
  },
  {
    setting: 'response lengths (description + answer tokens)',
    ...both((c) =>
      noted(
        `the playground caps the description (${c.maxDescTokens}) and the answer (${c.maxAnswerTokens}) apart; one response cap of their sum is the nearest`,
        ['data.max_response_length', c.maxDescTokens + c.maxAnswerTokens],
      ),
    ),
  },
  {
    setting: 'seed',
    verl: (c) =>
      noted(
        'seeds the data order; the playground seed also fixes its generated prompts and sampling, so the same seed is not the same run there',
        ['data.seed', c.seed],
      ),
    easyr1: (c) =>
      noted(
        'seeds the data order and vLLM sampling; the playground seed also fixes its generated prompts, so the same seed is not the same run there',
        ['data.seed', c.seed],
        ['worker.rollout.seed', c.seed],
      ),
  },
  {
    setting: 'held-out evaluation (every, samples at the rollout temperature)',
    verl: (c) =>
      c.heldoutEvery === 0
        ? set(['trainer.test_freq', -1])
        : set(
            ['trainer.test_freq', c.heldoutEvery],
            [`${ROLLOUT}.val_kwargs.do_sample`, c.heldoutSamples > 0],
            [`${ROLLOUT}.val_kwargs.n`, Math.max(1, c.heldoutSamples)],
            [`${ROLLOUT}.val_kwargs.temperature`, c.heldoutSamples > 0 ? c.temperature : 0],
            [`${ROLLOUT}.val_kwargs.top_p`, c.topP],
          ),
    easyr1: (c) =>
      c.heldoutEvery === 0
        ? set(['trainer.val_freq', -1])
        : set(
            ['trainer.val_freq', c.heldoutEvery],
            [
              'worker.rollout.val_override_config',
              {
                n: Math.max(1, c.heldoutSamples),
                temperature: c.heldoutSamples > 0 ? c.temperature : 0,
                top_p: c.topP,
              },
            ],
          ),
  },
  {
    setting: 'rollouts read back into the playground',
    verl: () =>
      noted('one JSONL file per step: import them with "Import run…"', ['trainer.rollout_data_dir', './rollouts']),
    easyr1: () =>
      gap(
        'EasyR1 writes no per-step rollout dump; its loggers keep validation generations only, so its runs do not come back',
      ),
  },
  // What has no counterpart. Each is named in the header of a recipe whose config uses it.
  {
    setting: "MIRL's forking (N pre-samples, top k by MI continued)",
    applies: (c) => algorithmOf(c).group === 'forks',
    ...both((c) =>
      gap(
        `both sample n complete responses per prompt from scratch; neither pre-samples ${c.N} descriptions and continues the ${c.k} with the highest MI, so this recipe samples ${c.k} independent responses`,
      ),
    ),
  },
  {
    setting: 'the MI reward (two teacher-forced passes, with and without the image)',
    applies: isMethod('mi'),
    ...both(() =>
      gap(
        'a reward function there sees the text of a response, not the policy: MI needs two forward passes of a model with and without the image, which no reward manager runs',
      ),
    ),
  },
  {
    setting: 'decoupled segment advantages (perception on the description, answer on the answer)',
    applies: (c) => algorithmOf(c).perception !== 'none' && algorithmOf(c).perception !== 'probe',
    ...both(() =>
      gap(
        'both give every token of a response one advantage from one scalar reward; folding the perception reward into that scalar would be a different method, so nothing is emitted for it',
      ),
    ),
  },
  {
    setting: 'object credit (each object phrase its own advantage)',
    applies: (c) => algorithmOf(c).perception === 'labelled' && c.percCredit === 'object',
    ...both(() =>
      gap('token-level credit inside a response needs a per-token advantage, which neither estimator gives'),
    ),
  },
  {
    setting: "Vision-SR1's re-answer and RACRO's frozen reasoner",
    applies: isMethod('re-answer', 'reasoner'),
    ...both(() =>
      gap(
        'the perception reward comes from a second generation (the policy, or a frozen model, answering from the description alone), which their rollout does not run',
      ),
    ),
  },
  {
    setting: "Perception-R1's labelled reward",
    applies: isMethod('labelled'),
    ...both(() =>
      gap(
        "it scores the description against the scene's annotation: write it into your reward function with your dataset's labels; the recipe does not pretend to",
      ),
    ),
  },
  {
    setting: "PEARL's probes and VPPO's token mask",
    applies: (c) => algorithmOf(c).passesInUpdate === true,
    ...both(() =>
      gap(
        'probe rollouts and an image-dependency mask need extra generations or forward passes inside the update, which neither exposes',
      ),
    ),
  },
  {
    setting: 'the reward itself (the verifier and the format bonus)',
    ...both((c) =>
      gap(
        `the playground's verifier scores its own task language (answer + format bonus ${c.formatReward}); a real task needs its own reward function, passed on the command line`,
      ),
    ),
  },
  {
    setting: 'the warm start (tinyvlm-v1, or tinyvlm-v1g for boxes)',
    ...both((c) =>
      gap(
        `the run starts from this playground's ${warmStartFor(c.families, c.warmStart)}; there the model is yours (MODEL_PATH, or worker.actor.model.model_path)`,
      ),
    ),
  },
  {
    setting: 'the task generator (families, difficulty, prompt pool, held-out set)',
    ...both(() =>
      gap('scenes and problems are generated here; there, the task is your dataset (train_files, val_files)'),
    ),
  },
];

/** One framework's side of the table for a config: the keys it sets, its notes, and what does not cross. */
export function recipeSettings(c: RLConfig, fw: Framework): { settings: Setting[]; notes: string[]; gaps: string[] } {
  const settings: Setting[] = [];
  const notes: string[] = [];
  const gaps: string[] = [];
  for (const row of MAPPING) {
    if (row.applies && !row.applies(c)) continue;
    const m = row[fw](c);
    if ('gap' in m) gaps.push(`${row.setting}: ${m.gap}`);
    else {
      settings.push(...m.set);
      if (m.note) notes.push(`${row.setting}: ${m.note}`);
    }
  }
  return { settings, notes, gaps };
}

/** Comment lines, wrapped at about 100 characters, each starting with "# ". */
function comment(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const lead = line.startsWith('- ') ? '  ' : '';
    let rest = line;
    while (rest.length > 98) {
      const cut = rest.lastIndexOf(' ', 98);
      const at = cut > 20 ? cut : 98;
      out.push(`# ${rest.slice(0, at)}`);
      rest = lead + rest.slice(at).trimStart();
    }
    out.push(rest ? `# ${rest}` : '#');
  }
  return out;
}

function header(c: RLConfig, fw: Framework, link: string | undefined, at: string): string[] {
  const { notes, gaps } = recipeSettings(c, fw);
  return [
    ...comment([
      `MIRL Playground recipe: ${algorithmOf(c).label}, ${c.batchPrompts} prompts x ${groupSize(c)} responses, ${c.steps} steps.`,
    ]),
    // the link on one line, never wrapped, so that it still opens when copied
    ...(link ? [`# From ${link}`] : []),
    ...comment([
      `Keys checked against ${at}.`,
      '',
      'Not carried (no counterpart there; nothing stands in for it):',
      ...gaps.map((g) => `- ${g}`),
      '',
      'Carried, with a difference:',
      ...notes.map((n) => `- ${n}`),
    ]),
  ];
}

/** A value as Hydra reads it on the command line, quoted for the shell where needed. */
function hydraValue(v: Value): string {
  if (Array.isArray(v)) return `[${v.join(',')}]`;
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}:${hydraValue(x)}`)
      .join(',')}}`;
  }
  return String(v);
}
const shellWord = (s: string): string => (/^[\w.,:=+/@-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

/**
 * A bash script that runs the config with verl: `verl.trainer.main_ppo` with the override list, or
 * verl-recipe's DAPO entry when the flat-group filter is on. The model, data and reward function come
 * from the environment, since nothing here knows them.
 */
export function verlRecipe(c: RLConfig, link?: string): string {
  const entry = c.dropFlatGroups ? 'recipe.dapo.main_dapo' : 'verl.trainer.main_ppo';
  const at = c.dropFlatGroups
    ? `${VERL_AT.repo}@${VERL_AT.commit.slice(0, 8)} with ${DAPO_AT.repo}@${DAPO_AT.commit.slice(0, 8)} as its recipe/`
    : `${VERL_AT.repo}@${VERL_AT.commit.slice(0, 8)}`;
  const overrides = [
    'actor_rollout_ref.model.path="$MODEL_PATH"',
    'data.train_files="$TRAIN_FILES"',
    'data.val_files="$VAL_FILES"',
    'custom_reward_function.path="$REWARD_FN"',
    // what verl needs before it starts, with no playground counterpart: the rollout engine (a required key),
    // token-budgeted micro-batches (or a micro-batch size for the actor, the rollout and the reference), and a
    // logger that needs no W&B login
    'actor_rollout_ref.rollout.name="$ROLLOUT_ENGINE"',
    'actor_rollout_ref.actor.use_dynamic_bsz=True',
    "'trainer.logger=[console]'",
    ...recipeSettings(c, 'verl').settings.map((s) => shellWord(`${s.key}=${hydraValue(s.value)}`)),
  ];
  return [
    '#!/usr/bin/env bash',
    ...header(c, 'verl', link, at),
    '#',
    '# Run from a verl checkout; set the model, the data and the reward function first:',
    '#   MODEL_PATH=Qwen/Qwen2.5-VL-3B-Instruct TRAIN_FILES=train.parquet VAL_FILES=val.parquet \\',
    '#   REWARD_FN=reward.py bash this-file.sh   (ROLLOUT_ENGINE: vllm unless set; sglang also works)',
    'set -euo pipefail',
    ': "${MODEL_PATH:?set MODEL_PATH to the model to train}"',
    ': "${TRAIN_FILES:?set TRAIN_FILES to the training parquet}"',
    ': "${VAL_FILES:?set VAL_FILES to the validation parquet}"',
    ': "${REWARD_FN:?set REWARD_FN to a python file with compute_score}"',
    ': "${ROLLOUT_ENGINE:=vllm}"',
    '',
    `python3 -m ${entry} \\`,
    ...overrides.map((o, i) => `  ${o}${i < overrides.length - 1 ? ' \\' : ''}`),
    '',
  ].join('\n');
}

/** A YAML scalar: strings quoted when YAML would read them as something else. */
function yamlScalar(v: Scalar): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  return /^[A-Za-z_][\w.-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) ? v : JSON.stringify(v);
}

/** An EasyR1 config file (`python3 -m verl.trainer.main config=...`), nested as its dataclasses are. */
export function easyr1Recipe(c: RLConfig, link?: string): string {
  interface Tree {
    [k: string]: Tree | Value;
  }
  const tree: Tree = {};
  for (const { key, value } of recipeSettings(c, 'easyr1').settings) {
    const parts = key.split('.');
    let node = tree;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Tree;
    node[parts[parts.length - 1]] = value;
  }
  const render = (node: Tree | Readonly<Record<string, Scalar>>, indent: string): string[] =>
    Object.entries(node).flatMap(([k, v]) => {
      if (Array.isArray(v)) return [`${indent}${k}: [${v.join(', ')}]`];
      if (typeof v === 'object' && v !== null) {
        return [`${indent}${k}:`, ...render(v as Tree, `${indent}  `)];
      }
      return [`${indent}${k}: ${yamlScalar(v as Scalar)}`];
    });
  return [
    ...header(c, 'easyr1', link, `${EASYR1_AT.repo}@${EASYR1_AT.commit.slice(0, 8)}`),
    '#',
    '# Run from an EasyR1 checkout, naming the model, the data and the reward function:',
    '#   python3 -m verl.trainer.main config=this-file.yaml \\',
    '#     worker.actor.model.model_path=Qwen/Qwen2.5-VL-3B-Instruct data.train_files=your/train \\',
    '#     data.val_files=your/val worker.reward.reward_function=reward.py:compute_score',
    ...render(tree, ''),
    '',
  ].join('\n');
}

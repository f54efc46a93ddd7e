// Custom rewards to start from, as the editor offers them: each is also checked by the unit
// tests (rl/customReward.test.ts), so an example that stops doing what it says fails a test.

export interface RewardExample {
  name: string;
  /** What it teaches, shown beside its button. */
  note: string;
  source: string;
}

export const REWARD_EXAMPLES: readonly RewardExample[] = [
  {
    name: 'labelled F1',
    note: "the description's object F1 against the scene's labels, written out: Perception-R1's reward",
    source: `// The perception reward of one description: its object F1 against the scene.
function reward(input) {
  const key = (o) => [o.image, o.size, o.color, o.shape, o.row, o.col].join(' ');
  const left = new Map();
  for (const o of input.scene.objects) left.set(key(o), (left.get(key(o)) || 0) + 1);
  let right = 0;
  for (const o of input.description.objects) {
    if (o && left.get(key(o)) > 0) {
      left.set(key(o), left.get(key(o)) - 1);
      right++;
    }
  }
  const named = input.description.objects.length;
  const actual = input.scene.objects.length;
  if (named === 0 || right === 0) return actual === 0 && named === 0 ? 1 : 0;
  const precision = right / named;
  const recall = right / actual;
  return (2 * precision * recall) / (precision + recall);
}
`,
  },
  {
    name: 'length (hackable)',
    note: 'more words, more reward: it never looks at the image, and the model learns to pad',
    source: `// More words, more reward. The reward check shows what it misses; training shows the hack.
function reward(input) {
  return input.description.text.split(' ').filter((w) => w !== '').length / 10;
}
`,
  },
  {
    name: 'MI with a floor',
    note: 'the MI score (turn on "MI for the reward"), with malformed descriptions floored',
    source: `// MI between the description and the image, floored for descriptions that do not parse.
// Needs "MI for the reward" on: otherwise input.mi is null.
function reward(input) {
  if (input.mi === null) throw new Error('turn on "MI for the reward" to read input.mi');
  if (!input.description.wellFormed) return -10;
  return Math.max(-10, input.mi.score);
}
`,
  },
];

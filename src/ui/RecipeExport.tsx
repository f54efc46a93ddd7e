// Download a config as a recipe for verl or EasyR1 (rl/recipe): the keys that cross, and a header
// naming what does not and why. The README's "Round trip" section has the mapping table.

import { easyr1Recipe, verlRecipe } from '../rl/recipe/recipe';
import type { RLConfig } from '../rl/config';
import { downloadText } from './csv';

const FORMATS = [
  {
    id: 'verl',
    label: 'verl',
    ext: 'verl.sh',
    type: 'text/x-shellscript',
    write: verlRecipe,
    help: "a bash script running verl's main_ppo (DAPO's entry with the flat-group filter) with this config's settings",
  },
  {
    id: 'easyr1',
    label: 'EasyR1',
    ext: 'easyr1.yaml',
    type: 'application/yaml',
    write: easyr1Recipe,
    help: "an EasyR1 config file with this config's settings",
  },
] as const;

/** Two buttons: the verl script and the EasyR1 YAML of `config`; `link` (its share URL) goes in their header. */
export function RecipeButtons({
  config,
  link,
  name,
  testId,
  disabled = false,
}: {
  config: RLConfig;
  link: () => string;
  /** The files' stem. */
  name: string;
  testId: string;
  disabled?: boolean;
}) {
  const stem = name.replace(/[^\w.#-]+/g, '_');
  return (
    <>
      {FORMATS.map((f) => (
        <button
          key={f.id}
          data-testid={`${testId}-${f.id}`}
          disabled={disabled}
          title={f.help}
          aria-label={`${f.label} recipe for ${name}`}
          onClick={() => downloadText(`${stem}.${f.ext}`, f.write(config, link()), f.type)}
        >
          {f.label}
        </button>
      ))}
    </>
  );
}

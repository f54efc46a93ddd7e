// npm run tasks -- --seed S --count N [--family F] [--out FILE.jsonl] [--png DIR] [--png-size PX] [--stats]
// Writes generated problems one JSON object a line; --png writes the rendered
// images; --stats prints each family's answer spread and blind-guess floor.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAMILIES, type FamilyName } from '../src/tasks/families';
import { generateProblem, problemRecord, type Problem } from '../src/tasks/problem';
import { renderScene } from '../src/tasks/render';
import { bool, flags, int, optOneOf, optText } from './cliArgs';
import { encodePng, hstack } from './png';

const args = flags({
  seed: int(0),
  count: int(10, 1),
  family: optOneOf(FAMILIES),
  out: optText(),
  png: optText(),
  'png-size': int(128, 8, 1024),
  stats: bool(),
});
const seed = args.seed;
const count = args.count;
const family: FamilyName | undefined = args.family;
const png = args.png;

const problems: Problem[] = Array.from({ length: count }, (_, i) =>
  generateProblem(seed, i, family ? { families: [family] } : {}),
);

const lines = problems.map((p) => JSON.stringify(problemRecord(p))).join('\n') + '\n';
if (args.out) {
  writeFileSync(args.out, lines);
  console.log(`wrote ${count} problems to ${args.out}`);
} else if (!args.stats) process.stdout.write(lines);

if (png) {
  mkdirSync(png, { recursive: true });
  const size = args['png-size'];
  for (const p of problems) {
    const { rgb, width } = hstack(
      p.scenes.map((s) => renderScene(s, size)),
      size,
    );
    writeFileSync(join(png, `${p.family}-${p.index}.png`), encodePng(rgb, width, size));
  }
  console.log(`wrote ${count} images to ${png}`);
}

if (args.stats) {
  console.log('| family | problems | distinct answers | most common answer | blind-guess accuracy |');
  console.log('| --- | ---: | ---: | --- | ---: |');
  for (const f of FAMILIES) {
    const ps = problems.filter((p) => p.family === f);
    if (!ps.length) continue;
    const freq = new Map<string, number>();
    for (const p of ps) freq.set(p.answer, (freq.get(p.answer) ?? 0) + 1);
    const [best, n] = [...freq.entries()].sort((a, b) => b[1] - a[1])[0];
    console.log(`| ${f} | ${ps.length} | ${freq.size} | ${best} | ${((100 * n) / ps.length).toFixed(1)}% |`);
  }
}

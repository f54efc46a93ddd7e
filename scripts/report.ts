// npm run report -- --dir DIR[,DIR...] [--png FILE.png] [--md FILE.md]
// Summarises the experiment runs in DIR (the JSON files `npm run experiment`
// wrote; several directories together, e.g. a custom reward's runs beside the committed GRPO-16 ones) into the tables of docs/research.md (held-out figures over samples, each arm paired
// by seed against GRPO-16) and a PNG plot of the per-arm held-out curves.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withPage } from './browser';
import { flags, optText } from './cliArgs';
import { curves, markdownTable, summarise, type ExperimentFile } from './report/summary';

const args = flags({ dir: optText(), md: optText(), png: optText() });
const dir = args.dir;
if (!dir) {
  console.error('usage: npm run report -- --dir DIR[,DIR...] [--png FILE.png] [--md FILE.md]');
  process.exit(2);
}
const png = args.png;
const files = dir
  .split(',')
  .flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.json') && !f.startsWith('baseline'))
      .map((f) => ({ d, f })),
  )
  // MIRL first, then the baselines: the order of the table rows and the legend.
  .sort(({ f: a }, { f: b }) => Number(!a.startsWith('mirl')) - Number(!b.startsWith('mirl')) || a.localeCompare(b))
  .map(({ d, f }) => JSON.parse(readFileSync(join(d, f), 'utf8')) as ExperimentFile);
if (!files.length) {
  console.error(`no experiment JSON files in ${dir}`);
  process.exit(2);
}
const rows = summarise(files);
const warmStart = files[0].heldout?.find((h) => h.step === 0);
const table = markdownTable(rows, warmStart);
console.log(table);
if (args.md) writeFileSync(args.md, table + '\n');
if (png) {
  const c = curves(files);
  const title = `${rows.map((r) => `${r.arm} (${r.seeds.length} seeds)`).join(' · ')}; ${rows[0].steps} steps; held-out ${files[0].config.heldoutCount} problems x ${files[0].config.heldoutSamples} samples; band: ± 1 SE over seeds`;
  await withPage('/scripts/report/reportPage.tsx', async (page) => {
    await page.evaluate(([cv, t]) => window.report.draw(cv, t), [c, title] as const);
    await page.locator('[data-testid="report"]').screenshot({ path: png });
  });
  console.log(`wrote ${png}`);
}

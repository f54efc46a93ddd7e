// npm run report -- --dir DIR [--baseline EVAL.json] [--png FILE.png] [--md FILE.md]
// Summarises the experiment runs in DIR (the JSON files `npm run experiment`
// wrote) into the README table and a PNG plot of the per-arm curves.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blindFloor } from '../src/tasks/blindFloor';
import { parseArgs, withPage } from './browser';
import { curves, markdownTable, summarise, type ExperimentFile } from './report/summary';

const args = parseArgs(process.argv.slice(2));
if (!args.dir) {
  console.error('usage: npm run report -- --dir DIR [--baseline EVAL.json] [--png FILE.png] [--md FILE.md]');
  process.exit(2);
}
const files = readdirSync(args.dir)
  .filter((f) => f.endsWith('.json') && !f.startsWith('baseline'))
  // MIRL first, then the baselines: the order of the table rows and the legend.
  .sort((a, b) => Number(!a.startsWith('mirl')) - Number(!b.startsWith('mirl')) || a.localeCompare(b))
  .map((f) => JSON.parse(readFileSync(join(args.dir, f), 'utf8')) as ExperimentFile);
if (!files.length) {
  console.error(`no experiment JSON files in ${args.dir}`);
  process.exit(2);
}
let baseline: { answer: number; perception: number } | undefined;
if (args.baseline) {
  const ev = JSON.parse(readFileSync(args.baseline, 'utf8')) as { overall: { answer_acc: number; desc_exact: number } };
  baseline = { answer: ev.overall.answer_acc, perception: ev.overall.desc_exact };
}
const rows = summarise(files);
const table = markdownTable(rows, baseline);
console.log(table);
if (args.md) writeFileSync(args.md, table + '\n');
if (args.png) {
  const c = curves(files, baseline);
  const floor = blindFloor(files[0].config.families);
  const title = `${rows.map((r) => `${r.arm} (${r.seeds.length} seeds)`).join(' vs ')}, ${rows[0].steps} steps, mean over seeds`;
  await withPage('/scripts/report/report.html', async (page) => {
    await page.evaluate(([cv, t, f]) => window.report.draw(cv, t, f), [c, title, floor] as const);
    await page.locator('[data-testid="report"]').screenshot({ path: args.png });
  });
  console.log(`wrote ${args.png}`);
}

// npm run tiny-idefics3 [-- --out DIR]: writes the tiny idefics3-format test model
// (scripts/hub/tinyIdefics3.ts) to DIR, by default public/models/tiny-idefics3, which the app serves.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { flags, text } from './cliArgs';
import { tinyIdefics3Files } from './hub/tinyIdefics3';

const { out } = flags({ out: text('public/models/tiny-idefics3') });
let bytes = 0;
for (const [path, content] of tinyIdefics3Files()) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
  bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}
console.log(`wrote the tiny idefics3 model to ${out} (${bytes} bytes)`);

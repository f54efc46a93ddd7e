// A checkpoint folder read from disk in Node (the page fetches it instead).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, type Checkpoint } from '../src/model/checkpoint';

/** DIR/model.safetensors as bytes and decoded; a clear message and exit 2 when it is missing. */
export function readCheckpointDir(dir: string): { bytes: Buffer; checkpoint: Checkpoint } {
  const path = join(dir, 'model.safetensors');
  if (!existsSync(path)) {
    console.error(`no checkpoint at ${path}`);
    process.exit(2);
  }
  const bytes = readFileSync(path);
  return { bytes, checkpoint: decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
}

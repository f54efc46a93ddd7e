import type { RLConfig } from '../src/rl/config';

/** --name value pairs and bare --flags. */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = 'true';
    else {
      out[a.slice(2)] = next;
      i++;
    }
  }
  return out;
}

/** --config JSON as a partial RL config ({} when absent); a clear message and exit 2 when it is not JSON. */
export function configArg(args: Record<string, string>): Partial<RLConfig> {
  if (!args.config) return {};
  try {
    return JSON.parse(args.config) as Partial<RLConfig>;
  } catch (e) {
    console.error(`--config is not JSON: ${(e as Error).message}`);
    process.exit(2);
  }
}

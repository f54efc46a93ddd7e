// One tab owns a run: it holds a Web Lock named after the run while the run is
// live there, so that a second tab on the same run says so instead of writing its
// state too. Without the Locks API every tab owns its runs (nothing to detect with).

const name = (uid: string) => `mirl-run-${uid}`;

const locks = (): LockManager | null => (typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null);

/** Takes the run's lock if no other tab holds it: returns its release, or null when another tab owns the run. */
export function acquireRun(uid: string): Promise<(() => void) | null> {
  const lm = locks();
  if (!lm) return Promise.resolve(() => {});
  return new Promise((resolve, reject) => {
    lm.request(name(uid), { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      // held until released
      return new Promise<void>((release) => resolve(() => release()));
    }).catch(reject);
  });
}

/** Of these runs, those whose lock another tab (or this one) holds now. */
export async function heldRuns(uids: readonly string[]): Promise<Set<string>> {
  const lm = locks();
  if (!lm) return new Set();
  const { held = [] } = await lm.query();
  const names = new Set(held.map((l) => l.name));
  return new Set(uids.filter((u) => names.has(name(u))));
}

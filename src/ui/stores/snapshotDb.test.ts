// The kept trainer states in IndexedDB (fake-indexeddb in Node): pruning deletes users' states, so what it deletes,
// in what order and when it stops are checked here, with the clock set by hand.
import { indexedDB as fakeIndexedDB } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fnv1a, hex32 } from '../../lib/fnv';
import { snapshotMessage } from '../../worker/protocol';
import { deleteSnapshot, getSnapshot, listSnapshots, putSnapshot } from './snapshotDb';

vi.stubGlobal('indexedDB', fakeIndexedDB);

const BUDGET = 1000;
const bytesOf = (n: number, fill: number) => new Uint8Array(n).fill(fill);
/** Stores `uid`'s state of `n` bytes at time `t`; returns the uids it pruned. */
async function put(uid: string, n: number, t: number, budget = BUDGET): Promise<string[]> {
  vi.spyOn(Date, 'now').mockReturnValue(t);
  const pruned = await putSnapshot(uid, `run ${uid}`, snapshotMessage(t, bytesOf(n, t)), budget);
  return pruned.map((e) => e.uid);
}
const kept = async () => (await listSnapshots()).map((e) => `${e.uid}:${e.size}`);

describe('kept trainer states', () => {
  beforeEach(async () => {
    for (const e of await listSnapshots()) await deleteSnapshot(e.uid);
  });
  afterEach(() => vi.restoreAllMocks());

  it('prune the other runs oldest first, only as many as the budget needs, and say which', async () => {
    expect(await put('a', 300, 1)).toEqual([]);
    expect(await put('b', 300, 2)).toEqual([]);
    // exactly at the budget: nothing goes
    expect(await put('c', 400, 3)).toEqual([]);
    expect(await kept()).toEqual(['a:300', 'b:300', 'c:400']);
    // 250 more: the oldest (a) goes, and that is enough (950)
    expect(await put('d', 250, 4)).toEqual(['a']);
    expect(await kept()).toEqual(['b:300', 'c:400', 'd:250']);
    await expect(getSnapshot('a')).rejects.toThrow(/no state is kept for this run/);
    // 650 more (1600): b alone leaves 1300, so the two oldest, b (t 2) then c (t 3), go; d stays (250 + 650 = 900)
    expect(await put('e', 650, 5)).toEqual(['b', 'c']);
    expect(await kept()).toEqual(['d:250', 'e:650']);
    const d = await getSnapshot('d');
    expect(d.entry).toMatchObject({ uid: 'd', label: 'run d', step: 4, size: 250, savedAt: 4 });
    expect(d.bytes).toEqual(bytesOf(250, 4));
  });

  it("replace a run's own older state without counting or pruning it", async () => {
    await put('a', 300, 1);
    await put('b', 400, 2);
    // b's new 600 replaces its 400: 300 + 600 fits, so a stays
    expect(await put('b', 600, 3)).toEqual([]);
    expect(await kept()).toEqual(['a:300', 'b:600']);
    expect((await getSnapshot('b')).bytes).toEqual(bytesOf(600, 3));
    // b's newest state alone over what a leaves: a goes, never b's own
    expect(await put('b', 800, 4)).toEqual(['a']);
    expect(await kept()).toEqual(['b:800']);
  });

  it('refuse a state larger than the whole budget, and prune nothing for it', async () => {
    await put('a', 300, 1);
    await expect(put('b', BUDGET + 1, 2)).rejects.toThrow(/larger than the storage budget/);
    expect(await kept()).toEqual(['a:300']);
  });

  it("store the checksum the worker sent, which is the bytes' FNV-1a; a wrong one is caught when read back", async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 255);
    const sent = snapshotMessage(7, bytes);
    // worked out independently of the store: FNV-1a of these bytes, as 8 hex digits
    expect(sent.checksum).toBe(hex32(fnv1a(bytes)));
    expect(sent.checksum).toMatch(/^[0-9a-f]{8}$/);
    // a copy: the worker's own bytes stay its own
    expect(sent.bytes).toEqual(bytes);
    expect(sent.bytes.buffer).not.toBe(bytes.buffer);
    vi.spyOn(Date, 'now').mockReturnValue(1);
    await putSnapshot('a', 'run a', sent, BUDGET);
    expect((await listSnapshots())[0].checksum).toBe(sent.checksum);
    expect((await getSnapshot('a')).bytes).toEqual(bytes);
    // the store takes the checksum it is given, and the read checks it: a wrong one never resumes
    await putSnapshot('b', 'run b', { ...sent, checksum: '00000000' }, BUDGET);
    await expect(getSnapshot('b')).rejects.toThrow(/damaged \(its checksum does not match\)/);
  });

  it('refuse a stored state whose bytes no longer match its checksum', async () => {
    await put('a', 300, 1);
    // rewrite a's bytes behind the store's back, as a damaged disk would
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('mirl-playground', 1);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    await new Promise<void>((resolve, reject) => {
      const t = db.transaction('snapshot-bytes', 'readwrite');
      const damaged = bytesOf(300, 1);
      damaged[7] ^= 1;
      t.objectStore('snapshot-bytes').put(damaged.buffer, 'a');
      t.oncomplete = () => resolve();
      t.onerror = () => reject(t.error);
    });
    db.close();
    await expect(getSnapshot('a')).rejects.toThrow(/damaged \(its checksum does not match\)/);
  });
});

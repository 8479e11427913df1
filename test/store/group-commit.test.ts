import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GroupCommit, type ItemOutcome, retryEach } from '../../src/store/group-commit.ts';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('group commit (B1)', () => {
  test('items that arrive together are written in one call, each answered after it', async () => {
    const calls: number[][] = [];
    const writer = new GroupCommit<number, number>({
      maxBatch: 100,
      waitMs: 5,
      concurrency: 1,
      write: async (items) => {
        calls.push([...items]);
        await tick(2);
        return items.map((i) => ({ ok: true, value: i * 10 }));
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => writer.submit(i)));
    assert.deepEqual(results, [10, 20, 30, 40, 50]);
    assert.deepEqual(calls, [[1, 2, 3, 4, 5]]);
    await writer.close();
  });

  test('a full batch goes at once; the rest forms the next batch while the first is in flight', async () => {
    const calls: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writer = new GroupCommit<number, void>({
      maxBatch: 3,
      waitMs: 1_000,
      concurrency: 1,
      write: async (items) => {
        calls.push([...items]);
        await gate;
        return items.map(() => ({ ok: true, value: undefined }));
      },
    });
    const pending = [1, 2, 3, 4, 5, 6, 7].map((i) => writer.submit(i));
    await tick();
    assert.deepEqual(calls, [[1, 2, 3]], 'the full batch did not wait 1 s; the others wait for it');
    release();
    await Promise.all(pending.slice(0, 6));
    assert.deepEqual(calls.slice(0, 2), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await writer.close();
    await pending[6];
    assert.deepEqual(calls[2], [7], 'close writes what was still waiting');
  });

  test('never more batches in flight than the concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const writer = new GroupCommit<number, void>({
      maxBatch: 2,
      waitMs: 0,
      concurrency: 2,
      write: async (items) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await tick(3);
        inFlight--;
        return items.map(() => ({ ok: true, value: undefined }));
      },
    });
    await Promise.all(Array.from({ length: 40 }, (_, i) => writer.submit(i)));
    assert.equal(most, 2);
    assert.equal(writer.stats.items, 40);
    assert.ok(writer.stats.largest <= 2);
    await writer.close();
  });

  test('one bad item fails alone: the batch is retried item by item', async () => {
    const calls: number[][] = [];
    const writer = new GroupCommit<number, number>({
      maxBatch: 10,
      waitMs: 5,
      concurrency: 1,
      write: retryEach(async (items) => {
        calls.push([...items]);
        if (items.includes(3)) throw new Error('constraint violated by 3');
        return items.map((i) => i + 100);
      }),
    });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((i) => writer.submit(i)));
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      [101, 102, 'constraint violated by 3', 104],
    );
    assert.deepEqual(calls, [[1, 2, 3, 4], [1], [2], [3], [4]]);
    await writer.close();
  });

  test('a writer that throws fails its whole batch; a missing outcome is an error, not a hang', async () => {
    const writer = new GroupCommit<number, number>({
      maxBatch: 10,
      waitMs: 1,
      concurrency: 1,
      write: async (items): Promise<ItemOutcome<number>[]> => {
        if (items.includes(0)) throw new Error('database down');
        return [{ ok: true, value: 1 }];
      },
    });
    await assert.rejects(writer.submit(0), /database down/);
    const settled = await Promise.allSettled([writer.submit(1), writer.submit(2)]);
    assert.equal(settled[0].status, 'fulfilled');
    assert.equal(settled[1].status, 'rejected');
    await writer.close();
    await assert.rejects(writer.submit(3), /closed/);
  });

  test('bad settings are refused', () => {
    const write = async () => [];
    assert.throws(() => new GroupCommit({ maxBatch: 0, waitMs: 0, concurrency: 1, write }), RangeError);
    assert.throws(() => new GroupCommit({ maxBatch: 1, waitMs: -1, concurrency: 1, write }), RangeError);
    assert.throws(() => new GroupCommit({ maxBatch: 1, waitMs: 0, concurrency: 0, write }), RangeError);
  });
});

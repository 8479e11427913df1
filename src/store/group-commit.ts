/**
 * Group commit (B1): writes that arrive together are gathered — for up to `waitMs`, or until `maxBatch` are
 * waiting — and written by one call of `write`, typically one statement and one commit for all of them. Each
 * caller is answered only when `write` has settled its item: after COMMIT, or with its own error.
 *
 * At most `concurrency` batches are in flight; while they are, new items wait and form the next batch, so under
 * load batches grow by themselves and when idle an item goes out at once (after `waitMs`).
 *
 * `write` returns one outcome per item, in order. It is expected to keep one bad item from failing the others
 * (e.g. write the batch, and if the batch fails, each item again on its own): `retryEach` does that for writers
 * that need nothing else.
 */
export type ItemOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupCommitOptions<T, R> {
  write: (items: readonly T[]) => Promise<ItemOutcome<R>[]>;
  maxBatch: number;
  waitMs: number;
  concurrency: number;
}

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  readonly #options: GroupCommitOptions<T, R>;
  #queue: Waiting<T, R>[] = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #idle = new Set<() => void>();
  /** Batch sizes written so far (for the benchmarks and metrics). */
  readonly stats = { batches: 0, items: 0, largest: 0 };

  constructor(options: GroupCommitOptions<T, R>) {
    if (options.maxBatch < 1 || options.concurrency < 1 || options.waitMs < 0) {
      throw new RangeError('group commit needs maxBatch ≥ 1, concurrency ≥ 1 and waitMs ≥ 0');
    }
    this.#options = options;
  }

  submit(item: T): Promise<R> {
    if (this.#closed) return Promise.reject(new Error('group commit is closed'));
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#inFlight >= this.#options.concurrency || this.#queue.length === 0) return;
    if (this.#queue.length >= this.#options.maxBatch || this.#closed) {
      this.#flush();
      return;
    }
    // Gather what arrives in the next moment; a full batch goes at once (above).
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#flush();
    }, this.#options.waitMs);
  }

  #flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#inFlight >= this.#options.concurrency || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#options.maxBatch);
    this.#inFlight++;
    this.stats.batches++;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    void this.#write(batch).finally(() => {
      this.#inFlight--;
      if (this.#queue.length > 0) this.#schedule();
      else if (this.#inFlight === 0) for (const done of this.#idle) done();
    });
  }

  async #write(batch: Waiting<T, R>[]): Promise<void> {
    let outcomes: ItemOutcome<R>[];
    try {
      outcomes = await this.#options.write(batch.map((b) => b.item));
    } catch (error) {
      outcomes = batch.map(() => ({ ok: false, error }));
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i] ?? {
        ok: false,
        error: new Error('the writer gave no outcome for this item'),
      };
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  /** Writes what is waiting and resolves when nothing is in flight; later submissions are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#queue.length > 0 || this.#inFlight > 0) {
      this.#flush();
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#idle.delete(done);
          resolve();
        };
        this.#idle.add(done);
        if (this.#inFlight === 0 && this.#queue.length === 0) done();
      });
    }
  }
}

/**
 * A `write` for GroupCommit: the whole batch with `writeAll`; if that throws, every item again on its own, so
 * one bad item fails alone and the rest are written (each alone).
 */
export function retryEach<T, R>(
  writeAll: (items: readonly T[]) => Promise<R[]>,
): (items: readonly T[]) => Promise<ItemOutcome<R>[]> {
  return async (items) => {
    try {
      return (await writeAll(items)).map((value) => ({ ok: true, value }));
    } catch (error) {
      if (items.length === 1) return [{ ok: false, error }];
      const outcomes: ItemOutcome<R>[] = [];
      for (const item of items) {
        try {
          const [value] = await writeAll([item]);
          outcomes.push({ ok: true, value: value as R });
        } catch (itemError) {
          outcomes.push({ ok: false, error: itemError });
        }
      }
      return outcomes;
    }
  };
}

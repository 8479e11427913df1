import type { Database } from '../store/database.ts';
import { type NewAuditEvent, recordAuditEvents } from './events.ts';

/**
 * Group commit for audit events that are not part of a data change — the ledger events of reads and searches.
 * Events written at the same moment by concurrent requests go to the database in one statement and one commit;
 * each request is answered only after its events are durable, so nothing is returned before it is on record.
 */
export class EventBatcher {
  private readonly db: Database;
  private readonly maxBatch: number;
  private pending: { events: readonly NewAuditEvent[]; done: (error?: unknown) => void }[] = [];
  private scheduled = false;

  constructor(db: Database, maxBatch = 1_000) {
    this.db = db;
    this.maxBatch = maxBatch;
  }

  record(events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the current turn of the event loop, so that requests arriving together share the commit.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch: typeof this.pending = [];
      let size = 0;
      while (this.pending.length > 0 && size < this.maxBatch) {
        const next = this.pending.shift()!;
        batch.push(next);
        size += next.events.length;
      }
      try {
        await recordAuditEvents(
          this.db,
          batch.flatMap((b) => b.events),
        );
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.done(error);
      }
    }
  }
}

import type { Database, Sql } from '../store/database.ts';
import { type NewAuditEvent, recordAuditEvents } from './events.ts';

/**
 * Authentication refusals in the ledger without letting a flood flood it (AUD-1, ACC-5).
 *
 * The first refusal of a kind — same action, reason and key (an account, or a keyed hash of the client address)
 * — is written at once, in the caller's transaction. Repeats within the window that it opens are only counted;
 * when the window ends, one event with `count` (the number of repeats) is written for all of them. A flood of
 * 10,000 wrong passwords for one account in one window is therefore two ledger events, whose counts (the first
 * counting one) add up to 10,000. `close()` writes the counts still open, so nothing is lost at shutdown.
 *
 * The key is held in memory only and never written: the ledger gets the account id or an anonymous actor.
 */

export interface Refusal extends NewAuditEvent {
  decision: 'deny';
}

export interface RefusalLedgerOptions {
  /** How long repeats are counted before their one event is written. */
  windowSeconds: number;
  /** Clock in milliseconds (tests move it instead of sleeping). */
  now?: () => number;
  /** Windows open at once; past this, new keys share one window per action and reason (memory stays bounded). */
  maxWindows?: number;
  /** Called when writing counted repeats in the background fails. */
  onError?: (error: unknown) => void;
}

interface Window {
  /** The event the repeats are repeats of, without its request id. */
  template: Refusal;
  endsAt: number;
  repeats: number;
  lastAt: number;
  lastRequestId: string | undefined;
}

/** Shared by every key once `maxWindows` is reached. */
const OVERFLOW = '*';

export class RefusalLedger {
  private readonly db: Database;
  private readonly windowMs: number;
  private readonly maxWindows: number;
  private readonly onError: (error: unknown) => void;
  private readonly windows = new Map<string, Window>();
  /** Requests whose refusal is already written or counted, so the HTTP layer does not record it twice. */
  private readonly handled = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  now: () => number;

  constructor(db: Database, options: RefusalLedgerOptions) {
    this.db = db;
    this.windowMs = options.windowSeconds * 1000;
    this.now = options.now ?? Date.now;
    this.maxWindows = options.maxWindows ?? 10_000;
    this.onError = options.onError ?? (() => {});
    // Ended windows are written within a second of their end; the timer never keeps the process alive.
    this.timer = setInterval(() => void this.flushEnded().catch(this.onError), Math.min(1000, this.windowMs));
    this.timer.unref();
  }

  /**
   * Records a refusal keyed by `key`: written now (returns true) when it is the first of its kind in a window,
   * otherwise counted (returns false).
   */
  async record(sql: Sql, event: Refusal, key: string): Promise<boolean> {
    if (event.requestId) this.handled.add(event.requestId);
    const now = this.now();
    let id = windowId(event, key);
    if (!this.windows.has(id) && this.windows.size >= this.maxWindows) {
      // Many distinct keys at once (a spread-out attack): count them together, anonymously.
      id = windowId(event, OVERFLOW);
      event = {
        action: event.action,
        reason: event.reason,
        decision: 'deny',
        actor: { kind: 'anonymous' },
        ...(event.requestId ? { requestId: event.requestId } : {}),
      };
    }
    const open = this.windows.get(id);
    if (open && open.endsAt > now) {
      open.repeats += 1;
      open.lastAt = now;
      open.lastRequestId = event.requestId;
      return false;
    }
    const toWrite: NewAuditEvent[] = [];
    if (open) {
      this.windows.delete(id);
      if (open.repeats > 0) toWrite.push(summary(open));
    }
    const { requestId: _first, ...template } = event;
    this.windows.set(id, {
      template,
      endsAt: now + this.windowMs,
      repeats: 0,
      lastAt: now,
      lastRequestId: undefined,
    });
    toWrite.push(event);
    await recordAuditEvents(sql, toWrite);
    return true;
  }

  /** Whether this request's refusal is already written or counted. */
  hasRecorded(requestId: string): boolean {
    return this.handled.has(requestId);
  }

  /** The request is answered: forget its id. */
  release(requestId: string): void {
    this.handled.delete(requestId);
  }

  /** Writes the counts of windows that have ended; returns how many events were written. */
  flushEnded(): Promise<number> {
    return this.write((w) => w.endsAt <= this.now());
  }

  /** Writes every open count now (shutdown, tests). */
  flush(): Promise<number> {
    return this.write(() => true);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(due: (w: Window) => boolean): Promise<number> {
    const events: NewAuditEvent[] = [];
    const taken: [string, Window][] = [];
    for (const [id, w] of this.windows) {
      if (!due(w)) continue;
      this.windows.delete(id);
      taken.push([id, w]);
      if (w.repeats > 0) events.push(summary(w));
    }
    if (events.length === 0) return 0;
    try {
      await recordAuditEvents(this.db, events);
    } catch (error) {
      // Keep the counts so that the next flush tries again, unless a new window for the key opened meanwhile.
      for (const [id, w] of taken) if (w.repeats > 0 && !this.windows.has(id)) this.windows.set(id, w);
      throw error;
    }
    return events.length;
  }
}

function windowId(event: Refusal, key: string): string {
  return `${event.action}\u0000${event.reason}\u0000${key}`;
}

function summary(w: Window): NewAuditEvent {
  return {
    ...w.template,
    count: w.repeats,
    time: new Date(w.lastAt),
    ...(w.lastRequestId ? { requestId: w.lastRequestId } : {}),
  };
}

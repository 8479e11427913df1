import type { Database, Sql } from '../store/database.ts';
import type { Session } from './sessions.ts';

/**
 * Recently verified sessions, kept for a few seconds so that a burst of requests does not look the same session
 * up again each time (B2: the lookup was half the cost of a protected read). Anything that ends or changes a
 * session or its account — sign-out, a new token, disabling, a new role or tier, a factor reset — sends
 * NOTIFY haven_session with the account id, on commit, to every Haven server: the entries go at once (ACC-4).
 * If notifications may have been missed, the cache empties and turns itself off.
 */
export const SESSION_CHANNEL = 'haven_session';

/** Caches of this process, told at once; other processes hear the NOTIFY when the change commits. */
const local = new Set<SessionCache>();

export async function announceSessionChange(sql: Sql, accountId: string): Promise<void> {
  for (const cache of local) cache.forgetAccount(accountId);
  await sql.query('select pg_notify($1, $2)', [SESSION_CHANNEL, accountId]);
}

export class SessionCache {
  private readonly entries = new Map<string, { session: Session; until: number }>();
  private enabled: boolean;
  private readonly ttlMs: number;
  private stop: (() => Promise<void>) | undefined;

  constructor(ttlSeconds: number) {
    this.ttlMs = ttlSeconds * 1000;
    this.enabled = ttlSeconds > 0;
  }

  /** Starts listening for changes; until it does, nothing is cached. */
  async listen(db: Database): Promise<void> {
    if (!this.enabled) return;
    this.stop = await db.listen(SESSION_CHANNEL, (payload) => {
      if (payload === '*') {
        this.enabled = false;
        this.entries.clear();
        return;
      }
      this.forgetAccount(payload);
    });
    local.add(this);
  }

  forgetAccount(accountId: string): void {
    for (const [key, entry] of this.entries)
      if (entry.session.account.id === accountId) this.entries.delete(key);
  }

  get(tokenHash: string): Session | undefined {
    if (!this.enabled || !this.stop) return undefined;
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.session;
  }

  set(tokenHash: string, session: Session): void {
    if (!this.enabled || !this.stop) return;
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(tokenHash, { session, until: Date.now() + this.ttlMs });
  }

  forgetToken(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  async close(): Promise<void> {
    local.delete(this);
    this.entries.clear();
    await this.stop?.();
  }
}

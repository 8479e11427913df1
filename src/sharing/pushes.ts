/**
 * Pushes to partners (PUR-4, RIG-4, RET-2; issue 17 item 4): each notice the gate makes of a change (a withdrawn
 * consent, a correction, an erasure…) is POSTed to the partner's webhook, signed by the Standard Webhooks scheme
 * (HMAC-SHA256 with a secret Haven made for that partner), at least once: a job per notice, retried with growing
 * delays, the notice id as `webhook-id` so the partner applies it once. The notice's body comes from the gate
 * (src/gate/partner-notices.ts): this module sends and signs, and never reads a protected table.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { open, seal } from '../crypto/aead.ts';
import { HavenError } from '../domain/errors.ts';
import type { NoticeHooks, NoticeToDeliver } from '../gate/partner-notices.ts';
import type { PartnerNoticeGate } from '../gate/service.ts';
import type { JobDefinition, JobQueue } from '../jobs/queue.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Logger } from '../observability/logger.ts';
import type { Database, Sql } from '../store/database.ts';
import { getPartner, type SharingActor } from './partners.ts';

export const DELIVER_JOB = 'partner-notice-deliver';
export const SWEEP_JOB = 'partner-notice-sweep';
/** The webhook must answer within this long; a slow one is tried again later. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/**
 * Retries after the first attempt: 30 s doubling (with jitter) to at most an hour apart, about 6 hours in all —
 * a partner's night-long outage — before the DPO is told. The partner can still pull its notices after that.
 */
export const DELIVERY_RETRY: Required<Pick<JobDefinition, 'retryLimit' | 'retryDelaySeconds' | 'backoff'>> &
  JobDefinition = {
  retryLimit: 12,
  retryDelaySeconds: 30,
  backoff: true,
  retryDelayMaxSeconds: 3600,
  // An attempt is one request with a timeout: one still running after this died with its server.
  expireInSeconds: 120,
};
/** When a new webhook secret is made, the previous one keeps signing this long, so the partner can switch. */
export const SECRET_OVERLAP_HOURS = 24;
const SECRET_BYTES = 32;
const SECRET_PREFIX = 'whsec_';

export interface PushOptions {
  /** The general pool: partners and their webhook secrets. */
  db: Database;
  /** The gate's notice operations. */
  notices: PartnerNoticeGate;
  /** What the gate's context holds: fan-out and queueing at commit (NoticeHooks). */
  hooks: NoticeHooks;
  /** Seals the webhook secrets: derived from the key ring by the composition root. */
  sealingKey: Buffer;
  /** Haven's public address, for the acknowledgement link in each notice. */
  origin: string;
  logger: Logger;
  now(): Date;
  timeoutMs?: number;
}

/** The body POSTed to the webhook (Standard Webhooks: type, timestamp, data). */
export interface NoticeBody {
  type: string;
  timestamp: string;
  data: NoticeToDeliver['data'] & { acknowledge: string };
}

/** Delivery jobs for notices, in the transaction that made them (keyed by notice: a duplicate is a no-op). */
export async function enqueueDeliveries(
  jobs: JobQueue,
  tx: Sql,
  noticeIds: readonly string[],
): Promise<void> {
  for (const id of noticeIds) await jobs.enqueue(DELIVER_JOB, { notice: id }, { key: id, tx });
}

const secretAad = (partnerId: string, version: number) =>
  Buffer.from(`haven/webhook-secret/v1\0${partnerId}\0${version}`);

export class Pushes {
  readonly #o: PushOptions;

  constructor(options: PushOptions) {
    this.#o = options;
  }

  /**
   * Declares the jobs on a queue (every server, before it starts): one delivery per notice, and the sweep every
   * minute that fans out what a commit did not and re-queues deliveries lost with an older build.
   */
  define(jobs: JobQueue, retry: JobDefinition = {}, send: { timeoutMs?: number } = {}): void {
    const definition = { ...DELIVERY_RETRY, ...retry };
    jobs.define<{ notice: string }>(
      DELIVER_JOB,
      async (job) => {
        const final = job.attempt > definition.retryLimit;
        await this.deliver(String(job.payload.notice), { final, signal: job.signal, ...send });
      },
      definition,
    );
    jobs.define(SWEEP_JOB, async () => {
      const swept = await this.#o.notices.sweep(this.#o.hooks);
      if (swept.changes > 0) this.#o.logger.warn(swept, 'partner notices fanned out by the sweep');
    });
    jobs.schedule(SWEEP_JOB, '* * * * *');
  }

  /** The sweep, run now (tests, and the `jobs` schedule above). */
  sweep() {
    return this.#o.notices.sweep(this.#o.hooks);
  }

  /** The body of a notice as it is sent: the same bytes on every attempt, so a partner can compare them. */
  body(notice: NoticeToDeliver): string {
    const body: NoticeBody = {
      type: `person.${notice.data.change}`,
      timestamp: notice.data.changedAt,
      data: {
        ...notice.data,
        acknowledge: `${this.#o.origin}/api/partner/notices/${notice.id}/ack`,
      },
    };
    return JSON.stringify(body);
  }

  /**
   * One attempt to deliver a notice. 2xx: delivered. 410: the partner's endpoint is gone — stop, tell the DPO.
   * Anything else (an error status, a redirect, no answer within the timeout): thrown, so the queue tries again
   * later; on the last attempt the notice is marked failed for the DPO. Redirects are not followed: a notice
   * goes only to the address staff registered.
   */
  async deliver(
    id: string,
    options: { final: boolean; signal?: AbortSignal; timeoutMs?: number },
  ): Promise<void> {
    const { notices, logger } = this.#o;
    const notice = await notices.toDeliver(id);
    if (!notice?.open) return;
    const { rows } = await this.#o.db.query<{ webhook_url: string | null }>(
      'select webhook_url from partner where id = $1',
      [notice.partnerId],
    );
    const url = rows[0]?.webhook_url;
    if (!url) {
      // The partner pulls its notices (GET /api/partner/notices); the acknowledgement clock runs all the same.
      await notices.recordDelivery(id, { result: 'no-webhook', code: 'no-webhook' });
      return;
    }
    const code = await this.#send(notice, url, options);
    if (code === null) {
      await notices.recordDelivery(id, { result: 'delivered' });
      return;
    }
    if (code === 'webhook-gone') {
      await notices.recordDelivery(id, { result: 'gone', code });
      logger.warn({ notice: id, partner: notice.partnerId }, 'partner webhook gone (410): delivery stopped');
      return;
    }
    await notices.recordDelivery(id, options.final ? { result: 'failed', code } : { result: 'retry', code });
    throw new HavenError('partner-unreachable', `The partner's webhook did not take the notice (${code}).`, {
      status: 503,
      reason: code,
    });
  }

  /** Sends once; null when the partner took it, else a stable code. */
  async #send(
    notice: NoticeToDeliver,
    url: string,
    { signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<string | null> {
    const secrets = await this.#activeSecrets(notice.partnerId);
    if (secrets.length === 0) return 'webhook-secret-missing';
    const body = this.body(notice);
    const now = this.#o.now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Haven-Push/1',
      'webhook-id': notice.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      // One signature per secret in force, space-separated: a partner rotating its secret verifies either.
      'webhook-signature': secrets
        .map((secret) => new Webhook(secret, { format: 'raw' }).sign(notice.id, now, body))
        .join(' '),
    };
    const timeout = AbortSignal.timeout(timeoutMs ?? this.#o.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      // What the partner answers is not read: only its status counts (and a body could hold anything).
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return null;
      if (response.status === 410) return 'webhook-gone';
      return `webhook-status-${response.status}`;
    } catch (error) {
      if (timeout.aborted) return 'webhook-timeout';
      if (signal?.aborted) return 'webhook-stopped';
      const cause = (error as { cause?: { code?: unknown } }).cause?.code;
      return typeof cause === 'string' && /^E[A-Z_]{2,30}$/.test(cause)
        ? `webhook-unreachable-${cause.toLowerCase().replace(/_/g, '-')}`
        : 'webhook-unreachable';
    }
  }

  async #activeSecrets(partnerId: string): Promise<Buffer[]> {
    const { rows } = await this.#o.db.query<{ version: number; sealed: Buffer }>(
      `select version, sealed from partner_webhook_secret
        where partner_id = $1 and (retires_at is null or retires_at > $2) order by version desc`,
      [partnerId, this.#o.now()],
    );
    return rows.map((r) => open(this.#o.sealingKey, r.sealed, secretAad(partnerId, r.version)));
  }

  /**
   * Makes a new webhook secret for a partner and returns it, once (`whsec_…`, Standard Webhooks): Haven keeps it
   * sealed only. The previous secret keeps signing for SECRET_OVERLAP_HOURS, so the partner can switch.
   */
  async newWebhookSecret(
    organisationId: string,
    partnerId: string,
    actor: SharingActor,
  ): Promise<{ secret: string; version: number; createdAt: string; previousRetiresAt: string | null }> {
    const now = this.#o.now();
    const material = randomBytes(SECRET_BYTES);
    try {
      return await this.#o.db.transaction(async (tx) => {
        await getPartner(tx, organisationId, partnerId, true);
        const { rows } = await tx.query<{ version: number }>(
          'select coalesce(max(version), 0)::int as version from partner_webhook_secret where partner_id = $1',
          [partnerId],
        );
        const version = rows[0]!.version + 1;
        const retires = new Date(now.getTime() + SECRET_OVERLAP_HOURS * 3_600_000);
        const { rowCount } = await tx.query(
          `update partner_webhook_secret set retires_at = $2
            where partner_id = $1 and (retires_at is null or retires_at > $2)`,
          [partnerId, retires],
        );
        await tx.query(
          `insert into partner_webhook_secret (partner_id, version, sealed, created_at, created_by)
           values ($1, $2, $3, $4, $5)`,
          [
            partnerId,
            version,
            seal(this.#o.sealingKey, material, secretAad(partnerId, version)),
            now,
            actor.account,
          ],
        );
        await recordAuditEvent(tx, {
          actor: actor.audit,
          action: 'partner.webhook-secret',
          subject: partnerId,
          subjectType: 'partner',
          decision: 'allow',
          reason: 'ok',
        });
        return {
          secret: `${SECRET_PREFIX}${material.toString('base64')}`,
          version,
          createdAt: now.toISOString(),
          previousRetiresAt: rowCount > 0 ? retires.toISOString() : null,
        };
      });
    } finally {
      material.fill(0);
    }
  }

  /** Whether a partner has a webhook and secrets in force (never the secrets). */
  async webhookStatus(
    organisationId: string,
    partnerId: string,
  ): Promise<{
    webhookUrl: string | null;
    secrets: { version: number; createdAt: string; retiresAt: string | null }[];
  }> {
    const partner = await getPartner(this.#o.db, organisationId, partnerId);
    const { rows } = await this.#o.db.query<{ version: number; created_at: Date; retires_at: Date | null }>(
      `select version, created_at, retires_at from partner_webhook_secret
        where partner_id = $1 and (retires_at is null or retires_at > $2) order by version desc`,
      [partnerId, this.#o.now()],
    );
    return {
      webhookUrl: partner.webhookUrl,
      secrets: rows.map((r) => ({
        version: r.version,
        createdAt: r.created_at.toISOString(),
        retiresAt: r.retires_at?.toISOString() ?? null,
      })),
    };
  }
}

import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { partnerBlocked } from '../../src/gate/partner-notices.ts';
import { JobQueue } from '../../src/jobs/queue.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { type Actor, ledgerEvents, register, type Team, team } from '../support/gate.ts';
import { LogCapture, startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';
import { partnerToken, registerPartner, type TestPartner } from './partner-support.ts';

/**
 * Pushes to partners (issue 17 item 4; PUR-4, RIG-4, RET-2): a withdrawal, correction or erasure reaches every
 * partner that received the person's data, signed (Standard Webhooks), at least once and applied once by a receiver
 * that dedupes on webhook-id, through failures and a restart of the server that works the jobs.
 */

type Mode = 'ok' | 'fail' | 'drop' | 'apply-then-drop' | 'gone' | 'slow';

/** A partner's webhook on this machine: verifies each signature, applies each notice id once. */
class Receiver {
  mode: Mode = 'ok';
  secret = '';
  readonly received: { id: string; body: string; headers: IncomingHttpHeaders; at: number }[] = [];
  readonly applied = new Map<string, Record<string, unknown>>();
  readonly invalid: string[] = [];
  server: Server;
  url = '';

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const id = String(request.headers['webhook-id']);
        this.received.push({ id, body, headers: request.headers, at: performance.now() });
        if (this.mode === 'drop') return request.socket.destroy();
        if (this.mode === 'fail') return response.writeHead(500).end('no');
        if (this.mode === 'gone') return response.writeHead(410).end();
        if (this.mode === 'slow') return void setTimeout(() => response.writeHead(200).end(), 3000);
        let payload: Record<string, unknown>;
        try {
          payload = new Webhook(this.secret).verify(
            body,
            request.headers as Record<string, string>,
          ) as Record<string, unknown>;
        } catch {
          this.invalid.push(id);
          return response.writeHead(401).end();
        }
        // Applied once per webhook-id, however often it comes (at least once).
        if (!this.applied.has(id)) this.applied.set(id, payload);
        if (this.mode === 'apply-then-drop') return request.socket.destroy();
        response.writeHead(204).end();
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/haven`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const base32 = (bytes: Buffer) =>
  [...bytes]
    .map((b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32])
    .join('')
    .slice(0, 26);

/** One of the known people, each registration a different person (its Latin given name made unique). */
const person = (i: number) => {
  const known = KNOWN_PEOPLE[i % KNOWN_PEOPLE.length]!;
  return i < KNOWN_PEOPLE.length ? { ...known } : { ...known, 'given-name-latin': `Known${i}` };
};

for (const kind of testDatabaseKinds()) {
  describe(`pushes to partners (${kind})`, () => {
    let t: TestHaven;
    let a: Team;
    let receiver: Receiver;
    let partner: TestPartner;
    let other: TestPartner;
    let agreementId = '';
    let worker: JobQueue | undefined;
    const logs = new LogCapture();

    /** A server that works the jobs (as `haven serve` on the same database), with short retries for the test. */
    async function startWorker(): Promise<void> {
      worker = new JobQueue(t.haven.db, {
        logger: createLogger('info', logs),
        workers: 4,
        pollSeconds: 0.5,
        superviseSeconds: 1,
        cronSeconds: 1,
        stopTimeoutMs: 1000,
      });
      t.haven.pushes.define(
        worker,
        { retryLimit: 4, retryDelaySeconds: 1, backoff: false },
        { timeoutMs: 1000 },
      );
      await worker.start();
    }
    async function stopWorker(): Promise<void> {
      await worker?.stop();
      worker = undefined;
    }

    /** An agreement and a release of the person to the partner (test-only shortcut: the rows the release path writes). */
    async function agreementFor(p: TestPartner, purposes: string[]): Promise<string> {
      const id = randomUUID();
      await t.database.db.query(
        `insert into agreement (id, organisation_id, partner_id, title, purposes, fields, legal_basis, starts_on, ends_on,
           partner_retention, proposed_by)
         values ($1, $2, $3, 'Cash', $4, '{full_name}', 'consent', '2026-01-01', '2030-12-31', '6 months', $5)`,
        [id, a.supervisor.staff.organisationId, p.id, purposes, a.supervisor.staff.id],
      );
      return id;
    }
    async function released(p: TestPartner, agreement: string, personId: string, groups = ['identity']) {
      const release = randomUUID();
      await t.database.db.query(
        `insert into release (id, organisation_id, partner_id, agreement_id, requested_by, staff_id, records, refused,
           field_groups, digest, expires_at, max_downloads)
         values ($1, $2, $3, $4, 'staff', $5, 1, 0, $6, $7, now() + interval '1 day', 1)`,
        [
          release,
          a.supervisor.staff.organisationId,
          p.id,
          agreement,
          a.supervisor.staff.id,
          groups,
          createHash('sha256').update(release).digest(),
        ],
      );
      await t.database.db.query('insert into release_person (release_id, person_id) values ($1, $2)', [
        release,
        personId,
      ]);
      const pseudonym = `p-${base32(randomBytes(26))}`;
      await t.database.db.query(
        `insert into partner_pseudonym (partner_id, person_id, pseudonym) values ($1, $2, $3)
         on conflict do nothing`,
        [p.id, personId, pseudonym],
      );
      const { rows } = await t.database.db.query<{ pseudonym: string }>(
        'select pseudonym from partner_pseudonym where partner_id = $1 and person_id = $2',
        [p.id, personId],
      );
      return rows[0]!.pseudonym;
    }
    const noticesOf = async (personId: string) =>
      (
        await t.database.db.query<{
          id: string;
          partner_id: string;
          change: string;
          delivery: string;
          attempts: number;
          last_error: string | null;
        }>(
          'select id, partner_id, change, delivery, attempts, last_error from partner_notice where person_id = $1 order by created_at',
          [personId],
        )
      ).rows;
    const withdraw = (who: Actor, personId: string) =>
      who.as('registration').post(`/api/persons/${personId}/consents/withdraw`, { purpose: 'registration' });
    const partnerCall = async (p: TestPartner, method: 'GET' | 'POST', url: string) => {
      const reply = await t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${await partnerToken(t, p)}` },
      });
      return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown> };
    };

    before(async () => {
      receiver = new Receiver();
      await receiver.listen();
      t = await startTestHaven(kind);
      a = await team(t, 'org-a');
      partner = await registerPartner(t, a.admin, { name: 'Cash NGO', webhookUrl: receiver.url });
      other = await registerPartner(t, a.admin, { name: 'Other NGO', webhookUrl: receiver.url });
      await reauthenticate(t, a.admin.client, a.admin.staff);
      const made = await a.admin.client.post(`/api/partners/${partner.id}/webhook-secret`, {});
      assert.equal(made.status, 201, made.text);
      receiver.secret = String(made.body.secret);
      assert.match(receiver.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      agreementId = await agreementFor(partner, ['registration']);
      await startWorker();
    });
    after(async () => {
      await stopWorker();
      await t.close();
      await receiver.close();
    });

    test('a withdrawal in the portal reaches the partner’s webhook, signed, naming the person only by pseudonym', async () => {
      const personId = await register(a.clerk, person(0));
      const pseudonym = await released(partner, agreementId, personId);
      const issued = await a.clerk.client.post(`/api/persons/${personId}/card`, { pin: '5071' });
      const portal = new Client(t.app);
      assert.equal(
        (await portal.post('/api/me/sign-in', { code: issued.body.code, pin: '5071' })).status,
        200,
      );
      const from = receiver.received.length;
      const started = performance.now();
      const withdrawn = await portal.post('/api/me/consents/registration/withdraw', {});
      assert.equal(withdrawn.status, 200, withdrawn.text);
      await until(() => receiver.received.length > from, 'the push');
      const latency = receiver.received[from]!.at - started;
      t.haven.logger.info({ latencyMs: Math.round(latency) }, 'push latency');
      // Reported by the test run: from the person's click to the partner's receiver, with a worker idle.
      console.log(`push latency (${kind}): ${latency.toFixed(0)} ms`);

      const got = receiver.received[from]!;
      const notices = await noticesOf(personId);
      assert.equal(notices.length, 1, 'one partner held the data: one notice');
      assert.equal(got.id, notices[0]!.id, 'webhook-id is the notice id (the idempotency key)');
      const payload = receiver.applied.get(got.id) as {
        type: string;
        data: Record<string, unknown>;
      };
      assert.equal(payload.type, 'person.consent-withdrawn');
      assert.equal(payload.data.person, pseudonym);
      assert.equal(payload.data.purpose, 'registration');
      assert.equal(payload.data.action, 'stop-using');
      assert.deepEqual(payload.data.agreements, [agreementId]);
      // No internal id, no value of the person anywhere in what left.
      assert.ok(!got.body.includes(personId));
      for (const value of Object.values(KNOWN_PEOPLE[0]!).flat())
        if (typeof value === 'string' && value.length > 2) assert.ok(!got.body.includes(value), value);
      // A wrong secret does not verify it.
      assert.throws(() =>
        new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(
          got.body,
          got.headers as Record<string, string>,
        ),
      );
      await until(async () => (await noticesOf(personId))[0]!.delivery === 'delivered', 'delivered');

      // The partner acknowledges; twice is the same answer.
      const ack = await partnerCall(partner, 'POST', `/api/partner/notices/${got.id}/ack`);
      assert.equal(ack.status, 200, JSON.stringify(ack.body));
      const again = await partnerCall(partner, 'POST', `/api/partner/notices/${got.id}/ack`);
      assert.deepEqual(again, ack);
      const events = await ledgerEvents(t, personId);
      assert.ok(
        events.some((e) => e.action === 'partner.notice-delivered' && e.reason === 'consent-withdrawn'),
      );
      assert.equal(events.filter((e) => e.action === 'partner.notice-acknowledged').length, 1);
    });

    test('a receiver that fails, drops the line after applying, and is down across a restart applies it once', async () => {
      const personId = await register(a.clerk, person(1));
      await released(partner, agreementId, personId);
      // A partner that never received this person hears nothing of it.
      receiver.mode = 'fail';
      const from = receiver.received.length;
      assert.equal((await withdraw(a.caseworker, personId)).status, 201);
      const [notice] = await noticesOf(personId);
      assert.ok(notice, 'the notice is made in the withdrawal’s transaction');
      await until(() => receiver.received.length >= from + 2, 'two failed attempts');
      // The server working the jobs stops; the receiver goes down meanwhile.
      await stopWorker();
      receiver.mode = 'drop';
      await until(async () => (await noticesOf(personId))[0]!.attempts >= 2, 'attempts recorded');
      assert.equal((await noticesOf(personId))[0]!.delivery, 'pending');
      await startWorker();
      await until(() => receiver.received.length >= from + 3, 'an attempt against the dropped line');
      // It takes the notice but the answer is lost: Haven tries again, the receiver dedupes.
      receiver.mode = 'apply-then-drop';
      await until(() => receiver.applied.has(notice.id), 'applied');
      receiver.mode = 'ok';
      await until(async () => (await noticesOf(personId))[0]!.delivery === 'delivered', 'delivered');
      const attempts = receiver.received.filter((r) => r.id === notice.id);
      assert.ok(attempts.length >= 4, `${attempts.length} attempts`);
      assert.equal([...receiver.applied.keys()].filter((id) => id === notice.id).length, 1, 'applied once');
      // Every attempt carried the same body (same bytes, same idempotency key).
      assert.equal(new Set(attempts.map((r) => r.body)).size, 1);
      assert.equal(receiver.invalid.length, 0);
      assert.ok(!(await noticesOf(personId)).some((n) => n.partner_id === other.id));
    });

    test('acknowledgements: unknown and another partner’s notices are not found; missed ones can be pulled', async () => {
      const personId = await register(a.clerk, person(2));
      await released(partner, agreementId, personId);
      assert.equal((await withdraw(a.caseworker, personId)).status, 201);
      const [notice] = await noticesOf(personId);
      const pending = await partnerCall(partner, 'GET', '/api/partner/notices?pending=true');
      assert.equal(pending.status, 200);
      assert.ok((pending.body.notices as { notice: string }[]).some((n) => n.notice === notice!.id));
      assert.ok(!JSON.stringify(pending.body).includes(personId));
      const unknown = await partnerCall(partner, 'POST', `/api/partner/notices/${randomUUID()}/ack`);
      assert.deepEqual([unknown.status, unknown.body.code], [404, 'notice-not-found']);
      const notOurs = await partnerCall(other, 'POST', `/api/partner/notices/${notice!.id}/ack`);
      assert.deepEqual([notOurs.status, notOurs.body.code], [404, 'notice-not-found']);
      const byStaff = await a.dpo.client.post(`/api/partner/notices/${notice!.id}/ack`, {});
      assert.equal(byStaff.status, 401);
      assert.equal(
        (await partnerCall(partner, 'POST', `/api/partner/notices/${notice!.id}/ack`)).status,
        200,
      );
      const after = await partnerCall(partner, 'GET', '/api/partner/notices');
      assert.ok(!(after.body.notices as { notice: string }[]).some((n) => n.notice === notice!.id));
    });

    test('unacknowledged past the limit: releases to the partner are blocked and the DPO is told, until settled', async () => {
      const personId = await register(a.clerk, person(3));
      await released(partner, agreementId, personId);
      assert.equal((await withdraw(a.caseworker, personId)).status, 201);
      const [notice] = await noticesOf(personId);
      const now = new Date();
      assert.equal(await partnerBlocked(t.database.db, partner.id, now), false);
      const later = new Date(now.getTime() + 73 * 3_600_000);
      assert.equal(await partnerBlocked(t.database.db, partner.id, later), true);
      assert.equal(await partnerBlocked(t.database.db, other.id, later), false);
      const clock = t.haven.clock.now;
      t.haven.clock.now = () => later;
      try {
        const list = await a.dpo.client.get<{ items: { kind: string; ref: string; details: string[] }[] }>(
          '/api/worklist',
        );
        const item = list.body.items.find((i) => i.kind === 'notice-unacknowledged');
        assert.equal(item?.ref, partner.id);
        assert.ok(item.details.some((d) => /^overdue-[1-9]/.test(d)));
        const pushes = await a.auditor.client.get<{
          blocked: boolean;
          pushes: { id: string; state: string }[];
        }>(`/api/partners/${partner.id}/pushes?open=true`);
        assert.equal(pushes.status, 200, pushes.text);
        assert.equal(pushes.body.blocked, true);
        assert.ok(!pushes.text.includes(personId) && !/p-[a-z2-7]{26}/.test(pushes.text));
        assert.equal(
          (await a.clerk.client.get(`/api/partners/${partner.id}/pushes`)).status,
          403,
          'clerks do not follow partners',
        );
        // The DPO settles it (confirmed by other means): the block lifts once nothing else is overdue.
        const open = pushes.body.pushes.map((p) => p.id);
        assert.ok(open.includes(notice!.id));
        for (const id of open) {
          const settled = await a.dpo.client.post(`/api/partners/${partner.id}/pushes/${id}/settle`, {
            reason: 'confirmed-otherwise',
          });
          assert.equal(settled.status, 200, settled.text);
        }
        assert.equal(await partnerBlocked(t.database.db, partner.id, later), false);
      } finally {
        t.haven.clock.now = clock;
      }
    });

    test('a webhook that is gone (410) stops delivery; a partner without a secret gets nothing unsigned', async () => {
      const personId = await register(a.clerk, person(4));
      await released(partner, agreementId, personId);
      const otherAgreement = await agreementFor(other, ['registration']);
      await released(other, otherAgreement, personId);
      receiver.mode = 'gone';
      const from = receiver.received.length;
      assert.equal((await withdraw(a.caseworker, personId)).status, 201);
      await until(async () => (await noticesOf(personId)).some((n) => n.delivery === 'gone'), 'gone');
      await until(
        async () =>
          (await noticesOf(personId)).some(
            (n) => n.partner_id === other.id && n.last_error === 'webhook-secret-missing',
          ),
        'the unsigned one held back',
      );
      // Only the partner with a secret was called; the other's notice waits for its secret (or its pull).
      assert.ok(
        receiver.received.slice(from).every((r) => r.id !== undefined && r.headers['webhook-signature']),
      );
      const otherNotice = (await noticesOf(personId)).find((n) => n.partner_id === other.id)!;
      assert.ok(!receiver.received.some((r) => r.id === otherNotice.id));
      const events = await ledgerEvents(t, personId);
      assert.ok(events.some((e) => e.action === 'partner.notice-undelivered' && e.reason === 'webhook-gone'));
      receiver.mode = 'ok';
    });

    test('a slow receiver is cut off by the timeout and tried again; erasure tells every holder to erase', async () => {
      const personId = await register(a.clerk, person(5));
      await released(partner, agreementId, personId);
      receiver.mode = 'slow';
      const from = receiver.received.length;
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const erased = await a.dpo.client.request('DELETE', `/api/persons/${personId}`, {
        reason: 'erasure-request',
      });
      assert.equal(erased.status, 200, erased.text);
      await until(
        async () => (await noticesOf(personId)).some((n) => n.last_error === 'webhook-timeout'),
        'a timeout',
      );
      receiver.mode = 'ok';
      await until(async () => (await noticesOf(personId))[0]!.delivery === 'delivered', 'delivered');
      const got = receiver.received.slice(from).find((r) => receiver.applied.has(r.id))!;
      const payload = receiver.applied.get(got.id) as { type: string; data: { action: string } };
      assert.deepEqual([payload.type, payload.data.action], ['person.erasure', 'erase']);
    });
  });
}

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { GateRequest } from '../../src/gate/context.ts';
import { sweepUnusedKeys } from '../../src/gate/registrations.ts';
import { createOrganisation } from '../../src/identity/accounts.ts';
import { treeHead } from '../../src/ledger/tree-store.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { sequenceUntil } from '../support/ledger.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, type StaffMember } from '../support/staff.ts';

const consent = (t: TestHaven) => ({
  kind: 'consent' as const,
  noticeVersion: t.haven.gate.notices.versions('registration')[0]!,
  noticeLanguage: 'ar',
  method: 'written' as const,
});

/** A signed-in clerk as the gate sees one (these tests call the gate directly, not over HTTP). */
const clerkRequest = (clerk: StaffMember): GateRequest => ({
  actor: {
    kind: 'staff',
    accountId: clerk.id,
    organisationId: clerk.organisationId,
    role: 'clerk',
    tier: 2,
    assurance: 2,
  },
  purpose: 'registration',
});

for (const kind of testDatabaseKinds()) {
  describe(`registrations written in batches (${kind})`, () => {
    test('concurrent registrations share commits; each is whole, readable and in the ledger', async () => {
      const t = await startTestHaven(kind, { HAVEN_WRITE_BATCH_WAIT_MS: '20' });
      try {
        const clerk = await createStaff(t, { role: 'clerk', tier: 2, org: 'batch-org' });
        const request = clerkRequest(clerk);
        const writer = t.internals.gateContext.registrations;
        const before = { ...writer.stats };
        const people = Array.from({ length: 24 }, (_, i) => ({
          ...KNOWN_PEOPLE[i % KNOWN_PEOPLE.length]!,
          'case-number': `BATCH-${i}`,
        }));
        const registered = await Promise.all(
          people.map((values) => t.haven.gate.registerPerson(request, { values, basis: consent(t) })),
        );
        const batches = writer.stats.batches - before.batches;
        assert.equal(writer.stats.items - before.items, 24);
        assert.ok(batches < 24, `24 registrations took ${batches} commits`);
        for (const [i, r] of registered.entries()) {
          const view = await t.haven.gate.readPerson(request, r.id);
          assert.equal(view.data['legal-status']?.['case-number'], `BATCH-${i}`);
          assert.ok(view.data.identity, 'every group of the registration is there');
        }
        const { rows } = await t.database.db.query<{ action: string; n: number }>(
          `select convert_from(body, 'UTF8')::json->>'action' as action, count(*)::int as n from audit_event
            where person_id = any($1::uuid[]) group by 1 order by 1`,
          [registered.map((r) => r.id)],
        );
        assert.deepEqual(
          rows.filter((r) => r.action !== 'person.read'),
          [
            { action: 'consent.give', n: 24 },
            { action: 'person.register', n: 24 },
          ],
        );
        const { rows: keys } = await t.vaultDatabase.db.query<{ n: number }>(
          'select count(*)::int as n from person_key where person_id = any($1::uuid[])',
          [registered.map((r) => r.id)],
        );
        assert.equal(keys[0]!.n, 24);
        await sequenceUntil(t.haven.db, 48);
        assert.ok((await treeHead(t.haven.db)).size >= 48);
      } finally {
        await t.close();
      }
    });

    test('one registration that cannot be written fails alone; the others in its batch are written', async () => {
      // A long gathering window puts all four in one batch, whatever the machine's speed.
      const t = await startTestHaven(kind, { HAVEN_WRITE_BATCH_WAIT_MS: '500' });
      try {
        const org = await createOrganisation(t.haven.db, { slug: 'batch-org' }, { kind: 'system' });
        const request: GateRequest = {
          actor: { kind: 'importer', organisationId: org.id, importId: 'batch' },
          purpose: 'registration',
        };
        // Two lines with the same import reference in one batch: the unique key lets exactly one through.
        const outcomes = await Promise.allSettled([
          t.haven.gate.registerPerson(request, {
            values: KNOWN_PEOPLE[0],
            basis: consent(t),
            importRef: 'line-1',
          }),
          t.haven.gate.registerPerson(request, {
            values: KNOWN_PEOPLE[1],
            basis: consent(t),
            importRef: 'line-2',
          }),
          t.haven.gate.registerPerson(request, {
            values: KNOWN_PEOPLE[2],
            basis: consent(t),
            importRef: 'line-1',
          }),
          t.haven.gate.registerPerson(request, { values: KNOWN_PEOPLE[3], basis: consent(t) }),
        ]);
        assert.deepEqual(
          outcomes.map((o) => (o.status === 'fulfilled' ? 'written' : (o.reason as { code: string }).code)),
          ['written', 'written', 'import-line-duplicate', 'written'],
        );
        assert.equal(t.internals.gateContext.registrations.stats.largest, 4, 'the four were one batch');
        const { rows } = await t.database.db.query<{ n: number }>(
          'select count(*)::int as n from person where organisation_id = $1',
          [org.id],
        );
        assert.equal(rows[0]!.n, 3);
        // The refused registration's key went with it: every key in the vault belongs to a person.
        const { rows: keys } = await t.vaultDatabase.db.query<{ n: number }>(
          'select count(*)::int as n from person_key',
        );
        assert.equal(keys[0]!.n, 3);
        // A re-run of the refused line finds the line already there.
        const again = await t.haven.gate.registerPerson(request, {
          values: KNOWN_PEOPLE[2],
          basis: consent(t),
          importRef: 'line-1',
        });
        assert.equal(again.alreadyRegistered, true);
      } finally {
        await t.close();
      }
    });

    test('keys a crash left without their persons are swept; used and recent keys stay', async () => {
      const t = await startTestHaven(kind);
      try {
        const request = clerkRequest(await createStaff(t, { role: 'clerk', tier: 2, org: 'batch-org' }));
        const kept = await t.haven.gate.registerPerson(request, {
          values: KNOWN_PEOPLE[0],
          basis: consent(t),
        });
        const vault = t.internals.vault;
        // As a crash leaves them: keys stored, the batch's statement never committed.
        const orphans = [randomUUID(), randomUUID()];
        await vault.storePersonKeys(orphans.map((id) => vault.newPersonKey(id)));
        const recent = randomUUID();
        await vault.storePersonKeys([vault.newPersonKey(recent)]);
        await t.vaultDatabase.db.query(
          `update person_key set created_at = now() - interval '2 hours' where person_id <> $1`,
          [recent],
        );
        const swept = await sweepUnusedKeys(t.internals.gateContext.db, vault, 24);
        assert.equal(swept, 2);
        const { rows } = await t.vaultDatabase.db.query<{ person_id: string }>(
          'select person_id from person_key order by person_id',
        );
        assert.deepEqual(rows.map((r) => r.person_id).sort(), [kept.id, recent].sort());
        assert.equal(await vault.personKey(orphans[0]!), null);
        assert.ok((await t.haven.gate.readPerson(request, kept.id)).data.identity);
      } finally {
        await t.close();
      }
    });
  });
}

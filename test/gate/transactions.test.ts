import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PurposeRegister } from '../../src/gate/purposes.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff } from '../support/staff.ts';

/** Within the bound: a gate call that would wait on itself never returns; fail the test instead of hanging. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

for (const kind of testDatabaseKinds()) {
  describe(`gate transactions read through themselves (${kind})`, () => {
    // On PGlite every query outside a running transaction waits for it to end: a transaction that read the
    // purpose register on the side, once its five-second cache had expired, waited for itself (`haven demo`
    // hung at random with several registrations in flight).
    test('a consent given while the purpose register must be read again completes', async () => {
      const t = await startTestHaven(kind);
      let hung = false;
      try {
        const clerk = await createStaff(t, { role: 'clerk', tier: 2, org: 'tx-org' });
        const request = {
          actor: {
            kind: 'staff' as const,
            accountId: clerk.id,
            organisationId: clerk.organisationId,
            role: 'clerk' as const,
            tier: 2,
            assurance: 2,
          },
          purpose: 'registration',
        };
        const notice = (purpose: string) => t.haven.gate.notices.versions(purpose)[0]!;
        const consent = (purpose: string) => ({
          kind: 'consent' as const,
          noticeVersion: notice(purpose),
          noticeLanguage: 'en',
          method: 'written' as const,
        });
        const { id } = await t.haven.gate.registerPerson(request, {
          values: KNOWN_PEOPLE[0],
          basis: consent('registration'),
        });
        // A register that never caches: every resolution reads the table, as one whose cache just expired.
        const ctx = t.internals.gateContext;
        ctx.purposes = new PurposeRegister(ctx.db, ctx.dictionary, 0);
        const given = await within(
          10_000,
          t.haven.gate.giveBasis(request, id, 'registration', consent('registration')),
        );
        assert.ok(given.id);
        await within(10_000, t.haven.gate.withdrawConsent(request, id, 'registration'));
      } catch (error) {
        hung = /no answer within/.test(String(error));
        throw error;
      } finally {
        // A database stuck on itself cannot be closed either: leave it, so the failure is reported, not a hang.
        if (!hung) await t.close();
      }
    });
  });
}

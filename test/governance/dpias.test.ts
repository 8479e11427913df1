import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client, Reply } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { completeDpiaContent } from '../support/dpias.ts';
import { CONSENT, ledgerEvents } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { createStaff, reauthenticate, type StaffMember, signedIn } from '../support/staff.ts';

const DAY = 86_400_000;
const day = (offsetDays: number, from = Date.now()) =>
  new Date(from + offsetDays * DAY).toISOString().slice(0, 10);

for (const kind of testDatabaseKinds()) {
  describe(`DPIAs gate their purposes (GOV-2, PUR-6, ACC-6) (${kind})`, () => {
    let t: TestHaven;
    const people: Record<string, { staff: StaffMember; client: Client }> = {};
    const as = (who: string) => people[who]!.client;
    const registerSomeone = () =>
      as('clerk').request(
        'POST',
        '/api/persons',
        { values: { ...KNOWN_PEOPLE[0] }, basis: CONSENT },
        { headers: { 'x-haven-purpose': 'registration' } },
      );
    let registrationDpia = '';

    before(async () => {
      // No DPIAs: this is the Haven an organisation starts with.
      t = await startTestHaven(kind, {}, { dpias: false });
      for (const [name, role] of [
        ['clerk', 'clerk'],
        ['author', 'supervisor'],
        ['dpo', 'dpo'],
        ['otherDpo', 'dpo'],
        ['oversight', 'oversight'],
      ] as const) {
        const staff = await createStaff(t, { role, tier: 4, org: 'org-a' });
        people[name] = { staff, client: await signedIn(t, staff) };
      }
      for (const who of ['dpo', 'otherDpo']) await reauthenticate(t, as(who), people[who]!.staff);
    });
    after(() => t.close());

    test('no approved DPIA, no processing: registration is refused by the gate, naming the missing DPIA', async () => {
      const refused = await registerSomeone();
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.body.reason, 'dpia-not-approved');
      assert.match(String(refused.body.message), /registration/);
      assert.match(String(refused.body.message), /DPIA/);
      const purposes = await as('dpo').get<{
        purposes: {
          name: string;
          usable: boolean;
          dpia: { state: string; required: boolean; criteria: { criterion: string }[] };
        }[];
      }>('/api/purposes');
      const registration = purposes.body.purposes.find((p) => p.name === 'registration')!;
      assert.equal(registration.dpia.required, true);
      assert.equal(registration.dpia.state, 'none');
      assert.equal(registration.usable, false);
      // Required because of what the dictionary says, shown with the criteria that triggered it.
      const criteria = registration.dpia.criteria.map((c) => c.criterion);
      assert.ok(criteria.includes('vulnerable-people') && criteria.length >= 2, String(criteria));
      const events = await ledgerEvents(t);
      assert.ok(events.some((e) => e.action === 'person.register' && e.reason === 'dpia-not-approved'));
    });

    test('written, submitted, refused to its author, approved by a DPO with an opinion: the purpose opens', async () => {
      const draft = { ...completeDpiaContent(day(365)), necessity: '' };
      const created = await as('author').post('/api/dpias', { purpose: 'registration', content: draft });
      assert.equal(created.status, 201, created.text);
      registrationDpia = String(created.body.id);
      const version = `/api/dpias/${registrationDpia}/versions/1`;
      // A second DPIA for the same purpose is a revision, not a new DPIA.
      const twice = await as('author').post('/api/dpias', { purpose: 'registration', content: draft });
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'dpia-exists');
      // Incomplete: refused at submission, nothing changes.
      const incomplete = await as('author').post(`${version}/submit`);
      assert.equal(incomplete.status, 422);
      assert.equal(incomplete.body.code, 'dpia-incomplete');
      assert.ok((incomplete.body.fields as { path: string }[]).some((f) => f.path === 'necessity'));
      // Only the author edits the draft.
      const complete = completeDpiaContent(day(365));
      const byOther = await as('dpo').request('PUT', version, { content: complete });
      assert.equal(byOther.status, 403);
      assert.equal(byOther.body.code, 'dpia-not-author');
      const edited = await as('author').request('PUT', version, { content: complete });
      assert.equal(edited.status, 200, edited.text);
      // Still a draft: still refused.
      assert.equal((await registerSomeone()).body.reason, 'dpia-not-approved');
      const submitted = await as('author').post(`${version}/submit`);
      assert.equal(submitted.status, 200, submitted.text);
      assert.equal(submitted.body.status, 'submitted');
      assert.equal((await registerSomeone()).body.reason, 'dpia-not-approved');
      // A supervisor cannot approve; a DPO must give an opinion.
      const bySupervisor = await as('author').post(`${version}/approve`, { opinion: 'fine' });
      assert.equal(bySupervisor.status, 403);
      const noOpinion = await as('dpo').post(`${version}/approve`, {});
      assert.equal(noOpinion.status, 422);
      assert.equal(noOpinion.body.code, 'dpo-opinion-required');
      const approved = await as('dpo').post(`${version}/approve`, {
        opinion: 'The measures reduce every feared event to a limited residual risk.',
      });
      assert.equal(approved.status, 200, approved.text);
      assert.equal(approved.body.status, 'approved');
      assert.equal(approved.body.reviewDate, day(365));
      const registered = await registerSomeone();
      assert.equal(registered.status, 201, registered.text);
      const actions = (await ledgerEvents(t)).map((e) => e.action);
      for (const step of ['dpia.create', 'dpia.update', 'dpia.submit', 'dpia.approve']) {
        assert.ok(actions.includes(step), step);
      }
    });

    test('a DPO cannot approve their own DPIA (ACC-6); a rejection says why and keeps the purpose closed', async () => {
      const created = await as('dpo').post('/api/dpias', {
        purpose: 'statistics',
        content: completeDpiaContent(day(200)),
      });
      assert.equal(created.status, 201, created.text);
      const base = `/api/dpias/${created.body.id}/versions/1`;
      assert.equal((await as('dpo').post(`${base}/submit`)).status, 200);
      const own = await as('dpo').post(`${base}/approve`, { opinion: 'mine' });
      assert.equal(own.status, 403);
      assert.equal(own.body.code, 'own-dpia');
      const unexplained = await as('otherDpo').post(`${base}/reject`, {});
      assert.equal(unexplained.status, 422);
      assert.equal(unexplained.body.code, 'dpia-rejection-reason-required');
      const rejected = await as('otherDpo').post(`${base}/reject`, {
        note: 'The necessity of the age field is not shown.',
      });
      assert.equal(rejected.status, 200, rejected.text);
      assert.equal(rejected.body.status, 'rejected');
      const purposes = await as('dpo').get<{ purposes: { name: string; usable: boolean }[] }>(
        '/api/purposes',
      );
      assert.equal(purposes.body.purposes.find((p) => p.name === 'statistics')?.usable, false);
      // The author finds it returned on their work list; a rejected version cannot be approved after all.
      const list = await as('dpo').get<{ items: { kind: string; subject: string }[] }>('/api/worklist');
      assert.ok(list.body.items.some((i) => i.kind === 'dpia-returned' && i.subject === 'statistics'));
      const late = await as('otherDpo').post(`${base}/approve`, { opinion: 'changed my mind' });
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'dpia-not-submitted');
    });

    test('bad content is refused with its field, and nothing is half-saved', async () => {
      const cases: [Record<string, unknown>, number, string][] = [
        [{ ...completeDpiaContent(day(365)), reviewDate: '2027-02-30' }, 422, 'dpia-invalid'],
        [{ ...completeDpiaContent(day(365 * 4)) }, 422, 'dpia-invalid'],
        [
          { ...completeDpiaContent(day(365)), risks: [{ event: '<script>', description: 'x' }] },
          400,
          'invalid-request',
        ],
        [{ ...completeDpiaContent(day(365)), surprise: true }, 400, 'invalid-request'],
      ];
      const before = await t.database.db.query('select count(*)::int as n from dpia');
      for (const [content, status, code] of cases) {
        const reply = await as('author').post('/api/dpias', { purpose: 'assistance-distribution', content });
        assert.equal(reply.status, status, reply.text);
        assert.equal(reply.body.code, code, reply.text);
      }
      const unknown = await as('author').post('/api/dpias', {
        purpose: 'immigration-enforcement',
        content: completeDpiaContent(day(365)),
      });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.code, 'purpose-unknown');
      const afterwards = await t.database.db.query('select count(*)::int as n from dpia');
      assert.deepEqual(afterwards.rows, before.rows);
    });

    test('the review date passes: the gate stops the purpose by the clock, naming the DPIA, until re-approved', async () => {
      const later = new Date(Date.now() + 366 * DAY);
      const original = t.haven.clock.now;
      try {
        t.haven.clock.now = () => later;
        const refused = await registerSomeone();
        assert.equal(refused.status, 403, refused.text);
        assert.equal(refused.body.reason, 'dpia-expired');
        assert.match(String(refused.body.message), new RegExp(registrationDpia));
        // The DPO's and oversight's work lists show it.
        for (const who of ['dpo', 'oversight']) {
          const list = await as(who).get<{ items: { kind: string; subject: string; overdue: boolean }[] }>(
            '/api/worklist',
          );
          assert.ok(
            list.body.items.some(
              (i) => i.kind === 'dpia-expired' && i.subject === 'registration' && i.overdue,
            ),
            `${who}: ${JSON.stringify(list.body.items)}`,
          );
        }
        // A revision is a new draft from the newest version; approving it opens the purpose again.
        const revised = await as('author').post(`/api/dpias/${registrationDpia}/revise`);
        assert.equal(revised.status, 201, revised.text);
        assert.equal(revised.body.version, 2);
        const v2 = `/api/dpias/${registrationDpia}/versions/2`;
        const renewed = completeDpiaContent(day(365, later.getTime()));
        assert.equal((await as('author').request('PUT', v2, { content: renewed })).status, 200);
        assert.equal((await as('author').post(`${v2}/submit`)).status, 200);
        const approved = await as('otherDpo').post(`${v2}/approve`, { opinion: 'Renewed after review.' });
        assert.equal(approved.status, 200, approved.text);
        assert.equal((await registerSomeone()).status, 201);
        const history = await as('oversight').get<{ versions: { version: number; status: string }[] }>(
          `/api/dpias/${registrationDpia}`,
        );
        assert.deepEqual(
          history.body.versions.map((v) => [v.version, v.status]),
          [
            [2, 'approved'],
            [1, 'superseded'],
          ],
        );
      } finally {
        t.haven.clock.now = original;
      }
    });

    test('a DPIA shows what Haven knows of the processing; oversight reads it but cannot write', async () => {
      const shown = await as('oversight').get<{
        context: {
          categories: { category: string; tier: number }[];
          recipients: { name: string }[];
          need: { required: boolean; criteria: { criterion: string; because: string }[] };
          legalBases: string[];
        };
      }>(`/api/dpias/${registrationDpia}`);
      assert.equal(shown.status, 200, shown.text);
      assert.ok(shown.body.context.categories.some((c) => c.category === 'name'));
      assert.deepEqual(shown.body.context.legalBases, ['consent', 'public-interest']);
      assert.ok(shown.body.context.recipients.some((r) => r.name === 'clerk'));
      assert.ok(!shown.body.context.recipients.some((r) => r.name === 'oversight'));
      assert.ok(shown.body.context.need.criteria.every((c) => c.because.length > 0));
      const write: Reply = await as('oversight').post('/api/dpias', {
        purpose: 'statistics',
        content: completeDpiaContent(day(100)),
      });
      assert.equal(write.status, 403);
    });
  });
}

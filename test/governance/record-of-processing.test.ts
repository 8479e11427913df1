import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SHIPPED_PATH, shippedText } from '../domain/dictionary-fixtures.ts';
import { Client, type Reply } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { createStaff, reauthenticate, signedIn } from '../support/staff.ts';

interface RecordPurpose {
  name: string;
  status: string;
  legalBases: string[];
  categories: { category: string; tier: number }[];
  recipients: { kind: string; name: string }[];
  transfers: { country: string; processor: string; safeguard: string | null }[];
  retention: { purpose: string | null; categories: { category: string; rule: string }[] };
  dpia: { required: boolean; criteria: string[]; state: string; version: number | null };
  processors: { name: string; problems: string[] }[];
}
interface Published {
  version: number;
  publishedAt: string;
  sha256: string;
  record: {
    controller: {
      name: string;
      slug: string;
      contact: string | null;
      dpoContact: string | null;
      country: string | null;
    };
    subjects: { vulnerable: boolean };
    purposes: RecordPurpose[];
    security: string[];
    processors: { name: string; contractInForce: boolean; problems: string[]; parent: string | null }[];
  };
}

const PROCESSOR = {
  name: 'Nimbus Hosting',
  service: 'Hosting of the database servers and their encrypted backups',
  categories: ['name', 'contact', 'documents'],
  purposes: ['registration', 'assistance-distribution'],
  locations: ['KEN', 'DEU'],
  transferSafeguard: 'Standard contractual clauses (2021/914), module 2',
  contractSigned: '2026-01-10',
  contractExpires: '2027-01-09',
  dpaSigned: '2026-01-10',
  nextAudit: '2027-06-30',
};

for (const kind of testDatabaseKinds()) {
  describe(`the record of processing, generated and published (GOV-1, GOV-3) (${kind})`, () => {
    let t: TestHaven;
    let dpo: Client;
    let admin: Client;
    let oversight: Client;
    const visitor = () => new Client(t.app);
    const record = async (): Promise<Published> => {
      const reply = await visitor().get<Published>('/api/public/record-of-processing/org-a');
      assert.equal(reply.status, 200, reply.text);
      return reply.body;
    };
    let first: Published;

    before(async () => {
      t = await startTestHaven(kind);
      const make = async (role: 'dpo' | 'admin' | 'oversight') => {
        const staff = await createStaff(t, { role, org: 'org-a', tier: 4 });
        const client = await signedIn(t, staff);
        await reauthenticate(t, client, staff);
        return client;
      };
      dpo = await make('dpo');
      admin = await make('admin');
      oversight = await make('oversight');
    });
    after(() => t.close());

    test('published without sign-in, with GDPR 30(1)(a)–(g) for every purpose; the same record stays one version', async () => {
      const orgs = await visitor().get<{ organisations: { slug: string }[] }>('/api/public/organisations');
      assert.deepEqual(
        orgs.body.organisations.map((o) => o.slug),
        ['org-a'],
      );
      first = await record();
      const r = first.record;
      assert.equal(r.controller.slug, 'org-a');
      assert.equal(r.subjects.vulnerable, true);
      assert.ok(r.security.includes('encryption-with-a-key-per-person'));
      const names = r.purposes.map((p) => p.name);
      assert.ok(names.includes('registration') && names.includes('biometric-deduplication'));
      assert.ok(!names.includes('immigration-enforcement'), 'prohibited purposes are not processing');
      for (const p of r.purposes) {
        assert.ok(p.legalBases.length > 0, `${p.name}: (b) legal bases`);
        assert.ok(p.retention.purpose, `${p.name}: (f) retention`);
        assert.equal(p.dpia.state, 'approved', p.name);
      }
      const registration = r.purposes.find((p) => p.name === 'registration')!;
      // (c) categories with their tiers, from the dictionary; (d) recipients, from the policies in force.
      assert.ok(registration.categories.some((c) => c.category === 'name' && c.tier === 2));
      assert.deepEqual(registration.recipients.map((x) => x.name).sort(), [
        'caseworker',
        'clerk',
        'supervisor',
      ]);
      assert.equal((await record()).version, first.version);
    });

    test('a processor added, then the controller’s country: new dated versions, the old kept as it was', async () => {
      const bad = await dpo.post('/api/processors', { ...PROCESSOR, locations: ['ZZZ'] });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.code, 'processor-invalid');
      const backwards = await dpo.post('/api/processors', { ...PROCESSOR, contractExpires: '2025-01-01' });
      assert.equal(backwards.status, 422);
      assert.equal(
        (await oversight.post('/api/processors', PROCESSOR)).status,
        403,
        'oversight reads, never writes',
      );
      const added = await dpo.post('/api/processors', PROCESSOR);
      assert.equal(added.status, 201, added.text);
      const sub = await dpo.post('/api/processors', {
        name: 'Relay SMS',
        service: 'Text messages with appointment times',
        parentId: added.body.id,
        categories: ['contact'],
        purposes: ['assistance-distribution'],
        locations: ['KEN'],
        contractSigned: '2026-02-01',
      });
      assert.equal(sub.status, 201, sub.text);
      assert.deepEqual(sub.body.problems, ['dpa-missing']);
      const second = await record();
      assert.equal(second.version, first.version + 1);
      assert.deepEqual(
        second.record.processors.map((p) => [p.name, p.parent === added.body.id]),
        [
          ['Nimbus Hosting', false],
          ['Relay SMS', true],
        ],
      );
      const profile = await admin.patch('/api/organisation', {
        name: 'Organisation A',
        country: 'KEN',
        dpoContact: 'dpo@org-a.example',
      });
      assert.equal(profile.status, 200, profile.text);
      const third = await record();
      assert.equal(third.version, second.version + 1);
      assert.equal(third.record.controller.dpoContact, 'dpo@org-a.example');
      // (e) transfers: the countries outside the controller's where its processors work, and on what safeguard.
      const registration = third.record.purposes.find((p) => p.name === 'registration')!;
      assert.deepEqual(registration.transfers, [
        { country: 'DEU', processor: 'Nimbus Hosting', safeguard: PROCESSOR.transferSafeguard },
      ]);
      const versions = await visitor().get<{ versions: { version: number; publishedAt: string }[] }>(
        '/api/public/record-of-processing/org-a/versions',
      );
      assert.deepEqual(
        versions.body.versions.map((v) => v.version),
        [third.version, second.version, first.version],
      );
      const old = await visitor().get<Published>(
        `/api/public/record-of-processing/org-a/versions/${first.version}`,
      );
      assert.deepEqual(old.body, first);
      const missing: Reply = await visitor().get('/api/public/record-of-processing/org-a/versions/999');
      assert.equal(missing.status, 404);
      assert.equal((await visitor().get('/api/public/record-of-processing/no-such-org')).status, 404);
      // A contact can be cleared again, with null or an empty field; nothing empty is stored.
      const blank = await admin.patch('/api/organisation', { contact: '' });
      assert.equal(blank.status, 200, blank.text);
      assert.equal(blank.body.contact, null);
      const spaces = await admin.patch('/api/organisation', { contact: '   ' });
      assert.equal(spaces.status, 422, spaces.text);

      const cleared = await admin.patch('/api/organisation', { dpoContact: null });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.dpoContact, null);
      assert.equal((await record()).record.controller.dpoContact, null);
    });

    test('a lapsed contract shows on the record and on the DPO’s work list, by the clock alone', async () => {
      const original = t.haven.clock.now;
      try {
        t.haven.clock.now = () => new Date('2027-02-01T10:00:00Z');
        const lapsed = await record();
        const nimbus = lapsed.record.processors.find((p) => p.name === 'Nimbus Hosting')!;
        assert.equal(nimbus.contractInForce, false);
        assert.ok(nimbus.problems.includes('contract-lapsed'));
        const list = await dpo.get<{ items: { kind: string; subject: string; details: string[] }[] }>(
          '/api/worklist',
        );
        assert.ok(
          list.body.items.some(
            (i) =>
              i.kind === 'processor-problem' &&
              i.subject === 'Nimbus Hosting' &&
              i.details.includes('contract-lapsed'),
          ),
          JSON.stringify(list.body.items),
        );
      } finally {
        t.haven.clock.now = original;
      }
    });

    test('a suspended purpose is shown suspended', async () => {
      assert.equal((await dpo.patch('/api/purposes/statistics', { status: 'suspended' })).status, 200);
      const now = await record();
      assert.equal(now.record.purposes.find((p) => p.name === 'statistics')?.status, 'suspended');
      assert.equal((await dpo.patch('/api/purposes/statistics', { status: 'active' })).status, 200);
    });
  });

  describe(`a new purpose in the dictionary reaches the record without any other edit (${kind})`, () => {
    let t: TestHaven;
    before(async () => {
      const dir = tempDir('haven-dictionary-');
      const notices = path.join(dir, 'notices');
      cpSync(new URL('notices', SHIPPED_PATH), notices, { recursive: true });
      const statistics = path.join(notices, 'statistics', '2026-11.yaml');
      cpSync(path.join(notices, 'statistics'), path.join(notices, 'winter-assistance'), { recursive: true });
      writeFileSync(
        path.join(notices, 'winter-assistance', '2026-11.yaml'),
        readFileSync(statistics, 'utf8').replace('purpose: statistics', 'purpose: winter-assistance'),
      );
      const dictionary = shippedText
        .replace(
          '      - resettlement-referral\n    retention: last-contact + 2 years\n    index: phone',
          '      - resettlement-referral\n      - winter-assistance\n    retention: last-contact + 2 years\n    index: phone',
        )
        .replace(
          '  # Prohibited purposes (PUR-2)',
          `  winter-assistance:
    title: Winter assistance
    description: We call you when blankets and heaters are ready.
    legalBases: [public-interest]
    consentRequired: false
    retention: last-contact + 1 year
    collect: []

  # Prohibited purposes (PUR-2)`,
        );
      assert.notEqual(dictionary, shippedText);
      const file = path.join(dir, 'dictionary.yaml');
      writeFileSync(file, dictionary);
      t = await startTestHaven(kind, { HAVEN_DICTIONARY_FILE: file, HAVEN_NOTICES_DIR: notices });
      await createStaff(t, { role: 'dpo', org: 'org-b' });
    });
    after(() => t.close());

    test('the record lists it with its data, bases and its DPIA state', async () => {
      const reply = await new Client(t.app).get<Published>('/api/public/record-of-processing/org-b');
      assert.equal(reply.status, 200, reply.text);
      const winter = reply.body.record.purposes.find((p) => p.name === 'winter-assistance');
      assert.ok(winter, 'the new purpose is on the record');
      assert.deepEqual(winter.legalBases, ['public-interest']);
      assert.deepEqual(winter.categories, [{ category: 'contact', tier: 2 }]);
      assert.equal(winter.retention.purpose, 'last-contact + 1 years');
      // Vulnerable people, but nothing else the WP248 criteria count: no DPIA needed.
      assert.equal(winter.dpia.required, false);
      assert.equal(winter.dpia.state, 'not-required');
    });
  });
}

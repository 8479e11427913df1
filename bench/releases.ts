/**
 * Release throughput (issue 17, SHA-2): records per second that leave Haven under an agreement — each person
 * decided by the policies (legal basis, restriction, never to the persecutor), decrypted, filtered to the agreed
 * fields, masked, pseudonymised, ledgered — and the whole release signed (Ed25519) and encrypted to the partner
 * (JWE). Baseline in the same run: reading the same people one by one through the gate (a staff read). Not part of
 * `npm run bench`'s goals; run `node bench/releases.ts [people]` (embedded PGlite, a temporary folder).
 */
import os from 'node:os';
import { exportJWK, generateKeyPair } from 'jose';
import { loadConfig } from '../src/config/config.ts';
import { addToDay } from '../src/domain/calendar.ts';
import type { Actor } from '../src/gate/context.ts';
import { openHaven } from '../src/haven.ts';
import { createLogger } from '../src/observability/logger.ts';
import { activeAgreement, changeAgreement, proposeAgreement } from '../src/sharing/agreements.ts';
import { addPartnerKey, getPartner } from '../src/sharing/partners.ts';
import { encryptionKeyOf } from '../src/sharing/releases.ts';
import { createDemoRegistry } from '../src/workflows/demo/registry.ts';
import { tempDir } from '../test/support/haven.ts';

const PEOPLE = Number(process.argv[2] ?? 1000);
const dataDir = tempDir('haven-bench-releases-');
const config = loadConfig({ HAVEN_DATA_DIR: dataDir, HAVEN_LOG_LEVEL: 'silent' }, dataDir);
const haven = await openHaven(config, { migrate: true, logger: createLogger('silent') });
try {
  const demo = await createDemoRegistry(haven, {
    organisation: 'bench',
    people: PEOPLE,
    seed: 7,
    concurrency: 16,
  });
  const org = demo.organisation.id;
  const staff = (role: string): Actor => {
    const s = demo.staff.find((c) => c.role === role)!;
    return {
      kind: 'staff',
      accountId: s.accountId,
      organisationId: org,
      role: s.role,
      tier: s.tier,
      assurance: 3,
    };
  };
  const as = (actor: Actor) => ({
    account: actor.kind === 'staff' ? actor.accountId : '',
    audit: { kind: 'staff' as const, account: (actor as { accountId: string }).accountId, organisation: org },
  });
  const ngo = demo.partners.find((p) => p.kind === 'ngo')!;
  const { publicKey } = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'ECDH-ES+A256KW', use: 'enc', kid: 'bench-enc' };
  await addPartnerKey(haven.db, org, ngo.id, { use: 'enc', jwk }, as(staff('dpo')));
  const today = new Date().toISOString().slice(0, 10);
  const fields = [
    'given-name',
    'family-name',
    'sex',
    'date-of-birth',
    'nationality',
    'phone',
    'household-size',
  ];
  const proposed = await proposeAgreement(
    haven.db,
    haven.gate.dictionary,
    org,
    {
      partnerId: ngo.id,
      title: 'Benchmark: registration data',
      purposes: ['registration'],
      fields,
      legalBasis: 'consent',
      startsOn: today,
      endsOn: addToDay(today, { months: 1 }),
      partnerRetention: '1 months',
      onwardSharingBanned: true,
    },
    as(staff('supervisor')),
    new Date(),
  );
  await changeAgreement(
    haven.db,
    haven.gate.purposes,
    org,
    proposed.id,
    'approve',
    undefined,
    as(staff('dpo')),
    new Date(),
  );
  const agreement = await activeAgreement(haven.db, proposed.id, ngo.id, today);
  const partner = await getPartner(haven.db, org, ngo.id);
  const dpo = staff('dpo');
  const reader = staff('supervisor');

  // Baseline: the same people read one by one by a staff member, under the same purpose.
  let started = performance.now();
  let read = 0;
  for (const id of demo.personIds) {
    try {
      await haven.gate.readPerson({ actor: reader, purpose: 'registration' }, id);
      read++;
    } catch {
      // withdrawn consent and the like: refused, as the release refuses them
    }
  }
  const readSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const release = await haven.gate.releaseRecords(
    { actor: dpo, purpose: undefined },
    {
      agreement,
      partner: { id: partner.id, kind: partner.kind, actsForCountry: partner.actsForCountry },
      encryptionKey: encryptionKeyOf(partner),
    },
    { all: true },
  );
  const releaseSeconds = (performance.now() - started) / 1000;
  const figures = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, PGlite`,
    people: PEOPLE,
    'read through the gate, records/s (baseline)': Math.round(read / readSeconds),
    'released, records/s': Math.round(release.records / releaseSeconds),
    'released / refused': `${release.records} / ${release.refused}`,
    'release vs read': Math.round((release.records / releaseSeconds / (read / readSeconds)) * 100) / 100,
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
} finally {
  await haven.close();
}

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { newBackupKey } from '../../src/backups/format.ts';
import { folderTargets, type RestoreTargets } from '../../src/backups/service.ts';
import { parseDictionary } from '../../src/domain/dictionary/index.ts';
import { HavenError } from '../../src/domain/errors.ts';
import { runRetentionSweep } from '../../src/gate/retention-sweep.ts';
import { shippedText } from '../domain/dictionary-fixtures.ts';
import { openTestDatabase, type TestDatabase, testDatabaseKinds } from '../support/database.ts';
import { ledgerEvents, register, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { KNOWN_PEOPLE } from '../support/records.ts';
import { reauthenticate } from '../support/staff.ts';

const code = (expected: string) => (error: unknown) => error instanceof HavenError && error.code === expected;

for (const kind of testDatabaseKinds()) {
  describe(`backups, restore and the drill (RES-1, ENC-4) on ${kind}`, () => {
    let t: TestHaven;
    let key: { identity: string; recipient: string };
    let backupDir: string;
    const people: string[] = [];
    const empties: TestDatabase[] = [];
    let a: Awaited<ReturnType<typeof team>>;

    before(async () => {
      key = await newBackupKey();
      backupDir = tempDir('haven-backups-');
      t = await startTestHaven(kind, { HAVEN_BACKUP_RECIPIENT: key.recipient, HAVEN_BACKUP_DIR: backupDir });
      a = await team(t, 'backup-org');
      for (const values of KNOWN_PEOPLE.slice(0, 3)) people.push(await register(a.clerk, { ...values }));
      const created = await t.haven.backups.create();
      assert.equal(created.main.kind, 'main');
      assert.equal(created.vault.kind, 'vault');
      // Erased after the backup: the backup holds their ciphertext, the vault backup their key.
      await reauthenticate(t, a.dpo.client, a.dpo.staff);
      const done = await a.dpo.client.request('DELETE', `/api/persons/${people[1]}`, {
        reason: 'erasure-request',
      });
      assert.equal(done.status, 200, done.text);
      // And one category erased by the retention sweep (RET-2): the third person's contact group, closed a month
      // ago under a rule keeping contact details 30 days after closure; the rest of them is kept.
      const closed = await a.supervisor
        .as('protection-case-management')
        .post(`/api/persons/${people[2]}/case-state`, { state: 'closed', reason: 'person-left' });
      assert.equal(closed.status, 200, closed.text);
      const dictionary = parseDictionary(
        shippedText.replace('retention: last-contact + 2 years', 'retention: case-closed + 30 days'),
        'drill.yaml',
      );
      const later = new Date(Date.now() + 31 * 24 * 3600 * 1000);
      const swept = await runRetentionSweep(
        { ...t.internals.gateContext, dictionary, now: () => later },
        { trigger: 'command' },
      );
      assert.ok(swept.groupsErased >= 1);
      assert.equal((await t.internals.vault.personKey(people[2]!))!.group('contact'), null);
    });
    after(async () => {
      for (const db of empties) await db.drop();
      await t.close();
    });

    async function targets(): Promise<RestoreTargets> {
      if (kind === 'pglite') return folderTargets(path.join(tempDir('haven-restore-'), 'new')).targets;
      const main = await openTestDatabase('postgres', { migrated: false });
      const vault = await openTestDatabase('postgres', { migrated: false });
      empties.push(main, vault);
      return { main: { kind: 'postgres', url: main.url! }, vault: { kind: 'postgres', url: vault.url! } };
    }

    test('backup → erase → restore re-applies the erasure before anything serves; the drill passes', async () => {
      const [main, vault] = [
        t.haven.backups.list().find((f) => f.kind === 'main')!,
        t.haven.backups.list().find((f) => f.kind === 'vault')!,
      ];
      const manifest = await t.haven.backups.verify(main.path, key.identity);
      assert.equal(manifest.kind, 'main');
      assert.ok((manifest.counts.person ?? 0) >= 3);
      const report = await t.haven.backups.restore({
        mainFile: main.path,
        vaultFile: vault.path,
        identity: key.identity,
        targets: await targets(),
      });
      assert.ok(report.liveErasures >= 1);
      assert.equal(
        report.keysDestroyed,
        2,
        'the erased person’s key and the erased group’s key, still in the vault backup, were destroyed',
      );
      assert.ok(report.counts.ok, JSON.stringify(report.counts));

      const drill = await t.haven.backups.drill({ identity: key.identity, actor: { kind: 'cli' } });
      assert.equal(drill.pass, true, JSON.stringify(drill, null, 2));
      assert.equal(drill.erased.decrypted, 0);
      assert.equal(drill.erased.total, 2);
      assert.equal(
        drill.erased.inBackup,
        2,
        'the erased person and the erased contact group are in the backup',
      );
      assert.equal(drill.erased.keysInVaultBackup, 2);
      assert.equal(drill.control.tried, 2);
      assert.equal(drill.control.opened, 2, 'the others still decrypt, the third one’s kept groups too');
      const { rows: drills } = await t.haven.db.query<{ pass: boolean; digest: string }>(
        'select pass, digest from backup_drill order by at desc limit 1',
      );
      assert.deepEqual(drills, [{ pass: true, digest: drill.digest }]);
      // The DPO's work list asks for no drill for another month.
      const work = await a.dpo.client.get<{ items: { kind: string }[] }>('/api/worklist');
      assert.equal(work.status, 200, work.text);
      assert.ok(!work.body.items.some((i) => i.kind === 'restore-drill-due'));
      assert.ok(drill.ledger.ok && drill.ledger.checkpoints >= 1, JSON.stringify(drill.ledger));
      const events = await ledgerEvents(t);
      const last = events.filter((e) => e.action === 'backup.drill').at(-1)!;
      assert.equal(last.reason, 'pass');
      console.log(JSON.stringify(drill, null, 2));
    });

    test('a corrupted or truncated backup and the wrong identity are refused, nothing restored', async () => {
      const main = t.haven.backups.list().find((f) => f.kind === 'main')!;
      const work = tempDir('haven-bad-');
      const bytes = readFileSync(main.path);
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(flipped.length / 2)]! ^= 0x01;
      writeFileSync(path.join(work, 'flipped.age'), flipped);
      writeFileSync(path.join(work, 'cut.age'), bytes.subarray(0, bytes.length - 100));
      await assert.rejects(
        t.haven.backups.verify(path.join(work, 'flipped.age'), key.identity),
        code('backup-corrupt'),
      );
      await assert.rejects(
        t.haven.backups.verify(path.join(work, 'cut.age'), key.identity),
        code('backup-corrupt'),
      );
      const other = await newBackupKey();
      await assert.rejects(t.haven.backups.verify(main.path, other.identity), code('backup-wrong-identity'));
      const into = path.join(work, 'target');
      const vault = t.haven.backups.list().find((f) => f.kind === 'vault')!;
      await assert.rejects(
        t.haven.backups.restore({
          mainFile: path.join(work, 'flipped.age'),
          vaultFile: vault.path,
          identity: key.identity,
          targets: folderTargets(into).targets,
        }),
        code('backup-corrupt'),
      );
      assert.deepEqual(readdirSync(work).sort(), ['cut.age', 'flipped.age'], 'nothing was written');
    });

    test('restore into a folder in use or not empty is refused unless forced into a new folder', () => {
      const dir = tempDir('haven-used-');
      writeFileSync(path.join(dir, 'haven.lock'), String(process.pid));
      assert.throws(() => folderTargets(dir), code('restore-target-in-use'));
      const full = tempDir('haven-full-');
      mkdirSync(path.join(full, 'db'));
      assert.throws(() => folderTargets(full), code('restore-target-not-empty'));
      const forced = folderTargets(full, { forceNewFolder: true });
      assert.notEqual(forced.dir, full);
      assert.match(forced.dir, /-restored-/);
    });

    test('a leftover of a killed backup is removed and the re-run makes a whole set', async () => {
      writeFileSync(path.join(backupDir, '.haven-20990101T000000000Z.main.age.partial-999999999'), 'half');
      const created = await t.haven.backups.create();
      assert.equal(created.leftovers, 1);
      assert.ok(!readdirSync(backupDir).some((n) => n.includes('.partial-')));
      copyFileSync(created.main.path, path.join(tempDir(), 'copy.age'));
    });
  });
}

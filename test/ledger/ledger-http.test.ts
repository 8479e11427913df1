import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { accessHistory } from '../../src/ledger/access-history.ts';
import { recordAuditEvent } from '../../src/ledger/events.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.ts';
import { newSignerKey, openCheckpoint, parseSignerKey, verifyNote } from '../../src/ledger/note.ts';
import { readPublishedCheckpoints } from '../../src/ledger/publish.ts';
import { asCosignatureKey, parseVerifierKey } from '../../src/ledger/signed-note.ts';
import { sequenceAll } from '../../src/ledger/tree-store.ts';
import { verifyExport } from '../../src/ledger/verify-export.ts';
import { witnessOnce } from '../../src/ledger/witness.ts';
import { haven } from '../support/cli.ts';
import { Client } from '../support/client.ts';
import { startTestHaven, type TestHaven, tempDir } from '../support/haven.ts';
import { appendEvents } from '../support/ledger.ts';
import { createStaff, organisation, reauthenticate, signedIn } from '../support/staff.ts';

describe('the ledger over HTTP, the witness and the verifier CLI', () => {
  let t: TestHaven;
  let url: string;
  before(async () => {
    t = await startTestHaven('pglite');
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });
  after(() => t.close());

  test('the checkpoint is public text; it verifies with the published key', async () => {
    await appendEvents(t.haven.db, 25);
    const response = await fetch(`${url}/api/ledger/checkpoint`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const note = await response.text();
    const { verifierKey } = (await (await fetch(`${url}/api/ledger/key`)).json()) as { verifierKey: string };
    const { checkpoint } = openCheckpoint(note, verifierKey);
    assert.ok(checkpoint.size >= 25);
  });

  test('proofs and the export are for auditors: a caseworker is refused, an auditor verifies them', async () => {
    const caseworker = await signedIn(t, await createStaff(t, { role: 'caseworker' }));
    for (const path of [
      '/api/ledger/proofs/inclusion?index=0&size=1',
      '/api/ledger/proofs/consistency?from=1&to=2',
      '/api/ledger/entries',
    ]) {
      const refused = await caseworker.get(path);
      assert.equal(refused.status, 403, path);
      assert.equal(refused.body.reason, 'role');
      assert.equal((await new Client(t.app).get(path)).status, 401, `${path} anonymous`);
    }
    const auditor = await signedIn(t, await createStaff(t, { role: 'auditor' }));
    const signed = await auditor.post<{ size: number; note: string }>('/api/ledger/checkpoints');
    assert.equal(signed.status, 200);
    const { checkpoint } = openCheckpoint(signed.body.note, t.haven.ledger.verifierKey);
    const size = checkpoint.size;
    // Signed on request is published as the timed ones are (AUD-4): the auditor's folder holds it.
    const published = readPublishedCheckpoints(path.join(t.dataDir, 'checkpoints'));
    assert.equal(published.at(-1)?.note, signed.body.note);
    const inclusion = await auditor.get<{ leafHash: string; proof: string[] }>(
      `/api/ledger/proofs/inclusion?index=7&size=${size}`,
    );
    assert.equal(inclusion.status, 200);
    verifyInclusion(
      7,
      size,
      Buffer.from(inclusion.body.leafHash, 'base64'),
      inclusion.body.proof.map((p) => Buffer.from(p, 'base64')),
      checkpoint.rootHash,
    );
    const consistency = await auditor.get<{ proof: string[] }>(
      `/api/ledger/proofs/consistency?from=3&to=${size}`,
    );
    const { rows } = await t.haven.db.query<{ body: Buffer }>(
      'select e.body from ledger_leaf n join audit_event e on e.seq = n.seq where n.leaf_index < 3 order by n.leaf_index',
    );
    const { rootOf } = await import('../../src/ledger/merkle.ts');
    verifyConsistency(
      3,
      size,
      consistency.body.proof.map((p) => Buffer.from(p, 'base64')),
      rootOf(rows.map((r) => leafHash(r.body))),
      checkpoint.rootHash,
    );
    const exported = await auditor.get(`/api/ledger/entries?to=${size}`);
    assert.match(String(exported.headers['content-type']), /ndjson/);
    const report = await verifyExport(
      exported.text.trim().split('\n'),
      signed.body.note,
      t.haven.ledger.verifierKey,
    );
    assert.equal(report.ok, true, JSON.stringify(report.problem));
    assert.equal(report.checked, size);
  });

  test('a witness verifies, cosigns, and its cosignature is served with the checkpoint', async () => {
    const admin = await createStaff(t, { role: 'admin' });
    const client = await signedIn(t, admin);
    await reauthenticate(t, client, admin);
    const witnessKeys = newSignerKey('oversight.example/witness');
    const registered = await client.post<{ token: string }>('/api/ledger/witnesses', {
      name: 'oversight.example/witness',
      verifierKey: witnessKeys.verifierKey,
    });
    assert.equal(registered.status, 201, registered.text);
    const options = {
      logUrl: url,
      logKey: t.haven.ledger.verifierKey,
      signer: parseSignerKey(witnessKeys.signerKey),
      token: registered.body.token,
    };
    const first = await witnessOnce({ ...options, state: undefined });
    assert.equal(first.result, 'cosigned');
    await appendEvents(t.haven.db, 40);
    await client.post('/api/ledger/checkpoints');
    const second = await witnessOnce({ ...options, state: first.state });
    assert.equal(second.result, 'cosigned');
    assert.ok(second.state.size > first.state.size);
    const served = await (await fetch(`${url}/api/ledger/checkpoint`)).text();
    const verified = verifyNote(served, [
      t.haven.ledger.verifierKey,
      asCosignatureKey(parseVerifierKey(witnessKeys.verifierKey)),
    ]);
    assert.deepEqual(
      verified.map((v) => v.name).sort(),
      ['oversight.example/witness', t.haven.ledger.origin].sort(),
    );
    const forged = await fetch(`${url}/api/ledger/cosignatures`, {
      method: 'POST',
      headers: { authorization: 'Bearer hw_not-a-token', 'content-type': 'application/json' },
      body: JSON.stringify({ size: 1, cosignature: '— x AAAA' }),
    });
    assert.equal(forged.status, 401);

    // The operator rewrites history: an early event is edited and the tree rebuilt from scratch, then signed.
    const edited = await t.haven.db.query(
      `update audit_event set body = convert_to(replace(convert_from(body, 'UTF8'), '"reason":"', '"reason":"x'), 'UTF8') where seq = (select seq from ledger_leaf where leaf_index = 2)`,
    );
    assert.equal(edited.rowCount, 1);
    await t.haven.db.query(
      `update audit_event set leaf_hash = sha256('\\x00'::bytea || body) where seq = (select seq from ledger_leaf where leaf_index = 2)`,
    );
    await t.haven.db.query('delete from ledger_tile');
    await t.haven.db.query('delete from ledger_head');
    await t.haven.db.query('delete from ledger_cosignature');
    await t.haven.db.query('delete from ledger_checkpoint');
    await appendEvents(t.haven.db, 30);
    await sequenceAll(t.haven.db);
    await client.post('/api/ledger/checkpoints');
    await assert.rejects(
      witnessOnce({ ...options, state: second.state }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'log-rewrote-history');
        assert.match(error.message, /rewrote its history/);
        return true;
      },
    );
    // The same through the command an oversight body runs: an alert, exit code 3, nothing cosigned.
    const dir = tempDir();
    writeFileSync(path.join(dir, 'witness.key'), `${witnessKeys.signerKey}\n`);
    writeFileSync(path.join(dir, 'state.json'), JSON.stringify(second.state));
    const cli = await haven(
      [
        'witness',
        'run',
        '--log',
        url,
        '--log-key',
        t.haven.ledger.verifierKey,
        '--key',
        path.join(dir, 'witness.key'),
        '--state',
        path.join(dir, 'state.json'),
        '--token',
        registered.body.token,
      ],
      {},
    );
    assert.equal(cli.code, 3, cli.stderr);
    assert.match(cli.stderr, /^ALERT: .*rewrote its history/);
  });

  test('haven ledger verify checks an export without the database and names the first bad index', async () => {
    const dir = tempDir();
    const events = path.join(dir, 'events.ndjson');
    const checkpointFile = path.join(dir, 'checkpoint.txt');
    const auditor = await signedIn(t, await createStaff(t, { role: 'auditor' }));
    const signed = await auditor.post<{ size: number; note: string }>('/api/ledger/checkpoints');
    writeFileSync(checkpointFile, signed.body.note);
    const exported = (await auditor.get(`/api/ledger/entries?to=${signed.body.size}`)).text;
    writeFileSync(events, exported);
    const env = { HAVEN_DATA_DIR: path.join(dir, 'no-such-haven') };
    const ok = await haven(
      [
        'ledger',
        'verify',
        '--events',
        events,
        '--checkpoint',
        checkpointFile,
        '--key',
        t.haven.ledger.verifierKey,
      ],
      env,
    );
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^OK: \d+ entries match/);
    const lines = exported.trim().split('\n');
    const victim = JSON.parse(lines[11]!);
    victim.event.reason = 'tampered';
    lines[11] = JSON.stringify(victim);
    writeFileSync(events, `${lines.join('\n')}\n`);
    const bad = await haven(
      [
        'ledger',
        'verify',
        '--events',
        events,
        '--checkpoint',
        checkpointFile,
        '--key',
        t.haven.ledger.verifierKey,
      ],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stdout,
      /FAILED \[entry-altered\].*First index where the log and the checkpoints part ways: 11\./,
    );
  });

  test('a person’s access history shows organisation and role, when, why and the decision — never the account', async () => {
    const org = await organisation(t, 'history-org');
    const person = '6d3a9f1e-2b4c-4d5e-8f70-1a2b3c4d5e6f';
    const account = '11111111-2222-4333-8444-555555555555';
    await recordAuditEvent(t.haven.db, {
      actor: { kind: 'staff', account, organisation: org, role: 'caseworker' },
      action: 'person.read',
      purpose: 'protection-case-management',
      subject: person,
      subjectType: 'person',
      fieldGroups: ['identity'],
      decision: 'allow',
      reason: 'ok',
    });
    const history = await accessHistory(t.haven.db, person);
    assert.equal(history.length, 1);
    assert.deepEqual(history[0]!.organisation, { id: org, name: 'history-org' });
    assert.equal(history[0]!.role, 'caseworker');
    assert.equal(history[0]!.purpose, 'protection-case-management');
    assert.ok(!JSON.stringify(history).includes(account));
  });
});

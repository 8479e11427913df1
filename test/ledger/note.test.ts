import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  addSignatures,
  asCosignatureKey,
  cosign,
  cosignatureMessage,
  formatCheckpoint,
  keyId,
  newSignerKey,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  parseSignatureLine,
  parseSignerKey,
  parseVerifierKey,
  rawPublicKey,
  signNote,
  verifierKeyString,
  verifyCosignature,
  verifyNote,
} from '../../src/ledger/note.ts';

// Known answers from golang.org/x/mod/sumdb/note (note_test.go, TestSign and TestOpen), the reference
// implementation of the signed-note format. Ed25519 is deterministic, so signing must reproduce them exactly.
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
// A native cosignature/v1 verifier key (type 0x04) from transparency-dev/formats note/note_cosigv1_test.go.
const REMORA_COSIG_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
// The example of c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_COSIGNATURE =
  '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';

const code = (expected: string) => ({ code: expected });
const printable = (text: string): boolean => [...text].every((c) => c.charCodeAt(0) >= 0x20);

function logKeys(name = 'haven.example/ledger') {
  const { signerKey, verifierKey } = newSignerKey(name);
  return { signer: parseSignerKey(signerKey), verifierKey };
}

describe('signed-note keys (AUD-3, c2sp.org/signed-note)', () => {
  test('computes the key id as SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]', () => {
    const peter = parseVerifierKey(PETER_VKEY);
    const raw = rawPublicKey(peter.publicKey);
    const byHand = createHash('sha256')
      .update(Buffer.concat([Buffer.from('PeterNeumann'), Buffer.from([0x0a, 0x01]), raw]))
      .digest()
      .subarray(0, 4)
      .toString('hex');
    assert.equal(byHand, 'c74f20a3');
    assert.equal(keyId('PeterNeumann', ALG_ED25519, raw), 0xc74f20a3);
    assert.equal(peter.keyId, 0xc74f20a3);
    assert.equal(verifierKeyString('PeterNeumann', peter.publicKey), PETER_VKEY);
  });

  test('reads the reference signer key and derives its verifier key', () => {
    const signer = parseSignerKey(PETER_SKEY);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(signer.verifierKey, PETER_VKEY);
  });

  test('cosignature keys use signature type 0x04 in their key id', () => {
    const remora = parseVerifierKey(REMORA_COSIG_VKEY);
    assert.equal(remora.algorithm, ALG_COSIGNATURE_V1);
    const raw = rawPublicKey(remora.publicKey);
    const byHand = createHash('sha256')
      .update(Buffer.concat([Buffer.from('remora.n621.de\n'), Buffer.from([0x04]), raw]))
      .digest()
      .readUInt32BE(0);
    assert.equal(byHand, 0xda77ade7);
    assert.equal(
      verifierKeyString('remora.n621.de', remora.publicKey, ALG_COSIGNATURE_V1),
      REMORA_COSIG_VKEY,
    );
    const peterAsWitness = asCosignatureKey(parseVerifierKey(PETER_VKEY));
    assert.equal(
      peterAsWitness.keyId,
      keyId('PeterNeumann', ALG_COSIGNATURE_V1, rawPublicKey(peterAsWitness.publicKey)),
    );
    assert.notEqual(peterAsWitness.keyId, 0xc74f20a3);
  });

  test('refuses every truncation and every single-character change of a key', () => {
    for (const key of [PETER_VKEY, PETER_SKEY]) {
      const parse = key === PETER_VKEY ? parseVerifierKey : parseSignerKey;
      for (let i = 0; i <= key.length; i++) {
        for (let j = i + 1; j <= key.length; j++) {
          if (i !== 0 || j !== key.length)
            assert.throws(() => parse(key.slice(i, j)), code('note-key-invalid'));
        }
      }
      for (let i = 0; i < key.length; i++) {
        const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
        assert.throws(() => parse(changed), code('note-key-invalid'), changed);
      }
    }
    // Wrong key length and unknown algorithm, each with a key id adjusted to match (from sumdb/note's tests).
    assert.throws(
      () => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
      code('note-key-invalid'),
    );
    assert.throws(
      () => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
      code('note-key-invalid'),
    );
  });

  test('new signer keys round trip through their texts', () => {
    const { signerKey, verifierKey } = newSignerKey('witness.example.org/w1');
    assert.match(signerKey, /^PRIVATE\+KEY\+witness\.example\.org\/w1\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    assert.equal(parseSignerKey(signerKey).verifierKey, verifierKey);
    assert.throws(() => newSignerKey('two words'), code('note-key-invalid'));
    assert.throws(() => newSignerKey('a+b'), code('note-key-invalid'));
  });
});

describe('signed notes (AUD-3)', () => {
  test('signs exactly as the reference implementation does', () => {
    assert.equal(signNote(TEXT, [parseSignerKey(PETER_SKEY)]), `${TEXT}\n${PETER_SIG}`);
  });

  test('verifies known keys and ignores unknown ones', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    assert.deepEqual(parseNote(note).body, TEXT);
    assert.deepEqual(verifyNote(note, [PETER_VKEY]), [
      { name: 'PeterNeumann', keyId: 0xc74f20a3, algorithm: 1 },
    ]);
    assert.deepEqual(
      verifyNote(note, [PETER_VKEY, ENOCH_VKEY]).map((s) => s.name),
      ['PeterNeumann', 'EnochRoot'],
    );
    assert.deepEqual(
      verifyNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}`, [PETER_VKEY]).map((s) => s.name),
      ['PeterNeumann'],
    );
    assert.throws(() => verifyNote(note, []), code('note-unknown-key'));
    assert.throws(() => verifyNote(note, [logKeys().verifierKey]), code('note-unknown-key'));
  });

  test('refuses a note whose known signature does not verify', () => {
    const broken = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    assert.throws(() => verifyNote(`${TEXT}\n${broken}`, [PETER_VKEY]), code('note-signature-invalid'));
    const altered = `${TEXT.replace('answer', 'answers')}\n${PETER_SIG}`;
    assert.throws(() => verifyNote(altered, [PETER_VKEY]), code('note-signature-invalid'));
  });

  test('refuses malformed notes', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `\ud800${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
      `${TEXT}\n— PeterNeumann x08g\n`,
    ];
    for (const note of bad) assert.throws(() => verifyNote(note, [PETER_VKEY]), code('note-malformed'), note);
    assert.throws(() => signNote('no final newline', [parseSignerKey(PETER_SKEY)]), code('note-malformed'));
  });

  test('round trips any body through signing and verification', () => {
    const { signer, verifierKey } = logKeys();
    const line = fc.string({ unit: 'grapheme', maxLength: 40 }).filter(printable);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
        const body = `${lines.join('\n')}\n`;
        const note = signNote(body, [signer]);
        assert.equal(parseNote(note).body, body);
        assert.equal(verifyNote(note, [verifierKey]).length, 1);
      }),
      { numRuns: 100 },
    );
  });

  test('adds cosignature lines once', () => {
    const { signer, verifierKey } = logKeys();
    const note = signNote(SPEC_BODY, [signer]);
    const withLine = addSignatures(note, [`${SPEC_COSIGNATURE}\n`, SPEC_COSIGNATURE]);
    assert.equal(withLine, `${note}${SPEC_COSIGNATURE}\n`);
    assert.equal(verifyNote(withLine, [verifierKey]).length, 1);
    assert.throws(() => addSignatures(note, ['not a signature']), code('note-malformed'));
  });
});

describe('checkpoints (AUD-3, c2sp.org/tlog-checkpoint)', () => {
  test('reads the specification example', () => {
    const checkpoint = parseCheckpoint(SPEC_BODY);
    assert.equal(checkpoint.origin, 'example.com/behind-the-sofa');
    assert.equal(checkpoint.size, 20852163);
    assert.equal(checkpoint.rootHash.toString('base64'), 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    assert.deepEqual(checkpoint.extensions, []);
    assert.equal(formatCheckpoint(checkpoint), SPEC_BODY);
  });

  test('round trips origin, size, root and extension lines', () => {
    const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => printable(s) && s.isWellFormed());
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(text, { maxLength: 3 }),
        (origin, size, root, extensions) => {
          const parsed = parseCheckpoint(formatCheckpoint({ origin, size, rootHash: root, extensions }));
          assert.deepEqual(parsed, { origin, size, rootHash: Buffer.from(root), extensions });
        },
      ),
    );
  });

  test('reads strictly', () => {
    const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
    const bad = [
      `\n5\n${root}\n`,
      `origin\n05\n${root}\n`,
      `origin\n-5\n${root}\n`,
      `origin\n+5\n${root}\n`,
      `origin\n5.0\n${root}\n`,
      `origin\n9007199254740992\n${root}\n`,
      `origin\n5\n${root.slice(4)}\n`,
      `origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n`,
      `origin\n5\n${root}`,
      `origin\n5\n${root}\n\nextension\n`,
      `origin\n5\n`,
      `origin\t1\n5\n${root}\n`,
    ];
    for (const body of bad) assert.throws(() => parseCheckpoint(body), code('checkpoint-malformed'), body);
    assert.deepEqual(parseCheckpoint(`origin\n0\n${root}\nextension one\n`).extensions, ['extension one']);
  });

  test('a signed checkpoint opens only with its key and only unaltered', () => {
    const { signer, verifierKey } = logKeys();
    const body = formatCheckpoint({
      origin: 'haven.example/ledger',
      size: 42,
      rootHash: Buffer.alloc(32, 7),
    });
    const note = signNote(body, [signer]);
    const opened = openCheckpoint(note, verifierKey);
    assert.equal(opened.checkpoint.size, 42);
    assert.equal(opened.body, body);
    assert.throws(
      () => openCheckpoint(note.replace('\n42\n', '\n43\n'), verifierKey),
      code('note-signature-invalid'),
    );
    const otherRoot = Buffer.alloc(32, 8).toString('base64');
    assert.throws(
      () => openCheckpoint(note.replace(Buffer.alloc(32, 7).toString('base64'), otherRoot), verifierKey),
      code('note-signature-invalid'),
    );
    assert.throws(() => openCheckpoint(note, logKeys().verifierKey), code('note-unknown-key'));
    const impostor = logKeys();
    assert.throws(
      () => openCheckpoint(signNote(body, [impostor.signer]), verifierKey),
      code('note-unknown-key'),
    );
  });
});

describe('witness cosignatures (AUD-3, c2sp.org/tlog-cosignature)', () => {
  test('signs the cosignature/v1 message of the specification', () => {
    assert.equal(
      cosignatureMessage(1679315147, SPEC_BODY),
      'cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
    // The specification's example line: key id (4) ‖ timestamp (8, big-endian) ‖ Ed25519 signature (64).
    const example = parseSignatureLine(SPEC_COSIGNATURE);
    assert.equal(example.signature.length, 72);
    assert.equal(example.signature.readBigUInt64BE(0), 1679315147n);
  });

  test('a cosignature round trips with the witness key in either form', () => {
    const { signer: witness, verifierKey } = logKeys('witness.example.org/w1');
    const line = cosign(SPEC_BODY, witness, 1_700_000_000);
    assert.match(line, /^— witness\.example\.org\/w1 [A-Za-z0-9+/]{102}==\n$/);
    const cosigKey = verifierKeyString(witness.name, witness.publicKey, ALG_COSIGNATURE_V1);
    for (const key of [verifierKey, cosigKey]) {
      assert.deepEqual(verifyCosignature(SPEC_BODY, line, key), {
        name: 'witness.example.org/w1',
        keyId: parseVerifierKey(cosigKey).keyId,
        timestamp: 1_700_000_000,
      });
    }
  });

  test('a checkpoint with a cosignature verifies log and witness together', () => {
    const log = logKeys();
    const { signer: witness, verifierKey } = logKeys('witness.example.org/w1');
    const body = formatCheckpoint({ origin: log.signer.name, size: 9, rootHash: Buffer.alloc(32, 1) });
    const note = addSignatures(signNote(body, [log.signer]), [cosign(body, witness, 1_700_000_123)]);
    const verified = verifyNote(note, [log.verifierKey, asCosignatureKey(parseVerifierKey(verifierKey))]);
    assert.deepEqual(
      verified.map((s) => [s.name, s.algorithm, s.timestamp]),
      [
        [log.signer.name, ALG_ED25519, undefined],
        ['witness.example.org/w1', ALG_COSIGNATURE_V1, 1_700_000_123],
      ],
    );
    // A cosignature is not a plain signature: the witness's plain key does not match it.
    assert.throws(() => verifyNote(note, [verifierKey]), code('note-unknown-key'));
  });

  test('refuses a cosignature over another checkpoint, time or key', () => {
    const { signer: witness, verifierKey } = logKeys('witness.example.org/w1');
    const line = cosign(SPEC_BODY, witness, 1_700_000_000);
    assert.throws(
      () => verifyCosignature(SPEC_BODY.replace('20852163', '20852164'), line, verifierKey),
      code('cosignature-invalid'),
    );
    const bytes = parseSignatureLine(line.slice(0, -1));
    const later = Buffer.concat([Buffer.alloc(4), bytes.signature]);
    later.writeUInt32BE(bytes.keyId, 0);
    later.writeBigUInt64BE(1_700_000_001n, 4);
    assert.throws(
      () => verifyCosignature(SPEC_BODY, `— witness.example.org/w1 ${later.toString('base64')}`, verifierKey),
      code('cosignature-invalid'),
    );
    assert.throws(
      () => verifyCosignature(SPEC_BODY, line, logKeys('witness.example.org/w1').verifierKey),
      code('note-unknown-key'),
    );
    assert.throws(() => cosign('not a checkpoint\n', witness, 1), code('checkpoint-malformed'));
    assert.throws(() => cosign(SPEC_BODY, witness, -1), code('cosignature-invalid'));
    const { privateKey } = generateKeyPairSync('ed25519');
    assert.throws(() => cosign(SPEC_BODY, { name: 'bad name', privateKey }, 1), code('note-malformed'));
  });
});

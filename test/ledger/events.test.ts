import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canonicalBytes, canonicalJson } from '../../src/ledger/canonical-json.ts';
import { auditEvent, type NewAuditEvent } from '../../src/ledger/events.ts';

const base: NewAuditEvent = {
  actor: { kind: 'staff', account: randomUUID(), organisation: randomUUID(), role: 'clerk' },
  action: 'person.read',
  purpose: 'registration',
  subject: randomUUID(),
  subjectType: 'person',
  fieldGroups: ['identity'],
  decision: 'allow',
  reason: 'ok',
};

describe('audit events (AUD-1)', () => {
  test('hold ids and codes only: a name, a document number or free text is refused in every field', () => {
    const values = ['Amina Yusuf', 'محمد', 'N0123 4567', 'see notes: fled from X', 'a@b.org'];
    for (const value of values) {
      for (const field of ['action', 'reason', 'purpose'] as const) {
        assert.throws(
          () => auditEvent({ ...base, [field]: value }),
          { code: 'audit-event-invalid' },
          `${field}=${value}`,
        );
      }
      assert.throws(() => auditEvent({ ...base, fieldGroups: [value] }), { code: 'audit-event-invalid' });
      assert.throws(() => auditEvent({ ...base, subject: value }), { code: 'audit-event-invalid' });
      assert.throws(() => auditEvent({ ...base, requestId: value }), { code: 'audit-event-invalid' });
      assert.throws(() => auditEvent({ ...base, recipient: value }), { code: 'audit-event-invalid' });
    }
  });

  test('have one schema: version, UTC time, actor, action, purpose, subject, field groups, decision, reason', () => {
    const event = auditEvent({ ...base, requestId: 'req-123', time: new Date('2026-01-02T03:04:05.006Z') });
    assert.deepEqual(Object.keys(event).sort(), [
      'action',
      'actor',
      'decision',
      'fieldGroups',
      'purpose',
      'reason',
      'requestId',
      'subject',
      'subjectType',
      'time',
      'v',
    ]);
    assert.equal(event.time, '2026-01-02T03:04:05.006Z');
  });
});

describe('the recipient of a push (BRE-3)', () => {
  const pushed = {
    v: 1 as const,
    time: '2026-01-02T03:04:05.006Z',
    actor: {
      kind: 'staff' as const,
      account: '11111111-1111-4111-8111-111111111111',
      organisation: '22222222-2222-4222-8222-222222222222',
      role: 'supervisor' as const,
    },
    action: 'sharing.release',
    purpose: 'registration',
    subject: '33333333-3333-4333-8333-333333333333',
    subjectType: 'person' as const,
    fieldGroups: ['identity'],
    decision: 'allow' as const,
    reason: 'ok',
    requestId: 'req-1',
  };

  test('an event without it keeps the bytes it always had: old entries verify unchanged', async () => {
    const { eventBytes } = await import('../../src/ledger/events.ts');
    assert.equal(
      eventBytes(pushed).toString('utf8'),
      '{"action":"sharing.release","actor":{"account":"11111111-1111-4111-8111-111111111111","kind":"staff",' +
        '"organisation":"22222222-2222-4222-8222-222222222222","role":"supervisor"},"decision":"allow",' +
        '"fieldGroups":["identity"],"purpose":"registration","reason":"ok","requestId":"req-1",' +
        '"subject":"33333333-3333-4333-8333-333333333333","subjectType":"person","time":"2026-01-02T03:04:05.006Z","v":1}',
    );
  });

  test('with it: sorted between reason and requestId, the canonical bytes of the generic canonicaliser', async () => {
    const { eventBytes } = await import('../../src/ledger/events.ts');
    const event = { ...pushed, recipient: '44444444-4444-4444-8444-444444444444' };
    const bytes = eventBytes(event);
    assert.ok(bytes.equals(canonicalBytes(event)));
    assert.match(bytes.toString('utf8'), /"reason":"ok","recipient":"4{8}-4{4}-4{4}-8444-4{12}","requestId"/);
    assert.deepEqual(JSON.parse(bytes.toString('utf8')), event, 'the body reads back with its recipient');
  });
});

describe('canonical event bytes (RFC 8785)', () => {
  test('sorts keys by UTF-16 code units and writes no whitespace', () => {
    // The property-sorting example of RFC 8785 §3.2.3.
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const text = canonicalJson(input);
    const positions = ['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) =>
      text.indexOf(`"${k}":`),
    );
    assert.ok(
      positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)),
      text,
    );
    assert.equal(canonicalJson({ b: [1, true, null], a: 'x' }), '{"a":"x","b":[1,true,null]}');
  });

  test('refuses numbers that are not safe integers, so every verifier agrees byte for byte', () => {
    assert.throws(() => canonicalJson({ x: 1.5 }));
    assert.throws(() => canonicalJson({ x: 2 ** 60 }));
  });

  test('parsing and re-encoding gives the same bytes, so anyone can recompute a leaf hash from an export', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 4 }).filter((v) => !JSON.stringify(v).match(/\d\.\d|e[+-]?\d/i)),
        (value) => {
          let bytes: Buffer;
          try {
            bytes = canonicalBytes(value);
          } catch {
            return; // floats are refused, tested above
          }
          assert.ok(canonicalBytes(JSON.parse(bytes.toString('utf8'))).equals(bytes));
        },
      ),
    );
  });
});

describe('the fast event encoder', () => {
  test('writes exactly the RFC 8785 bytes of the generic canonicaliser', async () => {
    const { eventBytes } = await import('../../src/ledger/events.ts');
    const code = fc.stringMatching(/^[a-z0-9][a-z0-9.:_-]{0,20}$/);
    fc.assert(
      fc.property(
        fc.record(
          {
            account: fc.uuid(),
            organisation: fc.uuid(),
            role: fc.constantFrom('clerk', 'admin' as const),
            purpose: code,
            subject: fc.uuid(),
            fieldGroups: fc.array(code, { maxLength: 4 }),
            requestId: fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/),
            count: fc.integer({ min: 1, max: 2 ** 40 }),
            policy: fc.integer({ min: 1, max: 2 ** 31 }),
            partner: fc.uuid(),
            digest: fc.stringMatching(/^[0-9a-f]{64}$/),
            recipient: fc.uuid(),
          },
          { requiredKeys: [] },
        ),
        code,
        code,
        (optional, action, reason) => {
          const event = auditEvent({
            actor: {
              kind: 'staff',
              ...(optional.account ? { account: optional.account } : {}),
              ...(optional.organisation ? { organisation: optional.organisation } : {}),
              ...(optional.partner ? { partner: optional.partner } : {}),
              ...(optional.role ? { role: optional.role } : {}),
            },
            action,
            reason,
            decision: 'deny',
            ...(optional.purpose ? { purpose: optional.purpose } : {}),
            ...(optional.subject ? { subject: optional.subject, subjectType: 'person' as const } : {}),
            ...(optional.fieldGroups ? { fieldGroups: optional.fieldGroups } : {}),
            ...(optional.requestId ? { requestId: optional.requestId } : {}),
            ...(optional.count ? { count: optional.count } : {}),
            ...(optional.policy ? { policy: optional.policy } : {}),
            ...(optional.digest ? { digest: optional.digest } : {}),
            ...(optional.recipient ? { recipient: optional.recipient } : {}),
          });

          assert.ok(eventBytes(event).equals(canonicalBytes(event)));
        },
      ),
    );
  });
});

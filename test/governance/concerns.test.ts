import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { addToDay } from '../../src/domain/calendar.ts';
import { leadingZeroBits, newFollowUpCode } from '../../src/governance/concerns.ts';
import { Client, type Reply } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { textDump } from '../support/fuzz-world.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, type StaffMember, signedIn } from '../support/staff.ts';

/** What a browser does before sending the form: find a nonce that gives the hash enough leading zero bits. */
export function solve(challenge: string, difficulty: number): string {
  for (let i = 0; ; i++) {
    const nonce = i.toString(36);
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${nonce}`).digest()) >= difficulty)
      return nonce;
  }
}

// Who the sender is must not reach Haven's database or logs: a browser, an address, a staff session.
const USER_AGENT = 'Mozilla/5.0 (X11; Linux) Whistle/7.3.1-UNIQUE-AGENT';
const ADDRESS = '203.0.113.177';
const CONCERN_TEXT = 'The registration desk at Camp Qadisha-17 lets visitors photograph the screens.';

describe('the concern channel’s pieces', () => {
  test('follow-up codes: 20 characters of Crockford base32 in groups of four, never the same', () => {
    const codes = new Set(Array.from({ length: 1000 }, newFollowUpCode));
    assert.equal(codes.size, 1000);
    for (const code of codes) assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  test('the clocks: 7 days to acknowledge, 3 calendar months to answer, month ends kept', () => {
    assert.equal(addToDay('2026-12-28', { days: 7 }), '2027-01-04');
    assert.equal(addToDay('2026-11-30', { months: 3 }), '2027-02-28');
    assert.equal(addToDay('2027-11-30', { months: 3 }), '2028-02-29');
    assert.equal(addToDay('2026-01-31', { months: 1 }), '2026-02-28');
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`anonymous concerns (GOV-4) (${kind})`, () => {
    let t: TestHaven;
    let dpo: Client;
    let oversight: Client;
    let staffSender: { staff: StaffMember; client: Client };
    const anonymous = new Client(null as never);

    /** A request as a browser would send it, with a user agent, a forwarded address and, maybe, a cookie. */
    const send = async (url: string, body?: unknown, cookie?: string): Promise<Reply> => {
      const response = await t.app.inject({
        method: body === undefined ? 'GET' : 'POST',
        url,
        headers: {
          'user-agent': USER_AGENT,
          'x-forwarded-for': ADDRESS,
          ...(cookie ? { cookie } : {}),
        },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      assert.equal(response.headers['set-cookie'], undefined, `${url} set a cookie`);
      return {
        status: response.statusCode,
        body: JSON.parse(response.body || '{}'),
        headers: response.headers,
        text: response.body,
      };
    };
    const challenge = async () => {
      const got = await send('/api/public/concerns/challenge');
      assert.equal(got.status, 200);
      const { challenge, difficulty } = got.body as { challenge: string; difficulty: number };
      return { challenge, nonce: solve(challenge, difficulty) };
    };
    const raise = async (fields: Record<string, unknown>, cookie?: string) =>
      send(
        '/api/public/concerns',
        { ...(await challenge()), aboutDpo: false, language: 'en', organisation: 'org-a', ...fields },
        cookie,
      );

    before(async () => {
      t = await startTestHaven(kind, { HAVEN_TRUST_PROXY: 'true' });
      const make = async (role: 'dpo' | 'oversight' | 'clerk') => {
        const staff = await createStaff(t, { role, org: 'org-a' });
        return { staff, client: await signedIn(t, staff) };
      };
      dpo = (await make('dpo')).client;
      oversight = (await make('oversight')).client;
      staffSender = await make('clerk');
      void anonymous;
    });
    after(() => t.close());

    let code = '';
    let aboutDpoCode = '';

    test('a staff member raises a concern from their signed-in browser: Haven keeps nothing that identifies them', async () => {
      const logLines = t.logs.lines.length;
      const raised = await raise({ text: CONCERN_TEXT }, staffSender.client.cookie);
      assert.equal(raised.status, 201, raised.text);
      code = String(raised.body.followUpCode);
      const today = new Date().toISOString().slice(0, 10);
      assert.equal(raised.body.receivedOn, today);
      assert.equal(raised.body.acknowledgeBy, addToDay(today, { days: 7 }));
      assert.equal(raised.body.answerBy, addToDay(today, { months: 3 }));
      // Not a line in the log for it, let alone an address or a browser.
      const newLines = t.logs.lines.slice(logLines).join('\n');
      assert.doesNotMatch(newLines, /concern/);
      assert.ok(!t.logs.text().includes(ADDRESS) && !t.logs.text().includes('Whistle/7.3.1'));
      // Everything the database holds, as text: no address, no browser, no account, no words of the concern.
      const dump = await textDump([t.database.db]);
      for (const secret of [
        ADDRESS,
        'Whistle/7.3.1-UNIQUE-AGENT',
        'Qadisha-17',
        code,
        code.replaceAll('-', ''),
      ]) {
        assert.ok(!dump.includes(secret), `the database holds ${secret}`);
      }
      const { rows } = await t.database.db.query<Record<string, unknown>>('select * from concern');
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(staffSender.staff.id));
      // Not in the ledger at arrival: its place would date it to the second.
      const events = await t.database.db.query<{ body: Buffer }>('select body from audit_event');
      assert.ok(!events.rows.some((e) => e.body.toString().includes('concern.raise')));
      // The staff member's session was not even looked at: no session event, still signed in.
      assert.equal((await staffSender.client.get('/api/auth/session')).body.signedIn, true);
    });

    test('refused without leaving anything: no challenge, unsolved, reused, markup, too long, empty, unknown organisation', async () => {
      const count = async () =>
        (await t.database.db.query<{ n: number }>('select count(*)::int as n from concern')).rows[0]!.n;
      const before = await count();
      const given = await challenge();
      const base = { aboutDpo: false, language: 'en', text: 'A concern.' };
      const cases: [Record<string, unknown>, number, string][] = [
        [{ ...base, challenge: 'forged.x.y', nonce: '1' }, 400, 'concern-challenge-invalid'],
        [{ ...base, challenge: given.challenge, nonce: 'not-the-answer' }, 400, 'concern-challenge-unsolved'],
        [{ ...(await challenge()), ...base, text: 'Look <script>alert(1)</script>' }, 422, 'concern-markup'],
        [{ ...(await challenge()), ...base, text: 'x'.repeat(10_001) }, 400, 'invalid-request'],
        [{ ...(await challenge()), ...base, text: '   ' }, 422, 'concern-text-required'],
        [{ ...(await challenge()), ...base, organisation: 'no-such-org' }, 422, 'organisation-unknown'],
      ];
      for (const [body, status, errorCode] of cases) {
        const reply = await send('/api/public/concerns', body);
        assert.equal(reply.status, status, reply.text);
        assert.equal(reply.body.code, errorCode, reply.text);
      }
      const huge = await send('/api/public/concerns', { ...given, ...base, text: 'y'.repeat(2_000_000) });
      assert.ok(huge.status === 413 || huge.status === 400, huge.text);
      const ok = await send('/api/public/concerns', { ...given, ...base });
      assert.equal(ok.status, 201, ok.text);
      const reused = await send('/api/public/concerns', { ...given, ...base });
      assert.equal(reused.status, 400);
      assert.equal(reused.body.code, 'concern-challenge-used');
      assert.equal(await count(), before + 1);
    });

    test('the DPO acknowledges and answers; the sender reads the answer with the code and writes back', async () => {
      const list = await dpo.get<{ concerns: { id: string; acknowledgedOn: string | null }[] }>(
        '/api/concerns',
      );
      assert.equal(list.status, 200, list.text);
      const first = list.body.concerns.find((c) => c.acknowledgedOn === null)!;
      const read = await dpo.get(`/api/concerns/${first.id}`);
      assert.equal(read.status, 200);
      const messages = read.body.messages as { author: string; text: string }[];
      assert.ok(messages.some((m) => m.text === CONCERN_TEXT) || messages.length === 1);
      const acknowledged = await dpo.post(`/api/concerns/${first.id}/acknowledge`);
      assert.equal(acknowledged.status, 200, acknowledged.text);
      const answered = await dpo.post(`/api/concerns/${first.id}/answer`, {
        text: 'Thank you. The screens now have privacy filters.',
      });
      assert.equal(answered.status, 200, answered.text);
      const seen = await send('/api/public/concerns/follow-up', { code: code.toLowerCase() });
      assert.equal(seen.status, 200, seen.text);
      assert.equal(seen.body.id, undefined);
      const thread = seen.body.messages as { author: string; text: string }[];
      assert.deepEqual(
        thread.map((m) => m.author),
        ['sender', 'dpo'],
      );
      const reply = await send('/api/public/concerns/reply', {
        code,
        text: 'The filters are not on desk 3.',
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal((reply.body.messages as unknown[]).length, 3);
      const wrong = await send('/api/public/concerns/follow-up', { code: 'AAAA-BBBB-CCCC-DDDD-EEEE' });
      assert.equal(wrong.status, 404);
      // Staff steps are on the ledger, by whom; the sender's are not.
      const events = (await t.database.db.query<{ body: Buffer }>('select body from audit_event')).rows.map(
        (r) => JSON.parse(r.body.toString()) as { action: string; actor: { kind: string } },
      );
      const concernEvents = events.filter((e) => e.action.startsWith('concern.'));
      assert.deepEqual(
        concernEvents.map((e) => [e.action, e.actor.kind]),
        [
          ['concern.read', 'staff'],
          ['concern.acknowledge', 'staff'],
          ['concern.answer', 'staff'],
        ],
      );
    });

    test('a concern about the DPO reaches oversight only', async () => {
      const raised = await raise({ text: 'The DPO shares case lists with a donor.', aboutDpo: true });
      assert.equal(raised.status, 201, raised.text);
      aboutDpoCode = String(raised.body.followUpCode);
      const byOversight = await oversight.get<{ concerns: { id: string; aboutDpo: boolean }[] }>(
        '/api/concerns',
      );
      const about = byOversight.body.concerns.find((c) => c.aboutDpo)!;
      assert.ok(about);
      const byDpo = await dpo.get<{ concerns: { id: string }[] }>('/api/concerns');
      assert.ok(!byDpo.body.concerns.some((c) => c.id === about.id));
      assert.equal((await dpo.get(`/api/concerns/${about.id}`)).status, 404);
      assert.equal(
        (await dpo.post(`/api/concerns/${about.id}/answer`, { text: 'not mine to see' })).status,
        404,
      );
      const list = await dpo.get<{ items: { kind: string; details: string[] }[] }>('/api/worklist');
      assert.ok(!list.body.items.some((i) => i.details.includes('about-dpo')));
      assert.equal((await oversight.get(`/api/concerns/${about.id}`)).status, 200);
    });

    test('the clocks run on the work lists: unacknowledged after 7 days is overdue', async () => {
      const original = t.haven.clock.now;
      try {
        t.haven.clock.now = () => new Date(Date.now() + 8 * 86_400_000);
        const list = await oversight.get<{ items: { kind: string; overdue: boolean; details: string[] }[] }>(
          '/api/worklist',
        );
        const waiting = list.body.items.filter((i) => i.kind === 'concern-to-acknowledge');
        assert.ok(waiting.length >= 1 && waiting.every((i) => i.overdue), JSON.stringify(list.body.items));
        assert.ok(waiting.some((i) => i.details.includes('about-dpo')));
        const answered = list.body.items.filter((i) => i.kind === 'concern-to-answer');
        assert.ok(answered.every((i) => !i.overdue));
      } finally {
        t.haven.clock.now = original;
      }
      // Oversight closes it; a closed concern takes no more replies.
      const about = (
        await oversight.get<{ concerns: { id: string; aboutDpo: boolean }[] }>('/api/concerns')
      ).body.concerns.find((c) => c.aboutDpo)!;
      assert.equal((await oversight.post(`/api/concerns/${about.id}/close`)).status, 200);
      const late = await send('/api/public/concerns/reply', { code: aboutDpoCode, text: 'One more thing.' });
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'concern-closed');
    });

    test('only the DPO and oversight read concerns', async () => {
      assert.equal((await staffSender.client.get('/api/concerns')).status, 403);
      assert.equal((await send('/api/concerns')).status, 401);
    });
  });
}

/**
 * Issue 13, finding 3: control characters, broken surrogates and non-characters in any string of any request
 * are refused once, before validation, with `text-invalid` and the JSON path — never a 500 from PostgreSQL,
 * never the value in the answer. Tab and line breaks pass only in fields marked MULTILINE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { todayAnywhere } from '../../src/domain/dictionary/index.ts';
import { BasisBody } from '../../src/http/routes/persons.ts';
import { textShape } from '../../src/http/text-guard.ts';
import { Client } from '../support/client.ts';
import { testDatabaseKinds } from '../support/database.ts';
import { CONSENT, type Team, team } from '../support/gate.ts';
import { startTestHaven, type TestHaven } from '../support/haven.ts';
import { createStaff, organisation } from '../support/staff.ts';

const PERSON = { 'given-name': 'Amina', sex: 'female', 'estimated-age': 30, nationality: ['SOM'] };

function assertTextInvalid(
  reply: { status: number; body: Record<string, unknown>; text: string },
  path: string,
  code: string,
) {
  assert.equal(reply.status, 400, reply.text);
  assert.equal(reply.body.code, 'text-invalid');
  assert.deepEqual(
    (reply.body.fields as { path: string; code: string }[]).map((f) => `${f.path} ${f.code}`),
    [`${path} ${code}`],
  );
}

describe('the text guard reads line-break opt-ins from the route schema', () => {
  test('a basis allows line breaks in its justification only, through the Basis ref and its union', () => {
    const shape = textShape({ type: 'object', properties: { basis: { $ref: 'Basis' } } }, (id) =>
      id === 'Basis' ? BasisBody : undefined,
    );
    const basis = shape.properties?.basis;
    assert.equal(basis?.properties?.justification?.multiline, true);
    assert.notEqual(basis?.properties?.noticeLanguage?.multiline, true);
    assert.notEqual(basis?.multiline, true);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`text-invalid for every route (${kind})`, () => {
    let t: TestHaven;
    let staff: Team;
    before(async () => {
      t = await startTestHaven(kind);
      staff = await team(t, await organisation(t, 'text-guard-org'));
    });
    after(() => t.close());

    test('a sign-in with NUL in the e-mail answers 400 text-invalid naming body/email, not 500', async () => {
      const member = await createStaff(t);
      const reply = await new Client(t.app).post('/api/auth/sign-in', {
        email: `${member.email}\u0000`,
        password: member.password,
      });
      assertTextInvalid(reply, 'body/email', 'control-character');
      assert.ok(!reply.text.includes(member.email), 'the answer never holds the value');
    });

    test('a broken surrogate, a non-character and a C1 control are refused the same way', async () => {
      const cases: [string, string][] = [
        ['\ud800x@example.org', 'broken-character'],
        ['a\uffff@example.org', 'non-character'],
        ['a\u{10fffe}@example.org', 'non-character'],
        ['a\u0085@example.org', 'control-character'],
        ['a\u007f@example.org', 'control-character'],
        ['a\t@example.org', 'control-character'],
      ];
      for (const [email, code] of cases) {
        const reply = await new Client(t.app).post('/api/auth/sign-in', { email, password: 'x' });
        assertTextInvalid(reply, 'body/email', code);
      }
    });

    test('object keys are checked too, and a key that is not a name is not echoed', async () => {
      const reply = await new Client(t.app).post('/api/auth/sign-in', { 'em\u0000ail': 'a', password: 'x' });
      assertTextInvalid(reply, 'body/(key)', 'control-character');
      const nested = await staff.clerk
        .as('registration')
        .post('/api/persons', { values: { ...PERSON, 'Amina Yusuf': { 'x\u0000': 1 } }, basis: CONSENT });
      assertTextInvalid(nested, 'body/values/*/(key)', 'control-character');
      assert.ok(!nested.text.includes('Amina Yusuf'));
    });

    test('the address and the query are checked before their schemas', async () => {
      const reader = staff.clerk.as('registration');
      assertTextInvalid(await reader.get('/api/persons/%00'), 'params/id', 'control-character');
      const id = '00000000-0000-4000-8000-000000000000';
      assertTextInvalid(
        await reader.get(`/api/persons/${id}?groups=a%00`),
        'querystring/groups',
        'control-character',
      );
    });

    test('a line break passes in a justification and in values (the dictionary decides), nowhere else', async () => {
      const clerk = staff.clerk.as('registration');
      const justification =
        'Registration under the office’s protection mandate;\r\nthe person could not sign.';
      const withBreaks = await clerk.post('/api/persons', {
        values: {
          ...PERSON,
          'family-links': [{ name: 'Yusuf', relationship: 'sibling', notes: 'Seen in May.\n\tThen lost.' }],
        },
        basis: { kind: 'public-interest', justification },
      });
      assert.equal(withBreaks.status, 201, withBreaks.text);
      const inName = await clerk.post('/api/persons', {
        values: { ...PERSON, 'given-name': 'Am\nina' },
        basis: CONSENT,
      });
      assert.equal(inName.status, 422);
      assert.deepEqual(inName.body.fields, [
        { path: 'given-name', code: 'value-not-single-line', message: 'given-name must be a single line.' },
      ]);
      const inLanguage = await clerk.post('/api/persons', {
        values: PERSON,
        basis: { ...CONSENT, noticeLanguage: 'ar\n' },
      });
      assertTextInvalid(inLanguage, 'body/basis/noticeLanguage', 'control-character');
    });

    test('registration refuses spoofing and implausible values and keeps ZWNJ (finding 4)', async () => {
      const clerk = staff.clerk.as('registration');
      const persian = await clerk.post('/api/persons', {
        values: { ...PERSON, 'given-name': 'مهر\u200Cناز', languages: ['prs', 'pus', 'ara'] },
        basis: CONSENT,
      });
      assert.equal(persian.status, 201, persian.text);
      const tomorrow = new Date(Date.parse(todayAnywhere(new Date())) + 86_400_000)
        .toISOString()
        .slice(0, 10);
      const refusals: [Record<string, unknown>, string][] = [
        [{ 'given-name': 'Amina\u202Eyusuf' }, 'given-name value-invalid-characters'],
        [{ 'date-of-birth': tomorrow }, 'date-of-birth date-out-of-range'],
        [{ 'arrival-date': tomorrow }, 'arrival-date date-out-of-range'],
        [{ 'date-of-birth': '1899' }, 'date-of-birth date-out-of-range'],
        [{ 'estimated-age': 123 }, 'estimated-age value-out-of-range'],
        [{ languages: ['xx1'] }, 'languages[0] language-invalid'],
      ];
      for (const [values, problem] of refusals) {
        const reply = await clerk.post('/api/persons', { values: { ...PERSON, ...values }, basis: CONSENT });
        assert.equal(reply.status, 422, problem);
        assert.deepEqual(
          (reply.body.fields as { path: string; code: string }[]).map((f) => `${f.path} ${f.code}`),
          [problem],
        );
      }
    });
  });
}

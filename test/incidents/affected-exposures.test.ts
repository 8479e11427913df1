import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTICE_LANGUAGES, noticeLanguageFor, noticeText } from '../../src/domain/incidents/notice-words.ts';
import { tallyAffected } from '../../src/incidents/affected.ts';
import { EXPOSING_ACTIONS, exposureOf, UNRECORDED } from '../../src/incidents/affected-exposures.ts';
import { type AuditEvent, auditEvent } from '../../src/ledger/events.ts';
import { dictionary } from '../support/records.ts';

/**
 * What each exposing ledger event counts for (BRE-3), for the actions the generated traffic of
 * affected-ledger.test.ts does not make (corrections, access answers), and the refusals of each: pure, on
 * hand-made events of the real dictionary.
 */
const PERSON = '6f1c2a9e-3b7d-4c1e-9a55-0d2b7c4e8f10';
const ACCOUNT = '0b7e9f3c-2a41-4d6b-8e0f-5c3a1d9b7e24';
const event = (over: Partial<Omit<AuditEvent, 'time' | 'v'>>): AuditEvent =>
  auditEvent({
    actor: { kind: 'staff', account: ACCOUNT },
    action: 'person.read',
    subject: PERSON,
    subjectType: 'person',
    decision: 'allow',
    reason: 'ok',
    ...over,
  });
const categoriesOfGroup = (group: string, purpose?: string) =>
  [
    ...new Set(
      dictionary.fields
        .filter((f) => f.group === group && (purpose === undefined || f.purposes.includes(purpose)))
        .map((f) => f.category),
    ),
  ].sort();

test('a read counts the categories its purpose may use; a correction or an access answer every category of its groups', () => {
  const read = exposureOf(event({ fieldGroups: ['identity'], purpose: 'statistics' }), dictionary);
  assert.deepEqual(read?.categories, categoriesOfGroup('identity', 'statistics'));
  assert.ok(
    read!.categories.length < categoriesOfGroup('identity').length,
    'statistics may use less of identity',
  );
  for (const action of [
    'correction.view',
    'correction.approve',
    'rights.answer-compose',
    'rights.answer-view',
  ]) {
    const e = exposureOf(event({ action, fieldGroups: ['identity', 'specific-needs'] }), dictionary);
    assert.deepEqual(
      e?.categories,
      [...new Set([...categoriesOfGroup('identity'), ...categoriesOfGroup('specific-needs')])].sort(),
      action,
    );
  }
  assert.equal(
    exposureOf(event({ action: 'rights.answer-view', fieldGroups: ['identity'] }), dictionary)?.kind,
    'access-answer',
  );
});

test('what the ledger cannot name is said, not guessed: a review lists no groups; a group the dictionary lost', () => {
  assert.deepEqual(exposureOf(event({ action: 'rights.answer-review' }), dictionary)?.categories, [
    UNRECORDED,
  ]);
  assert.deepEqual(
    exposureOf(event({ fieldGroups: ['gone-group'], purpose: 'registration' }), dictionary)?.categories,
    [UNRECORDED],
  );
});

test('a verification “yes” exposes the person, no category; a “no”, a refusal, a write or another subject exposes nothing', () => {
  const yes = exposureOf(
    event({ action: 'sharing.verify', actor: { kind: 'partner', partner: ACCOUNT }, reason: 'match' }),
    dictionary,
  );
  assert.deepEqual(yes, { kind: 'verification', personId: PERSON, categories: [] });
  for (const e of [
    event({ action: 'sharing.verify', decision: 'deny', reason: 'consent_withdrawn' }),
    event({ fieldGroups: ['identity'], decision: 'deny', reason: 'not-in-caseload' }),
    event({
      action: 'person.search-result',
      fieldGroups: ['identity'],
      decision: 'deny',
      reason: 'person-restricted',
    }),
    event({ action: 'person.update', fieldGroups: ['identity'] }),
    event({ action: 'person.register', fieldGroups: ['identity'] }),
    event({ action: 'consent.history' }),
    event({ action: 'sharing.verify', subject: ACCOUNT, subjectType: 'agreement', reason: 'no-match' }),
    event({ fieldGroups: [] }),
  ])
    assert.equal(exposureOf(e, dictionary), undefined, `${e.action} ${e.decision}`);
  assert.ok(Object.keys(EXPOSING_ACTIONS).length >= 11);
});

test('the tally: refused attempts are counted apart (aggregated refusals by their count), never as exposure', () => {
  const window = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) };
  const rows = [
    { seq: 1, event: event({ fieldGroups: ['identity'], purpose: 'registration' }) },
    {
      seq: 2,
      event: event({ fieldGroups: ['location'], decision: 'deny', reason: 'tier-too-low', count: 3 }),
    },
    { seq: 3, event: event({ actor: { kind: 'staff', account: PERSON }, fieldGroups: ['identity'] }) },
  ];
  const tally = tallyAffected(rows, { kind: 'account', accountId: ACCOUNT }, window, dictionary);
  assert.equal(tally.people.length, 1);
  assert.equal(tally.denied, 3);
  assert.equal(tally.events, 1);
  assert.deepEqual([tally.firstSeq, tally.lastSeq], [1, 1]);
});

test('the notice: six languages, plain parts, the person’s language from their notice or the languages they speak', () => {
  assert.equal(noticeLanguageFor('fa-AF', []), 'prs');
  assert.equal(noticeLanguageFor('ar-SY', []), 'ar');
  assert.equal(
    noticeLanguageFor(null, ['pus', 'prs']),
    'prs',
    'Pashto has no notice: the next language spoken',
  );
  assert.equal(noticeLanguageFor(null, ['apc']), 'ar', 'Levantine Arabic reads Arabic');
  assert.equal(noticeLanguageFor(null, ['tir']), 'en');
  for (const language of NOTICE_LANGUAGES) {
    const text = noticeText({
      language,
      organisation: 'Haven Field Office',
      reference: 'INC-2026-004',
      sourceKind: 'account',
      from: '2026-12-01T18:00:00Z',
      to: '2026-12-02T06:00:00Z',
      categories: ['name', 'health', UNRECORDED],
      onlyConfirmed: false,
      contact: null,
      drill: true,
    });
    assert.equal(text.sections.length, 5, language);
    const all = [text.title, ...text.sections.map((s) => `${s.heading} ${s.text}`), text.reference].join(' ');
    assert.ok(!/\{[a-z]+\}/.test(all), `${language}: every placeholder filled`);
    assert.ok(all.includes('Haven Field Office') && all.includes('INC-2026-004'), language);
    assert.ok(text.drillMark, `${language}: a drill says so`);
    assert.equal(text.direction, language === 'ar' || language === 'prs' ? 'rtl' : 'ltr');
  }
});

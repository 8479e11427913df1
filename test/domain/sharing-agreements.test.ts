import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addToDay } from '../../src/domain/calendar.ts';
import {
  AGREEMENT_STATES,
  type AgreementAction,
  type AgreementState,
  agreementInForce,
  agreementRefusal,
  canonicalPeriod,
  nextAgreementState,
  originStateRefusal,
  PARTNER_KINDS,
} from '../../src/domain/sharing/agreements.ts';

const ACTIONS: AgreementAction[] = ['approve', 'suspend', 'resume', 'terminate'];
const day = fc.integer({ min: 0, max: 3650 }).map((n) => addToDay('2024-01-01', { days: n }));
const staff = fc.constantFrom('a', 'b', 'c');

/** The agreement state machine and the in-force rule (SHA-1, ACC-6), as properties. */
describe('agreement rules', () => {
  test('an agreement is in force only when approved and today lies within its days', () => {
    fc.assert(
      fc.property(fc.constantFrom(...AGREEMENT_STATES), day, day, day, (state, d1, d2, today) => {
        const [startsOn, endsOn] = d1 <= d2 ? [d1, d2] : [d2, d1];
        const inForce = agreementInForce({ state, startsOn, endsOn }, today);
        assert.equal(inForce, state === 'approved' && startsOn <= today && today <= endsOn);
        // An expired, suspended, terminated or unapproved agreement never is, and says why.
        if (!inForce) assert.ok(agreementRefusal({ state, startsOn, endsOn }, today));
        if (state === 'suspended')
          assert.equal(agreementRefusal({ state, startsOn, endsOn }, today), 'agreement-suspended');
        if (state === 'approved' && today > endsOn) {
          assert.equal(agreementRefusal({ state, startsOn, endsOn }, today), 'agreement-expired');
        }
      }),
    );
  });

  test('whatever the sequence of actions, an agreement is never approved by its proposer', () => {
    fc.assert(
      fc.property(
        staff,
        fc.array(fc.tuple(fc.constantFrom(...ACTIONS), staff), { maxLength: 12 }),
        (proposer, steps) => {
          let state: AgreementState = 'proposed';
          for (const [action, by] of steps) {
            try {
              const next = nextAgreementState(
                { state, endsOn: '2099-12-31', proposedBy: proposer },
                action,
                by,
                '2025-01-01',
              );
              if (action === 'approve') assert.notEqual(by, proposer);
              state = next;
            } catch (error) {
              assert.ok(
                ['agreement-state-invalid', 'own-agreement'].includes((error as { code: string }).code),
              );
            }
          }
          // Terminated is final.
          if (state === 'terminated') {
            for (const action of ACTIONS) {
              assert.throws(() =>
                nextAgreementState(
                  { state, endsOn: '2099-12-31', proposedBy: proposer },
                  action,
                  'z',
                  '2025-01-01',
                ),
              );
            }
          }
        },
      ),
    );
  });

  test('an ended agreement cannot be approved or resumed', () => {
    assert.throws(
      () =>
        nextAgreementState(
          { state: 'proposed', endsOn: '2024-12-31', proposedBy: 'a' },
          'approve',
          'b',
          '2025-01-01',
        ),
      { code: 'agreement-expired' },
    );
  });

  test('SHA-3: only an origin-state authority is refused at creation', () => {
    for (const kind of PARTNER_KINDS) {
      assert.equal(
        originStateRefusal({ kind })?.code,
        kind === 'origin-state-authority' ? 'agreement-origin-state' : undefined,
      );
    }
  });

  test('partner retention periods read as days, months or years', () => {
    assert.equal(canonicalPeriod('6 months'), '6 months');
    assert.equal(canonicalPeriod(' 1 year '), '1 years');
    assert.equal(canonicalPeriod('0 days'), undefined);
    assert.equal(canonicalPeriod('forever'), undefined);
    fc.assert(
      fc.property(fc.string(), (text) => {
        const period = canonicalPeriod(text);
        if (period !== undefined) assert.match(period, /^[1-9][0-9]{0,2} (days|months|years)$/);
      }),
    );
  });
});

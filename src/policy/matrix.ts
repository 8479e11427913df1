import type { Dictionary } from '../domain/dictionary/index.ts';
import { dpiaNeed } from '../domain/dpia/criteria.ts';
import { ROLES, type Role } from '../domain/roles.ts';
import {
  type BasisState,
  type ContextFacts,
  type DecisionRequest,
  type DpiaState,
  PERSON_RECORD_ACTIONS,
  type PersonFacts,
  type PolicyAction,
  type PrincipalFacts,
  type RecipientFacts,
  type ResourceFacts,
  type StaffFacts,
} from './requests.ts';

/**
 * The authorization matrix (ACC-1, ACC-2): every kind of request the gate can put to the policies, built from
 * the data dictionary and the roles — each role at each tier (and the importer), each action, each field group
 * or kind of record, each purpose (usable or not), each state of consent or legal basis, each relation of the
 * person to the staff member (in their caseload, in their organisation, in another), second factor or passkey,
 * with and without break-glass. A policy change is judged by the decisions it changes here (impact.ts).
 */
export interface MatrixCell {
  request: DecisionRequest;
  /** Who: a role (with tier), or `importer`. */
  who: string;
  action: PolicyAction;
  purpose: string;
  /** What: a field group, or the kind of record (`person`, `organisation`, `correction`, `legal-hold`, `policy-change`). */
  what: string;
  /** The rest of the situation, as short codes joined by ` · `. */
  situation: string;
}

const ORG = 'org-own';
const OTHER_ORG = 'org-other';
const PERSON_ACTIONS: readonly PolicyAction[] = PERSON_RECORD_ACTIONS;

type Relation = 'caseload' | 'organisation' | 'other-organisation';
const RELATIONS: Relation[] = ['caseload', 'organisation', 'other-organisation'];

function person(relation: Relation, principalId: string, restricted = false): PersonFacts {
  return {
    id: 'person',
    organisation: relation === 'other-organisation' ? OTHER_ORG : ORG,
    assignees: relation === 'caseload' ? [principalId] : ['colleague'],
    restricted,
  };
}

/**
 * A restricted person (GDPR 18) is a variant only where a policy change can still decide: break-glass reads, a
 * legal-claims purpose and actions on the person. Elsewhere the built-in layer refuses in every version.
 */
const restrictedVariants = (open: boolean): boolean[] => (open ? [false, true] : [false]);

function principals(): { principal: PrincipalFacts; who: string }[] {
  const out: { principal: PrincipalFacts; who: string }[] = [
    { principal: { type: 'Importer', id: 'importer', organisation: ORG }, who: 'importer' },
  ];
  for (const role of ROLES) {
    for (const tier of [1, 2, 3, 4]) {
      out.push({
        principal: { type: 'Staff', id: 'me', organisation: ORG, role, tier },
        who: `${role}:${tier}`,
      });
    }
  }
  return out;
}

/** States of consent or another basis a person can be in for a purpose, with their codes. */
function bases(legalBases: readonly string[]): { basis: ContextFacts['basis']; code: string }[] {
  const kinds = ['consent', 'vital-interest', 'public-interest', 'legitimate-interest', 'legal-obligation'];
  return [
    ...kinds.map((kind) => ({
      basis: { state: 'active' as BasisState, kind },
      code: `${kind}${legalBases.includes(kind) ? '' : '(not accepted)'}`,
    })),
    { basis: { state: 'withdrawn', kind: 'consent' }, code: 'consent withdrawn' },
    { basis: { state: 'expired', kind: 'consent' }, code: 'consent expired' },
    { basis: { state: 'none', kind: 'none' }, code: 'no basis' },
  ];
}

const colleague = (role: Role): StaffFacts => ({
  type: 'Staff',
  id: 'colleague',
  organisation: ORG,
  role,
  tier: 2,
});

/** Every cell of the matrix, one at a time (there are a few million for the shipped dictionary). */
export function* authorizationMatrix(dictionary: Dictionary): Generator<MatrixCell> {
  // Each purpose in use with each state its DPIA can be in, and suspended (prohibited ones as they are).
  const purposes = dictionary.purposes.flatMap((p) => {
    if (p.prohibited) return [{ definition: p, usable: true, dpia: 'not-required' as DpiaState, code: '' }];
    const states: DpiaState[] = dpiaNeed(dictionary, p).required
      ? ['approved', 'none', 'expired']
      : ['not-required'];
    return [
      ...states.map((dpia) => ({
        definition: p,
        usable: true,
        dpia,
        code: dpia === 'approved' || dpia === 'not-required' ? '' : ` (DPIA ${dpia})`,
      })),
      { definition: p, usable: false, dpia: states[0]!, code: ' (suspended)' },
    ];
  });
  const groups = dictionary.groups.map((g) => ({
    name: g.name,
    tier: g.tier as number,
    purposes: [...new Set(dictionary.fieldsOfGroup(g.name).flatMap((f) => f.purposes))].sort(),
  }));
  for (const { principal, who } of principals()) {
    const staff = principal.type === 'Staff';
    for (const { definition, usable, dpia, code } of purposes) {
      const purposeFacts = {
        name: definition.name,
        prohibited: definition.prohibited,
        usable,
        dpia,
        legalBases: [...definition.legalBases],
      };
      const purpose = `${definition.name}${code}`;
      for (const assurance of staff ? [2, 3] : [3]) {
        const base = `${assurance === 3 ? 'passkey' : 'second factor'}`;
        // Reading and writing field groups: every state of the basis, with and without break-glass.
        for (const action of ['read', 'write'] as const) {
          for (const group of groups) {
            for (const relation of RELATIONS) {
              for (const { basis, code } of bases(definition.legalBases)) {
                for (const breakGlass of staff ? [false, true] : [false]) {
                  for (const restricted of restrictedVariants(
                    breakGlass || definition.name === 'legal-claims',
                  )) {
                    yield {
                      request: {
                        principal,
                        action,
                        resource: {
                          type: 'PersonGroup',
                          person: person(relation, principal.id, restricted),
                          group: group.name,
                          tier: group.tier,
                          purposes: group.purposes,
                        },
                        context: { purpose: purposeFacts, basis, assurance, breakGlass },
                      },
                      who,
                      action,
                      purpose,
                      what: group.name,
                      situation: [
                        relation,
                        ...(restricted ? ['restricted'] : []),
                        code,
                        base,
                        ...(breakGlass ? ['break-glass'] : []),
                      ].join(' · '),
                    };
                  }
                }
              }
            }
          }
        }
        if (!staff) continue;
        const me = principal as StaffFacts;
        const context: ContextFacts = {
          purpose: purposeFacts,
          basis: { state: 'not-applicable', kind: 'none' },
          assurance,
          breakGlass: false,
        };
        const cell = (action: PolicyAction, resource: ResourceFacts, what: string, situation: string) => ({
          request: { principal, action, resource, context },
          who,
          action,
          purpose,
          what,
          situation: `${situation} · ${base}`,
        });
        for (const action of PERSON_ACTIONS) {
          for (const relation of RELATIONS) {
            for (const restricted of restrictedVariants(true)) {
              yield cell(
                action,
                { type: 'Person', person: person(relation, principal.id, restricted) },
                'person',
                restricted ? `${relation} · restricted` : relation,
              );
            }
          }
        }
        for (const [id, relation] of [
          [ORG, 'own organisation'],
          [OTHER_ORG, 'other organisation'],
        ] as const) {
          yield cell('search', { type: 'Organisation', id }, 'organisation', relation);
        }
        for (const action of ['propose-correction', 'approve-correction'] as const) {
          for (const relation of RELATIONS) {
            for (const [proposer, code] of [
              [principal, 'own proposal'],
              [colleague('clerk'), 'colleague’s proposal'],
            ] as const) {
              yield cell(
                action,
                { type: 'Correction', id: 'correction', person: person(relation, principal.id), proposer },
                'correction',
                `${relation} · ${code}`,
              );
            }
          }
        }
        for (const relation of RELATIONS) {
          for (const [placer, code] of [
            [me, 'own hold'],
            [colleague('supervisor'), 'colleague’s hold'],
          ] as const) {
            yield cell(
              'approve-legal-hold',
              { type: 'LegalHold', id: 'hold', person: person(relation, principal.id), placer },
              'legal-hold',
              `${relation} · ${code}`,
            );
          }
        }
        for (const [proposer, code] of [
          [me, 'own proposal'],
          [colleague('dpo'), 'colleague’s proposal'],
        ] as const) {
          yield cell(
            'approve-policy-change',
            { type: 'PolicyChange', id: 'change', proposer },
            'policy-change',
            code,
          );
        }
      }
    }
  }
  yield* releaseCells(purposes);
}

/**
 * Releases to partners and yes/no answers (SHA-2 – SHA-4): every staff member who could push and every kind of
 * partner, for a person of one country (SYR), to recipients that act for no state, for another state, for the
 * person's own state, or are its country-of-origin authority. The last two must never be allowed (SHA-3).
 */
function* releaseCells(
  purposes: { definition: Dictionary['purposes'][number]; usable: boolean; dpia: DpiaState; code: string }[],
): Generator<MatrixCell> {
  const countries = ['SYR'];
  const recipients: { recipient: RecipientFacts; code: string }[] = [
    { recipient: { kind: 'ngo', actsFor: '' }, code: 'to an NGO' },
    { recipient: { kind: 'host-state-authority', actsFor: 'TUR' }, code: 'to another state’s authority' },
    {
      recipient: { kind: 'host-state-authority', actsFor: 'SYR' },
      code: 'to the authority of the person’s state',
    },
    {
      recipient: { kind: 'origin-state-authority', actsFor: 'SYR' },
      code: 'to a country-of-origin authority',
    },
  ];
  const senders: {
    principal: PrincipalFacts;
    who: string;
    actions: PolicyAction[];
    only?: RecipientFacts;
  }[] = [
    ...principals()
      .filter(({ principal }) => principal.type === 'Staff')
      .map(({ principal, who }) => ({ principal, who, actions: ['release'] as PolicyAction[] })),
    ...recipients.map(({ recipient }) => ({
      principal: {
        type: 'Partner' as const,
        id: 'partner',
        organisation: ORG,
        kind: recipient.kind,
        actsFor: recipient.actsFor,
      },
      who: `partner:${recipient.kind}${recipient.actsFor ? `:${recipient.actsFor}` : ''}`,
      actions: ['release', 'verify'] as PolicyAction[],
      only: recipient,
    })),
  ];
  for (const { principal, who, actions, only } of senders) {
    for (const { definition, usable, dpia, code } of purposes) {
      const purpose = `${definition.name}${code}`;
      const context = (basis: ContextFacts['basis']): ContextFacts => ({
        purpose: {
          name: definition.name,
          prohibited: definition.prohibited,
          usable,
          dpia,
          legalBases: [...definition.legalBases],
        },
        basis,
        assurance: 3,
        breakGlass: false,
      });
      for (const action of actions) {
        for (const { recipient, code: to } of recipients) {
          if (only && (only.kind !== recipient.kind || only.actsFor !== recipient.actsFor)) continue;
          for (const relation of ['organisation', 'other-organisation'] as const) {
            for (const { basis, code: basisCode } of bases(definition.legalBases)) {
              for (const restricted of [false, true]) {
                yield {
                  request: {
                    principal,
                    action,
                    resource: {
                      type: 'PersonRelease',
                      person: person(relation, principal.id, restricted),
                      countries,
                      recipient,
                    },
                    context: context(basis),
                  },
                  who,
                  action,
                  purpose,
                  what: 'release',
                  situation: [to, relation, ...(restricted ? ['restricted'] : []), basisCode].join(' · '),
                };
              }
            }
          }
        }
      }
    }
  }
}

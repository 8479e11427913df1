import type { AuthorizationCall, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { DecisionRequest, PersonFacts, PrincipalFacts, StaffFacts } from './requests.ts';

/** Builds the Cedar request (principal, action, resource, context, entities) for a decision. */

type Uid = { type: string; id: string };
const uid = (type: string, id: string): Uid => ({ type: `Haven::${type}`, id });
const ref = (type: string, id: string) => ({ __entity: uid(type, id) });

function staffEntity(staff: StaffFacts): EntityJson {
  return {
    uid: uid('Staff', staff.id),
    attrs: { role: staff.role, tier: staff.tier, organisation: ref('Organisation', staff.organisation) },
    parents: [],
  };
}

function principalEntity(principal: PrincipalFacts): EntityJson {
  if (principal.type === 'Staff') return staffEntity(principal);
  if (principal.type === 'Partner') {
    return {
      uid: uid('Partner', principal.id),
      attrs: {
        organisation: ref('Organisation', principal.organisation),
        kind: principal.kind,
        actsFor: principal.actsFor,
      },
      parents: [],
    };
  }
  return {
    uid: uid('Importer', principal.id),
    attrs: { organisation: ref('Organisation', principal.organisation) },
    parents: [],
  };
}

function personEntity(person: PersonFacts): EntityJson {
  return {
    uid: uid('Person', person.id),
    attrs: {
      organisation: ref('Organisation', person.organisation),
      assignees: person.assignees.map((id) => ref('Staff', id)),
      restricted: person.restricted,
    },
    parents: [],
  };
}

export type CedarRequest = Omit<AuthorizationCall, 'policies'>;

export function toCedarRequest(request: DecisionRequest): CedarRequest {
  const { principal, resource, context } = request;
  const entities: EntityJson[] = [principalEntity(principal)];
  const organisations = new Set<string>([principal.organisation]);
  let resourceUid: Uid;
  switch (resource.type) {
    case 'PersonGroup': {
      resourceUid = uid('PersonGroup', `${resource.person.id}#${resource.group}`);
      entities.push(personEntity(resource.person), {
        uid: resourceUid,
        attrs: {
          person: ref('Person', resource.person.id),
          group: resource.group,
          tier: resource.tier,
          purposes: [...resource.purposes],
        },
        parents: [],
      });
      organisations.add(resource.person.organisation);
      break;
    }
    case 'Person':
      resourceUid = uid('Person', resource.person.id);
      entities.push(personEntity(resource.person));
      organisations.add(resource.person.organisation);
      break;
    case 'Organisation':
      resourceUid = uid('Organisation', resource.id);
      organisations.add(resource.id);
      break;
    case 'Correction':
      resourceUid = uid('Correction', resource.id);
      entities.push(personEntity(resource.person), {
        uid: resourceUid,
        attrs: { person: ref('Person', resource.person.id), proposer: ref('Staff', resource.proposer.id) },
        parents: [],
      });
      if (resource.proposer.id !== principal.id) entities.push(staffEntity(resource.proposer));
      organisations.add(resource.person.organisation).add(resource.proposer.organisation);
      break;
    case 'LegalHold':
      resourceUid = uid('LegalHold', resource.id);
      entities.push(personEntity(resource.person), {
        uid: resourceUid,
        attrs: { person: ref('Person', resource.person.id), placer: ref('Staff', resource.placer.id) },
        parents: [],
      });
      if (resource.placer.id !== principal.id) entities.push(staffEntity(resource.placer));
      organisations.add(resource.person.organisation).add(resource.placer.organisation);
      break;
    case 'PersonRelease':
      resourceUid = uid('PersonRelease', `${resource.person.id}#release`);
      entities.push(personEntity(resource.person), {
        uid: resourceUid,
        attrs: {
          person: ref('Person', resource.person.id),
          countries: [...resource.countries],
          recipientKind: resource.recipient.kind,
          recipientActsFor: resource.recipient.actsFor,
        },
        parents: [],
      });
      organisations.add(resource.person.organisation);
      break;
    case 'PolicyChange':
      resourceUid = uid('PolicyChange', resource.id);
      entities.push({
        uid: resourceUid,
        attrs: { proposer: ref('Staff', resource.proposer.id) },
        parents: [],
      });
      if (resource.proposer.id !== principal.id) entities.push(staffEntity(resource.proposer));
      organisations.add(resource.proposer.organisation);
      break;
  }
  for (const id of organisations) entities.push({ uid: uid('Organisation', id), attrs: {}, parents: [] });
  return {
    principal: uid(principal.type, principal.id),
    action: { type: 'Haven::Action', id: request.action },
    resource: resourceUid,
    context: {
      purpose: {
        name: context.purpose.name,
        prohibited: context.purpose.prohibited,
        usable: context.purpose.usable,
        dpia: context.purpose.dpia,

        legalBases: [...context.purpose.legalBases],
      },
      basis: { state: context.basis.state, kind: context.basis.kind },
      assurance: context.assurance,
      breakGlass: context.breakGlass,
    },
    entities,
  };
}

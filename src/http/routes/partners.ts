import { Type } from 'typebox';
import type { PartnerKind } from '../../domain/sharing/agreements.ts';
import type { Haven } from '../../haven.ts';
import {
  addPartnerKey,
  createPartner,
  getPartner,
  listPartners,
  type PartnerContact,
  retirePartnerKey,
  type SharingActor,
  setPartnerState,
  updatePartner,
} from '../../sharing/partners.ts';
import { partnerOf, sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * Partners (issue 17): administrators and the DPO keep them — registering an organisation and its keys is
 * relationship and key management, and the DPO must be able to suspend a partner at once in a breach. Supervisors,
 * auditors and oversight read them. Adding a key lets a machine in: it needs a fresh re-authentication (ACC-4).
 */
const Country = Type.String({ pattern: '^[A-Z]{3}$' });
const Contact = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    role: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const Jwk = Type.Object({}, { additionalProperties: true, description: 'A public JWK (RFC 7517)' });
const PartnerKey = Type.Object({
  kid: Type.String(),
  use: Type.Union([Type.Literal('sig'), Type.Literal('enc')]),
  alg: Type.String(),
  jwk: Jwk,
  addedAt: Type.String(),
  retiredAt: Type.Union([Type.String(), Type.Null()]),
});
const Kind = Type.Union([
  Type.Literal('un-agency'),
  Type.Literal('ngo'),
  Type.Literal('service-provider'),
  Type.Literal('host-state-authority'),
  Type.Literal('origin-state-authority'),
]);
const PartnerBody = Type.Object(
  {
    id: Uuid,
    organisationId: Uuid,
    name: Type.String(),
    jurisdiction: Country,
    kind: Kind,
    actsForCountry: Type.Union([Country, Type.Null()]),
    contacts: Type.Array(Contact),
    webhookUrl: Type.Union([Type.String(), Type.Null()]),
    state: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
    suspensionReason: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    keys: Type.Array(PartnerKey),
  },
  { $id: 'Partner', description: 'A partner organisation with its public keys' },
);
const Editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  jurisdiction: Country,
  contacts: Type.Optional(Type.Array(Contact, { maxItems: 20 })),
  webhookUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
};
const Params = Type.Object({ id: Uuid });
const Reason = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000, ...MULTILINE }) },
  { additionalProperties: false },
);

export function partnerRoutes(app: HttpApp, haven: Haven): void {
  app.addSchema(PartnerBody);
  const readers = { kind: 'staff', roles: ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'] } as const;
  const keepers = { kind: 'staff', roles: ['dpo', 'admin'] } as const;
  const actorOf = (request: Parameters<typeof sessionOf>[0]): SharingActor => {
    const session = sessionOf(request);
    return { account: session.account.id, audit: staffActor(session) };
  };
  const org = (request: Parameters<typeof sessionOf>[0]) => sessionOf(request).account.organisationId;
  const one = { 200: Type.Ref('Partner'), ...errorResponses };

  app.get(
    '/api/partners',
    {
      config: { access: readers },
      schema: {
        tags: ['sharing'],
        summary: 'Partners of your organisation, with their keys',
        response: { 200: Type.Object({ partners: Type.Array(Type.Ref('Partner')) }), ...errorResponses },
      },
    },
    async (request) => ({ partners: await listPartners(haven.db, org(request)) }),
  );

  app.post(
    '/api/partners',
    {
      config: { access: keepers },
      schema: {
        tags: ['sharing'],
        summary: 'Register a partner: an authority names the state it acts for (actsForCountry, SHA-3)',
        body: Type.Object(
          {
            ...Editable,
            kind: Kind,
            actsForCountry: Type.Optional(Type.Union([Country, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Partner'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        name: string;
        jurisdiction: string;
        kind: PartnerKind;
        actsForCountry?: string | null;
        contacts?: PartnerContact[];
        webhookUrl?: string | null;
      };
      return reply.code(201).send(await createPartner(haven.db, org(request), body, actorOf(request)));
    },
  );

  app.get(
    '/api/partners/:id',
    {
      config: { access: readers },
      schema: { tags: ['sharing'], summary: 'One partner', params: Params, response: one },
    },
    async (request) => getPartner(haven.db, org(request), (request.params as { id: string }).id),
  );

  app.put(
    '/api/partners/:id',
    {
      config: { access: keepers },
      schema: {
        tags: ['sharing'],
        summary: 'Change a partner’s name, jurisdiction, contacts or webhook (its kind is fixed)',
        params: Params,
        body: Type.Object(Editable, { additionalProperties: false }),
        response: one,
      },
    },
    async (request) =>
      updatePartner(
        haven.db,
        org(request),
        (request.params as { id: string }).id,
        request.body as { name: string; jurisdiction: string; contacts?: PartnerContact[] },
        actorOf(request),
      ),
  );

  app.post(
    '/api/partners/:id/suspend',
    {
      config: { access: keepers },
      schema: {
        tags: ['sharing'],
        summary:
          'Suspend a partner: its tokens stop working and nothing is released to it, from the next request',
        params: Params,
        body: Reason,
        response: one,
      },
    },
    async (request) =>
      setPartnerState(
        haven.db,
        org(request),
        (request.params as { id: string }).id,
        { suspend: true, reason: (request.body as { reason: string }).reason },
        actorOf(request),
      ),
  );

  app.post(
    '/api/partners/:id/resume',
    {
      config: { access: keepers },
      schema: { tags: ['sharing'], summary: 'Resume a suspended partner', params: Params, response: one },
    },
    async (request) =>
      setPartnerState(
        haven.db,
        org(request),
        (request.params as { id: string }).id,
        { suspend: false },
        actorOf(request),
      ),
  );

  app.post(
    '/api/partners/:id/keys',
    {
      config: { access: { ...keepers, reauth: true } },
      schema: {
        tags: ['sharing'],
        summary:
          'Add a public key (JWK): sig for client assertions, enc for releases. Rotate by adding the new key, then retiring the old',
        params: Params,
        body: Type.Object(
          { use: Type.Union([Type.Literal('sig'), Type.Literal('enc')]), jwk: Jwk },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('Partner'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as { use: 'sig' | 'enc'; jwk: Record<string, unknown> };
      const saved = await addPartnerKey(
        haven.db,
        org(request),
        (request.params as { id: string }).id,
        body,
        actorOf(request),
      );
      return reply.code(201).send(saved);
    },
  );

  app.post(
    '/api/partners/:id/keys/:kid/retire',
    {
      config: { access: keepers },
      schema: {
        tags: ['sharing'],
        summary: 'Retire a key: assertions signed with it and tokens it obtained stop working at once',
        params: Type.Object({ id: Uuid, kid: Type.String({ pattern: '^[A-Za-z0-9._:~-]{1,128}$' }) }),
        response: one,
      },
    },
    async (request) => {
      const { id, kid } = request.params as { id: string; kid: string };
      return retirePartnerKey(haven.db, org(request), id, kid, actorOf(request));
    },
  );

  app.get(
    '/api/partner/whoami',
    {
      config: { access: { kind: 'partner' } },
      schema: {
        tags: ['partner'],
        summary: 'The partner your access token was given to (to test authentication)',
        response: {
          200: Type.Object({
            partnerId: Uuid,
            organisationId: Uuid,
            kind: Kind,
            actsForCountry: Type.Union([Country, Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => partnerOf(request),
  );
}

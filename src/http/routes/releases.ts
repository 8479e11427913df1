import { Type } from 'typebox';
import type { SearchCriteria } from '../../crypto/blind-index/person-tokens.ts';
import type { Haven } from '../../haven.ts';
import { releaseUnderAgreement } from '../../sharing/releases.ts';
import { QuestionLimit, verifyForPartner } from '../../sharing/verification.ts';
import { gateRequest, partnerGateRequest } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * Releases to partners (SHA-2): pushed by a supervisor or the DPO, or asked for by the partner's client; fetched
 * by the partner as a JWE it alone can open, holding Haven's signature. Haven's public signing key is published.
 */
const Pseudonym = Type.String({ pattern: '^p-[a-z2-7]{26}$' });
const Summary = Type.Object({
  id: Uuid,
  agreementId: Uuid,
  partnerId: Uuid,
  records: Type.Integer(),
  refused: Type.Integer(),
  fieldGroups: Type.Array(Type.String()),
  expiresAt: Type.String({ format: 'date-time' }),
  digest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});
const StaffSummary = Type.Object({
  ...Summary.properties,
  refusals: Type.Array(Type.Object({ personId: Uuid, reason: Type.String() })),
});
const PartnerSummary = Type.Object({
  ...Summary.properties,
  refusedPseudonyms: Type.Array(Type.Object({ pseudonym: Type.String(), code: Type.String() })),
  fetch: Type.String({ description: 'Where to fetch the release (GET, with a token)' }),
});

export function releaseRoutes(app: HttpApp, haven: Haven): void {
  app.post(
    '/api/agreements/:id/releases',
    {
      config: { access: { kind: 'staff', roles: ['supervisor', 'dpo'] } },
      schema: {
        tags: ['sharing'],
        summary:
          'Push records of these people to the agreement’s partner: only the agreed fields, only people whose legal basis covers its purposes, never to the authorities of their own state (SHA-2, SHA-3)',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { personIds: Type.Array(Uuid, { minItems: 1, maxItems: 5000 }) },
          { additionalProperties: false },
        ),
        response: { 201: StaffSummary, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const summary = await releaseUnderAgreement(haven.db, haven.gate, gateRequest(request), {
        agreementId: id,
        selection: { personIds: (request.body as { personIds: string[] }).personIds },
        now: haven.clock.now(),
      });
      const { refusedPseudonyms: _none, ...shown } = summary;
      return reply.code(201).send(shown);
    },
  );

  app.get(
    '/api/agreements/:id/releases',
    {
      config: { access: { kind: 'staff', roles: ['supervisor', 'dpo', 'admin', 'auditor', 'oversight'] } },
      schema: {
        tags: ['sharing'],
        summary:
          'What went out under this agreement: when, how many people and refusals, fetched how often — never who',
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            releases: Type.Array(
              Type.Object({
                id: Uuid,
                releasedAt: Type.String({ format: 'date-time' }),
                people: Type.Integer(),
                refused: Type.Integer(),
                requestedBy: Type.String({ enum: ['partner', 'staff'] }),
                fieldGroups: Type.Array(Type.String()),
                downloads: Type.Integer(),
                expiresAt: Type.String({ format: 'date-time' }),
                digest: Type.String(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      releases: await haven.gate.listAgreementReleases(
        gateRequest(request),
        (request.params as { id: string }).id,
      ),
    }),
  );

  app.post(
    '/api/partner/releases',
    {
      config: { access: { kind: 'partner' } },
      schema: {
        tags: ['partner'],
        summary:
          'Ask for records under one of your agreements: the people you name by pseudonym, or everyone the agreement covers; a person whose consent was withdrawn is refused with consent_withdrawn',
        body: Type.Object(
          {
            agreementId: Uuid,
            pseudonyms: Type.Optional(Type.Array(Pseudonym, { minItems: 1, maxItems: 5000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: PartnerSummary, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as { agreementId: string; pseudonyms?: string[] };
      const gateRequestOf = partnerGateRequest(request);
      const partnerId = gateRequestOf.actor.kind === 'partner' ? gateRequestOf.actor.partnerId : '';
      const summary = await releaseUnderAgreement(haven.db, haven.gate, gateRequestOf, {
        agreementId: body.agreementId,
        partnerId,
        selection: body.pseudonyms ? { pseudonyms: body.pseudonyms } : { all: true },
        now: haven.clock.now(),
      });
      // Staff learn which of their people were refused; a partner only of the pseudonyms it asked about.
      const { refusals: _internal, ...shown } = summary;
      return reply.code(201).send({ ...shown, fetch: `/api/partner/releases/${summary.id}` });
    },
  );

  app.get(
    '/api/partner/releases/:id',
    {
      config: { access: { kind: 'partner' } },
      schema: {
        tags: ['partner'],
        summary:
          'Fetch a release: a JWE (compact) encrypted to your key, holding a JWS signed by Haven; 24 hours, 3 fetches',
        params: Type.Object({ id: Uuid }),
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { envelope, downloadsLeft } = await haven.gate.fetchRelease(
        partnerGateRequest(request),
        (request.params as { id: string }).id,
      );
      return reply
        .type('application/jose; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-haven-fetches-left', String(downloadsLeft))
        .send(envelope);
    },
  );

  app.get(
    '/api/partner/keys',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['partner'],
        summary: 'Haven’s public key that signs releases and answers (JWKS, RFC 7517)',
        response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.String())) }) },
      },
    },
    async () => ({ keys: [haven.releaseKey] }),
  );
}

/** SHA-4: a yes or no about a person the partner already knows, signed by Haven, with no data. */
export function verificationRoutes(app: HttpApp, haven: Haven): void {
  const limit = new QuestionLimit();
  app.post(
    '/api/partner/verify',
    {
      config: { access: { kind: 'partner' } },
      schema: {
        tags: ['partner'],
        summary:
          'Is the person you describe registered and covered by this agreement? A signed yes or no for 5 minutes, with no data; at least two attributes, one a document or phone number; 30 questions a minute',
        body: Type.Object(
          {
            agreementId: Uuid,
            documentNumber: Type.Optional(Type.String({ maxLength: 64 })),
            phone: Type.Optional(Type.String({ maxLength: 32 })),
            dateOfBirth: Type.Optional(Type.String({ pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$' })),
            name: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            answer: Type.Boolean(),
            assertion: Type.String({
              description: 'JWS (EdDSA) signed by Haven: verify with GET /api/partner/keys',
            }),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { agreementId, ...question } = request.body as { agreementId: string } & SearchCriteria;
      const gateRequestOf = partnerGateRequest(request);
      return verifyForPartner(haven.db, haven.gate, limit, gateRequestOf, {
        agreementId,
        partnerId: gateRequestOf.actor.kind === 'partner' ? gateRequestOf.actor.partnerId : '',
        question,
        now: haven.clock.now(),
      });
    },
  );
}

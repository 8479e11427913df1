import { Type } from 'typebox';
import type { Gate } from '../../gate/service.ts';
import type { Haven } from '../../haven.ts';
import { gateRequest, purposeHeaderSchema } from '../gate-request.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, MULTILINE, Uuid } from '../schemas.ts';

/**
 * The person API (PUR-1, ACC-1, ACC-9): every call goes through the gate with the purpose declared in the
 * X-Haven-Purpose header. Responses hold only what the policies allowed, and list what was withheld and why.
 */
// Line breaks pass the text guard here; the dictionary allows them only in fields of type text (MIN-1).
const Values = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(MULTILINE), {
  description: 'Field values by data-dictionary field name (see GET /api/dictionary).',
});
const GroupData = Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
  description: 'Permitted field groups and their fields.',
});
const WithheldList = Type.Array(Type.Ref('Withheld'));

export const BasisBody = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('consent'),
        noticeVersion: Type.String({
          maxLength: 40,
          description:
            'The version of the purpose’s privacy notice read to the person (GET /api/notices/{purpose})',
        }),
        noticeLanguage: Type.String({
          maxLength: 20,
          description:
            'BCP 47 tag of the language it was read in, kept as given (e.g. so, read aloud by an interpreter)',
        }),
        method: Type.Union([
          Type.Literal('written'),
          Type.Literal('oral-with-witness'),
          Type.Literal('guardian'),
        ]),
        witnessAccountId: Type.Optional(Uuid),
        guardianRelationship: Type.Optional(Type.String({ maxLength: 40 })),
        expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Union([
          Type.Literal('vital-interest'),
          Type.Literal('public-interest'),
          Type.Literal('legitimate-interest'),
          Type.Literal('legal-obligation'),
        ]),
        justification: Type.String({ minLength: 1, maxLength: 4000, ...MULTILINE }),
        expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
      },
      { additionalProperties: false },
    ),
  ],
  {
    $id: 'Basis',
    description:
      'Consent with its notice and method, or another legal basis with its justification (PUR-3, PUR-5).',
  },
);

const IdParams = Type.Object({ id: Uuid });

export function personRoutes(app: HttpApp, haven: Haven): void {
  app.addSchema(BasisBody);

  app.post(
    '/api/persons',
    {
      schema: {
        tags: ['persons'],
        summary: 'Register a person for the declared purpose, with consent or another legal basis',
        description:
          'Only fields of the purpose’s data set are accepted (MIN-2); the basis is recorded in the same transaction.',
        headers: purposeHeaderSchema,
        body: Type.Object({ values: Values, basis: Type.Ref('Basis') }, { additionalProperties: false }),
        response: {
          201: Type.Object({ id: Uuid, version: Type.Integer(), fieldGroups: Type.Array(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        values: Record<string, unknown>;
        basis: Parameters<Gate['registerPerson']>[1]['basis'];
      };
      const registered = await haven.gate.registerPerson(gateRequest(request), body);
      return reply
        .code(201)
        .send({ id: registered.id, version: registered.version, fieldGroups: registered.fieldGroups });
    },
  );

  app.get(
    '/api/persons/:id',
    {
      schema: {
        tags: ['persons'],
        summary:
          'Read a person: the field groups the declared purpose and your role allow, and why the rest is withheld',
        headers: purposeHeaderSchema,
        params: IdParams,
        querystring: Type.Object(
          {
            groups: Type.Optional(
              Type.String({ pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$', description: 'Only these field groups' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            id: Uuid,
            version: Type.Integer(),
            createdAt: Type.String({ format: 'date-time' }),
            updatedAt: Type.String({ format: 'date-time' }),
            purpose: Type.String(),
            data: GroupData,
            withheld: WithheldList,
            breakGlass: Type.Boolean(),
            restricted: Type.Boolean({
              description:
                'Processing is restricted (GDPR 18): use the data only for the person’s rights or legal claims',
            }),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { groups } = request.query as { groups?: string };
      return haven.gate.readPerson(gateRequest(request), id, groups ? { groups: groups.split(',') } : {});
    },
  );

  app.post(
    '/api/persons/search',
    {
      schema: {
        tags: ['persons'],
        summary: 'Find people by name (either script), date of birth, phone or document number',
        description:
          'Exact search on blind indexes (ENC-3); `similar` adds cross-script and spelling variants of names.',
        headers: purposeHeaderSchema,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            dateOfBirth: Type.Optional(Type.String({ maxLength: 20 })),
            phone: Type.Optional(Type.String({ maxLength: 40 })),
            documentNumber: Type.Optional(Type.String({ maxLength: 60 })),
            similar: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            matches: Type.Array(
              Type.Object({
                id: Uuid,
                match: Type.Union([Type.Literal('exact'), Type.Literal('similar')]),
                data: GroupData,
                withheld: WithheldList,
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      matches: await haven.gate.searchPersons(
        gateRequest(request),
        request.body as Parameters<Gate['searchPersons']>[1],
      ),
    }),
  );

  app.patch(
    '/api/persons/:id',
    {
      schema: {
        tags: ['persons'],
        summary: 'Add information that is not recorded yet; changing a recorded value needs a correction',
        headers: purposeHeaderSchema,
        params: IdParams,
        body: Type.Object(
          {
            values: Values,
            version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ id: Uuid, version: Type.Integer(), fieldGroups: Type.Array(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as { values: Record<string, unknown>; version?: number };
      return haven.gate.updatePerson(gateRequest(request), id, body.values, body.version);
    },
  );
}

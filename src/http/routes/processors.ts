import { Type } from 'typebox';
import { listProcessors, type ProcessorInput, saveProcessor } from '../../governance/processors.ts';
import type { Haven } from '../../haven.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses, Uuid } from '../schemas.ts';

/**
 * The processor register (GOV-3): the DPO and administrators keep it; auditors and oversight read it. A processor
 * whose contract or data processing agreement has lapsed carries its problems here, on the DPO's work list and
 * on the public record of processing.
 */
const Day = Type.Union([Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), Type.Null()]);
const Code = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });
const ProcessorFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  service: Type.String({ minLength: 1, maxLength: 500 }),
  parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  categories: Type.Array(Code, { maxItems: 100 }),
  purposes: Type.Array(Code, { maxItems: 100 }),
  locations: Type.Array(Type.String({ pattern: '^[A-Z]{3}$' }), { maxItems: 100 }),
  transferSafeguard: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  contractSigned: Type.Optional(Day),
  contractExpires: Type.Optional(Day),
  dpaSigned: Type.Optional(Day),
  dpaExpires: Type.Optional(Day),
  lastAudit: Type.Optional(Day),
  nextAudit: Type.Optional(Day),
  endedOn: Type.Optional(Day),
};
const ProcessorBody = Type.Object(
  {
    id: Uuid,
    ...ProcessorFields,
    parentId: Type.Union([Uuid, Type.Null()]),
    transferSafeguard: Type.Union([Type.String(), Type.Null()]),
    contractSigned: Day,
    contractExpires: Day,
    dpaSigned: Day,
    dpaExpires: Day,
    lastAudit: Day,
    nextAudit: Day,
    endedOn: Day,
    problems: Type.Array(Type.String(), {
      description: 'contract-lapsed, dpa-missing, dpa-lapsed or audit-overdue, as of today',
    }),
    updatedAt: Type.String(),
  },
  { $id: 'Processor' },
);
const Input = Type.Object(ProcessorFields, { additionalProperties: false });

export function processorRoutes(app: HttpApp, haven: Haven): void {
  app.addSchema(ProcessorBody);
  const keepers = { kind: 'staff', roles: ['dpo', 'admin'] } as const;

  app.get(
    '/api/processors',
    {
      config: { access: { kind: 'staff', roles: ['dpo', 'admin', 'auditor', 'oversight'] } },
      schema: {
        tags: ['processors'],
        summary: 'Processors and sub-processors of your organisation, with what needs attention today',
        response: { 200: Type.Object({ processors: Type.Array(Type.Ref('Processor')) }), ...errorResponses },
      },
    },
    async (request) => ({
      processors: await listProcessors(
        haven.db,
        sessionOf(request).account.organisationId,
        haven.clock.now(),
      ),
    }),
  );

  app.post(
    '/api/processors',
    {
      config: { access: keepers },
      schema: {
        tags: ['processors'],
        summary: 'Add a processor or sub-processor',
        body: Input,
        response: { 201: Type.Ref('Processor'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const saved = await saveProcessor(
        haven.db,
        haven.dictionary,
        session.account.organisationId,
        request.body as ProcessorInput,
        staffActor(session),
        haven.clock.now(),
      );
      return reply.code(201).send(saved);
    },
  );

  app.put(
    '/api/processors/:id',
    {
      config: { access: keepers },
      schema: {
        tags: ['processors'],
        summary: 'Change a processor: new dates, places, purposes, or the day it stopped',
        params: Type.Object({ id: Uuid }),
        body: Input,
        response: { 200: Type.Ref('Processor'), ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return saveProcessor(
        haven.db,
        haven.dictionary,
        session.account.organisationId,
        request.body as ProcessorInput,
        staffActor(session),
        haven.clock.now(),
        (request.params as { id: string }).id,
      );
    },
  );
}

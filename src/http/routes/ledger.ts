import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import type { Haven } from '../../haven.ts';
import {
  acceptCosignature,
  checkpointAt,
  latestCheckpoint,
  listWitnesses,
  noteWithCosignatures,
  registerWitness,
  signCheckpoint,
} from '../../ledger/checkpoints.ts';
import { exportEntries } from '../../ledger/export.ts';
import { consistencyProof, inclusionProof, leafHashAt, treeHead } from '../../ledger/tree-store.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses } from '../schemas.ts';

/**
 * The audit ledger over HTTP (AUD-2 – AUD-4). The checkpoint and the verifier key are public; proofs and the
 * export are for auditors (and witnesses, for consistency proofs); registering witnesses is for admins.
 */
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Proof = Type.Array(Type.String({ description: 'base64 SHA-256 hash' }));

export function ledgerRoutes(app: HttpApp, haven: Haven): void {
  // Oversight reads the ledger too (GOV-4): it holds who did what under which purpose, never a person's data.
  const auditors = ['auditor', 'dpo', 'admin', 'oversight'] as const;

  app.get(
    '/api/ledger/checkpoint',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['ledger'],
        summary: 'The latest signed checkpoint (C2SP signed note) with witness cosignatures',
        description: 'text/plain. Verify it with the key from /api/ledger/key, obtained out of band.',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const checkpoint = (await latestCheckpoint(haven.db)) ?? (await signCheckpoint(haven.db, haven.ledger));
      return reply.type('text/plain; charset=utf-8').send(await noteWithCosignatures(haven.db, checkpoint));
    },
  );

  app.get(
    '/api/ledger/checkpoints/:size',
    {
      config: { access: { kind: 'witness', roles: auditors } },
      schema: {
        tags: ['ledger'],
        summary: 'An earlier signed checkpoint, by tree size, with its cosignatures',
        params: Type.Object({ size: Count }),
        produces: ['text/plain'],
      },
    },
    async (request, reply) => {
      const { size } = request.params as { size: number };
      const checkpoint = await checkpointAt(haven.db, size);
      if (!checkpoint)
        throw new HavenError('checkpoint-not-found', 'Haven signed no checkpoint of that size.', {
          status: 404,
        });
      return reply.type('text/plain; charset=utf-8').send(await noteWithCosignatures(haven.db, checkpoint));
    },
  );

  app.get(
    '/api/ledger/key',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['ledger'],
        summary: 'The ledger’s verifier key (signed-note format)',
        response: { 200: Type.Object({ origin: Type.String(), verifierKey: Type.String() }) },
      },
    },
    async () => ({ origin: haven.ledger.origin, verifierKey: haven.ledger.verifierKey }),
  );

  app.post(
    '/api/ledger/checkpoints',
    {
      config: { access: { kind: 'staff', roles: auditors } },
      schema: {
        tags: ['ledger'],
        summary: 'Sign a checkpoint of the ledger now and publish it outside the instance',
        description:
          'The checkpoint goes to HAVEN_CHECKPOINT_PUBLISH with its consistency proof, as the timed ones do. ' +
          'If publishing fails the checkpoint stays signed, the failure is logged, and the next one carries the proof.',
        response: { 200: Type.Object({ size: Count, note: Type.String() }), ...errorResponses },
      },
    },
    async () => {
      const checkpoint = await signCheckpoint(haven.db, haven.ledger);
      // AUD-4: a checkpoint kept only inside the instance proves nothing to an auditor.
      await haven.checkpoints.publishLatest(haven.db).catch((error: unknown) => {
        haven.logger.error({ err: error }, 'ledger checkpoint not published');
      });
      return { size: checkpoint.size, note: checkpoint.note };
    },
  );

  app.get(
    '/api/ledger/proofs/inclusion',
    {
      config: { access: { kind: 'staff', roles: auditors } },
      schema: {
        tags: ['ledger'],
        summary: 'RFC 9162 inclusion proof of the entry at `index` in the tree of `size` entries',
        querystring: Type.Object({ index: Count, size: Count }, { additionalProperties: false }),
        response: {
          200: Type.Object({ index: Count, treeSize: Count, leafHash: Type.String(), proof: Proof }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { index, size } = request.query as { index: number; size: number };
      const proof = await inclusionProof(haven.db, index, size);
      const leaf = await leafHashAt(haven.db, index);
      return {
        index,
        treeSize: size,
        leafHash: leaf.toString('base64'),
        proof: proof.map((p) => p.toString('base64')),
      };
    },
  );

  app.get(
    '/api/ledger/proofs/consistency',
    {
      config: { access: { kind: 'witness', roles: auditors } },
      schema: {
        tags: ['ledger'],
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: Type.Object({ from: Count, to: Count }, { additionalProperties: false }),
        response: { 200: Type.Object({ from: Count, to: Count, proof: Proof }), ...errorResponses },
      },
    },
    async (request) => {
      const { from, to } = request.query as { from: number; to: number };
      const proof = await consistencyProof(haven.db, from, to);
      return { from, to, proof: proof.map((p) => p.toString('base64')) };
    },
  );

  app.get(
    '/api/ledger/entries',
    {
      config: { access: { kind: 'staff', roles: auditors } },
      schema: {
        tags: ['ledger'],
        summary: 'Export ledger entries [from, to) as NDJSON, for `haven ledger verify`',
        description:
          'Each line: {"index", "leafHash" (base64, as stored in the tree), "event"}. `to` defaults to the tree size.',
        querystring: Type.Object(
          { from: Type.Optional(Count), to: Type.Optional(Count) },
          { additionalProperties: false },
        ),
        produces: ['application/x-ndjson'],
      },
    },
    async (request, reply) => {
      const query = request.query as { from?: number; to?: number };
      const head = await treeHead(haven.db);
      const from = query.from ?? 0;
      const to = Math.min(query.to ?? head.size, head.size);
      if (from > to)
        throw new HavenError('proof-out-of-range', '`from` must not exceed `to`.', { status: 422 });
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('x-ledger-tree-size', String(head.size))
        .send(Readable.from(exportEntries(haven.db, from, to)));
    },
  );

  app.get(
    '/api/ledger/witnesses',
    {
      config: { access: { kind: 'staff', roles: auditors } },
      schema: {
        tags: ['ledger'],
        summary: 'Registered witnesses and the last checkpoint each cosigned',
        response: {
          200: Type.Object({
            witnesses: Type.Array(
              Type.Object({
                name: Type.String(),
                verifierKey: Type.String(),
                addedAt: Type.String({ format: 'date-time' }),
                lastCosignedSize: Type.Union([Count, Type.Null()]),
                lastCosignedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async () => ({
      witnesses: (await listWitnesses(haven.db)).map((w) => ({
        ...w,
        addedAt: w.addedAt.toISOString(),
        lastCosignedAt: w.lastCosignedAt?.toISOString() ?? null,
      })),
    }),
  );

  app.post(
    '/api/ledger/witnesses',
    {
      config: { access: { kind: 'staff', roles: ['admin'], reauth: true } },
      schema: {
        tags: ['ledger'],
        summary: 'Register a witness by its verifier key; returns its access token once',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            verifierKey: Type.String({ minLength: 10, maxLength: 300 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as { name: string; verifierKey: string };
      const result = await registerWitness(haven.db, body, staffActor(sessionOf(request)));
      return reply.code(201).send(result);
    },
  );

  app.post(
    '/api/ledger/cosignatures',
    {
      config: { access: { kind: 'witness', roles: [] } },
      schema: {
        tags: ['ledger'],
        summary: 'A witness returns its cosignature of a checkpoint (C2SP tlog-cosignature)',
        body: Type.Object(
          { size: Count, cosignature: Type.String({ minLength: 10, maxLength: 500 }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ cosignedAt: Type.String({ format: 'date-time' }) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const witness = request.witness;
      if (!witness)
        throw new HavenError('witness-token-invalid', 'Only a registered witness may cosign.', {
          status: 401,
        });
      const body = request.body as { size: number; cosignature: string };
      const { cosignedAt } = await acceptCosignature(haven.db, witness, body.size, body.cosignature);
      return reply.code(201).send({ cosignedAt: cosignedAt.toISOString() });
    },
  );
}

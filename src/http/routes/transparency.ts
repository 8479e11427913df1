import { Type } from 'typebox';
import { listOrganisations, organisationProfile } from '../../governance/organisation-profile.ts';
import { publishedRecord, recordVersion, recordVersions } from '../../governance/record-of-processing.ts';
import type { Haven } from '../../haven.ts';
import type { HttpApp } from '../http-app.ts';
import { errorResponses } from '../schemas.ts';

/**
 * The public record of processing (GOV-1), without sign-in: generated from the registers each time it is read,
 * published as a new dated version whenever it differs from the last, every version kept. The web page
 * /transparency shows it in the six languages; these routes are its JSON version.
 */
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Published = Type.Object(
  {
    version: Type.Integer(),
    publishedAt: Type.String({ format: 'date-time' }),
    sha256: Type.String(),
    record: Type.Object({}, { additionalProperties: true }),
  },
  { description: 'The record of processing activities (GDPR 30(1)(a)–(g)) as published' },
);

export function transparencyRoutes(app: HttpApp, haven: Haven): void {
  const open = { access: { kind: 'public' } } as const;

  app.get(
    '/api/public/organisations',
    {
      config: open,
      schema: {
        tags: ['transparency'],
        summary: 'The organisations on this Haven (controllers), for the public pages',
        response: {
          200: Type.Object({
            organisations: Type.Array(Type.Object({ slug: Type.String(), name: Type.String() })),
          }),
        },
      },
    },
    async () => ({
      organisations: (await listOrganisations(haven.db)).map((o) => ({ slug: o.slug, name: o.name })),
    }),
  );

  app.get(
    '/api/public/record-of-processing/:organisation',
    {
      config: open,
      schema: {
        tags: ['transparency'],
        summary: 'The current record of processing of an organisation (published now if it changed)',
        params: Type.Object({ organisation: Slug }),
        response: { 200: Published, ...errorResponses },
      },
    },
    async (request) => {
      const org = await organisationProfile(
        haven.db,
        (request.params as { organisation: string }).organisation,
      );
      return publishedRecord(
        haven.db,
        org.id,
        {
          dictionary: haven.dictionary,
          states: await haven.gate.purposes.states(),
          policies: haven.gate.policies(),
        },
        haven.clock.now(),
      );
    },
  );

  app.get(
    '/api/public/record-of-processing/:organisation/versions',
    {
      config: open,
      schema: {
        tags: ['transparency'],
        summary: 'Every published version of the record, newest first, dated',
        params: Type.Object({ organisation: Slug }),
        response: {
          200: Type.Object({
            versions: Type.Array(
              Type.Object({ version: Type.Integer(), publishedAt: Type.String(), sha256: Type.String() }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const org = await organisationProfile(
        haven.db,
        (request.params as { organisation: string }).organisation,
      );
      return { versions: await recordVersions(haven.db, org.id) };
    },
  );

  app.get(
    '/api/public/record-of-processing/:organisation/versions/:version',
    {
      config: open,
      schema: {
        tags: ['transparency'],
        summary: 'One published version of the record, as it was published',
        params: Type.Object({
          organisation: Slug,
          version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
        }),
        response: { 200: Published, ...errorResponses },
      },
    },
    async (request) => {
      const { organisation, version } = request.params as { organisation: string; version: number };
      const org = await organisationProfile(haven.db, organisation);
      return recordVersion(haven.db, org.id, version);
    },
  );
}

import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const HAVEN_VERSION = version;

/** The OpenAPI 3 document's frame; paths and schemas come from the routes' own validation schemas. */
export function openApiInfo(origin: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Haven API',
      version,
      description: [
        'Registry and case management that enforces data protection on every access.',
        '',
        'Sign in with `POST /api/auth/sign-in`, then complete a second factor. The session cookie is HttpOnly and',
        'SameSite=Strict; every state-changing request must also send the `x-csrf-token` header from the session.',
        'Every error has the same body: `code` (stable), `message`, `requestId`, and `reason` for denials.',
      ].join('\n'),
      license: { name: 'AGPL-3.0-or-later' },
    },
    servers: [{ url: origin }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey' as const, in: 'cookie' as const, name: 'haven_session' },
        personSession: {
          type: 'apiKey' as const,
          in: 'cookie' as const,
          name: 'haven_me',
          description: 'A registered person signed in to their portal with card code and PIN',
        },
        csrf: { type: 'apiKey' as const, in: 'header' as const, name: 'x-csrf-token' },
        partnerToken: {
          type: 'oauth2' as const,
          description:
            'A partner’s machine client: client credentials with a signed JWT assertion (RFC 7523, private_key_jwt); see docs/partners.md',
          flows: { clientCredentials: { tokenUrl: `${origin}/oauth/token`, scopes: {} } },
        },
      },
    },
    security: [{ session: [], csrf: [] }],
    tags: [
      { name: 'operations', description: 'Health and readiness' },
      { name: 'set-up', description: 'First administrator' },
      { name: 'sign-in', description: 'Password, second factor, sessions (ACC-3, ACC-4, ACC-5)' },
      { name: 'account', description: 'Your own second factors' },
      {
        name: 'portal',
        description:
          'The person portal: a registered person, signed in with card and PIN, sees and acts on their own record (RIG, AUD-5, PUR-4)',
      },
      { name: 'administration', description: 'Staff accounts of your organisation' },
      {
        name: 'ledger',
        description: 'Tamper-evident audit ledger: checkpoints, proofs, export, witnesses (AUD-2 – AUD-4)',
      },
      { name: 'dpias', description: 'Impact assessments that gate their purposes (GOV-2, PUR-6)' },
      {
        name: 'incidents',
        description: 'The incident register and the 72-hour clock; drills (BRE-1, BRE-2)',
      },

      { name: 'policies', description: 'Access policy versions, their impact, two-person approval (ACC-2)' },
      { name: 'processors', description: 'Processors and sub-processors with contract status (GOV-3)' },
      { name: 'concerns', description: 'Anonymous concerns to the DPO and oversight (GOV-4)' },
      { name: 'oversight', description: 'Work lists, break-glass overview, organisation profile' },
      { name: 'transparency', description: 'The public record of processing (GOV-1), no sign-in' },
      { name: 'rights', description: 'Rights requests of the person, with their deadlines (RIG-1 – RIG-5)' },
      {
        name: 'sharing',
        description: 'Partners, their keys, and data-sharing agreements (SHA-1, SHA-3, ACC-6)',
      },
      {
        name: 'partner',
        description:
          'For partners’ machine clients: the token endpoint and routes called with its bearer token',
      },
      {
        name: 'retention',
        description: 'Legal holds that suspend erasure, approved by a second person (RET-1)',
      },
      {
        name: 'access reviews',
        description:
          'Access recertification (ACC-7): grants and their review dates, campaigns, training, dormant accounts',
      },
      {
        name: 'monitoring',
        description:
          'Anomaly detection over the ledger (AUD-6): alerts with evidence, thresholds, the share of accesses explained',
      },
    ],
  };
}

import { Type } from 'typebox';
import { HavenError } from '../../domain/errors.ts';
import type { Haven } from '../../haven.ts';
import {
  type Account,
  changeAccount,
  createAccount,
  getAccount,
  listAccounts,
} from '../../identity/accounts.ts';
import { resetSecondFactors } from '../../identity/second-factor.ts';
import { sessionOf, staffActor } from '../access.ts';
import type { HttpApp } from '../http-app.ts';
import { Email, errorResponses, Password, Role, Tier, Uuid } from '../schemas.ts';

export const AccountBody = Type.Object(
  {
    id: Uuid,
    organisationId: Uuid,
    email: Type.String(),
    role: Role,
    tier: Tier,
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
    disabledReason: Type.Union(
      [
        Type.Literal('administrator'),
        Type.Literal('dormant'),
        Type.Literal('lapsed'),
        Type.Literal('suspended'),
        Type.Null(),
      ],
      { description: 'Why it is disabled (ACC-7: dormant or lapsed accounts need a review before enabling)' },
    ),
    locked: Type.Boolean(),
    totpEnrolled: Type.Boolean(),
    passkeys: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    lastSignInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Account' },
);

function present(account: Account) {
  return {
    ...account,
    createdAt: account.createdAt.toISOString(),
    lastSignInAt: account.lastSignInAt?.toISOString() ?? null,
  };
}

const IdParams = Type.Object({ id: Uuid });

/** Staff administration within the admin's own organisation (ACC-1, ACC-4, ACC-5). */
export function adminRoutes(app: HttpApp, haven: Haven): void {
  const admin = { kind: 'staff', roles: ['admin'] } as const;
  const adminReauth = { kind: 'staff', roles: ['admin'], reauth: true } as const;

  app.get(
    '/api/admin/accounts',
    {
      config: { access: admin },
      schema: {
        tags: ['administration'],
        summary: 'Staff accounts of your organisation',
        response: { 200: Type.Object({ accounts: Type.Array(AccountBody) }), ...errorResponses },
      },
    },
    async (request) => ({
      accounts: (await listAccounts(haven.db, sessionOf(request).account.organisationId)).map(present),
    }),
  );

  // Colleagues to name as a consent witness or to put a person in a caseload: active accounts of the caller's
  // organisation, with no more than an id, an email and a role.
  app.get(
    '/api/staff',
    {
      config: { access: { kind: 'staff', roles: ['clerk', 'caseworker', 'supervisor', 'dpo'] } },
      schema: {
        tags: ['administration'],
        summary: 'Active colleagues in your organisation (for witnesses and caseload assignment)',
        querystring: Type.Object({ role: Type.Optional(Role) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            staff: Type.Array(Type.Object({ id: Uuid, email: Type.String(), role: Role })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { role } = request.query as { role?: string };
      const accounts = await listAccounts(haven.db, sessionOf(request).account.organisationId);
      return {
        staff: accounts
          .filter((a) => a.status === 'active' && (role === undefined || a.role === role))
          .map((a) => ({ id: a.id, email: a.email, role: a.role })),
      };
    },
  );

  app.post(
    '/api/admin/accounts',
    {
      config: { access: adminReauth },
      schema: {
        tags: ['administration'],
        summary: 'Create a staff account in your organisation',
        description:
          'Returns a one-time enrolment code the new staff member needs with the password at first sign-in, or with enrolTotp an otpauth:// URI.',
        body: Type.Object(
          {
            email: Email,
            role: Role,
            tier: Type.Optional(Tier),
            password: Password,
            enrolTotp: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            account: AccountBody,
            enrolmentCode: Type.Optional(Type.String()),
            totpUri: Type.Optional(Type.String()),
            recoveryCodes: Type.Optional(Type.Array(Type.String())),
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const body = request.body as {
        email: string;
        role: string;
        tier?: number;
        password: string;
        enrolTotp?: boolean;
      };
      const created = await haven.db.transaction((tx) =>
        createAccount(
          haven.identity,
          tx,
          { ...body, organisationId: session.account.organisationId },
          staffActor(session),
        ),
      );
      return reply.code(201).send({ ...created, account: present(created.account) });
    },
  );

  app.get(
    '/api/admin/accounts/:id',
    {
      config: { access: admin },
      schema: {
        tags: ['administration'],
        summary: 'One staff account',
        params: IdParams,
        response: { 200: AccountBody, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const account = await getAccount(haven.db, id);
      if (!account || account.organisationId !== sessionOf(request).account.organisationId) {
        throw new HavenError('account-not-found', 'No account with that id in your organisation.', {
          status: 404,
        });
      }
      return present(account);
    },
  );

  app.patch(
    '/api/admin/accounts/:id',
    {
      config: { access: adminReauth },
      schema: {
        tags: ['administration'],
        summary: 'Change role, tier or status; disabling ends the account’s sessions at once',
        params: IdParams,
        body: Type.Object(
          {
            role: Type.Optional(Role),
            tier: Type.Optional(Tier),
            status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: AccountBody, ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { id } = request.params as { id: string };
      const change = request.body as { role?: string; tier?: number; status?: 'active' | 'disabled' };
      const account = await haven.db.transaction((tx) =>
        changeAccount(tx, id, change, staffActor(session), session.account.organisationId),
      );
      return present(account);
    },
  );

  app.post(
    '/api/admin/accounts/:id/unlock',
    {
      config: { access: admin },
      schema: {
        tags: ['administration'],
        summary: 'Unlock an account locked after failed sign-ins (ACC-5)',
        params: IdParams,
        response: { 200: AccountBody, ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { id } = request.params as { id: string };
      const account = await haven.db.transaction((tx) =>
        changeAccount(tx, id, { unlock: true }, staffActor(session), session.account.organisationId),
      );
      return present(account);
    },
  );

  app.post(
    '/api/admin/accounts/:id/reset-factors',
    {
      config: { access: adminReauth },
      schema: {
        tags: ['administration'],
        summary: 'Remove a staff member’s second factors (lost phone) and issue a new enrolment code',
        params: IdParams,
        response: { 200: Type.Object({ enrolmentCode: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { id } = request.params as { id: string };
      const enrolmentCode = await haven.db.transaction((tx) =>
        resetSecondFactors(haven.identity, tx, id, staffActor(session), session.account.organisationId),
      );
      return { enrolmentCode };
    },
  );
}

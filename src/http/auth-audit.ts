import type { FastifyError, FastifyRequest } from 'fastify';
import { HavenError } from '../domain/errors.ts';
import type { Haven } from '../haven.ts';
import { SessionEndedError } from '../identity/sessions.ts';
import { accountRefusalKey, addressRefusalKey } from '../identity/throttle.ts';
import type { AuditActor } from '../ledger/events.ts';
import type { Refusal } from '../ledger/refusals.ts';
import type { HttpApp } from './http-app.ts';

/**
 * AUD-1: every authentication refusal is an audit event — the access hook's (origin, session, CSRF, role,
 * re-authentication, passkey, witness token) and those of the sign-in, second-factor, enrolment,
 * re-authentication, passkey and set-up routes. Each goes through the RefusalLedger, which writes the first of a
 * kind at once and counts repeats per account (or per keyed hash of the address) and window. The event holds the
 * request id, the account when one is known and codes only: never the e-mail typed, never the address.
 */

/** The ledger action of a route of the sign-in flows; a refusal on any other route is the access hook's. */
const FLOW_ACTIONS: Record<string, string> = {
  '/api/auth/sign-in': 'auth.sign-in',
  '/api/auth/second-factor': 'auth.second-factor',
  '/api/auth/passkey/options': 'auth.passkey',
  '/api/auth/passkey': 'auth.passkey',
  '/api/auth/reauthenticate': 'auth.reauthenticate',
  '/api/auth/sign-out': 'auth.sign-out',
  '/api/account/totp/enrolment': 'auth.factor-enrol',
  '/api/account/totp/confirm': 'auth.factor-enrol',
  '/api/account/passkeys/options': 'auth.factor-enrol',
  '/api/account/passkeys': 'auth.factor-enrol',
  '/api/account/recovery-codes': 'auth.factor-change',
  '/api/setup': 'setup.complete',
  '/api/me/sign-in': 'portal.sign-in',
  // Notices to partners: a refused acknowledgement or settlement is on record like any other refusal (AUD-1).
  '/api/partner/notices/:id/ack': 'partner.notice-ack',
  '/api/partners/:id/pushes/:notice/settle': 'partner.notice-settle',
  // Sharing: an agreement not in force, a partner over its question limit — refused before the gate decides any
  // person — is on record too; what the gate refuses it has recorded itself (AUD-1).
  '/api/partner/releases': 'sharing.release',
  '/api/partner/releases/:id': 'sharing.release-fetch',
  '/api/partner/verify': 'sharing.verify',
  '/api/agreements/:id/releases': 'sharing.release',
};
const FLOW_PREFIXES = ['/api/auth/', '/api/account/', '/api/setup'];

export function flowAction(route: string | undefined): string | undefined {
  if (route === undefined) return undefined;
  return FLOW_ACTIONS[route] ?? (FLOW_PREFIXES.some((p) => route.startsWith(p)) ? 'auth.request' : undefined);
}

/** The stable code of a refusal as the caller sees it; undefined for a server fault, which is no refusal. */
export function refusalCode(error: FastifyError | HavenError): string | undefined {
  if (error instanceof HavenError) return error.status < 500 ? error.code : undefined;
  if (error.validation) return 'invalid-request';
  if (error.statusCode === 429) return 'rate-limited';
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return 'invalid-request';
  }
  return undefined;
}

function staffActor(account: { id: string; organisationId: string; role: AuditActor['role'] }): AuditActor {
  return { kind: 'staff', account: account.id, organisation: account.organisationId, role: account.role };
}

/** Writes (or counts) one refusal of this request. */
async function ledger(
  haven: Haven,
  request: FastifyRequest,
  action: string,
  reason: string,
  account: { id: string; organisationId: string; role: AuditActor['role'] } | undefined,
  partner?: { partnerId: string; organisationId: string },
): Promise<void> {
  const event: Refusal = {
    actor: account
      ? staffActor(account)
      : partner
        ? { kind: 'partner', organisation: partner.organisationId, partner: partner.partnerId }
        : { kind: 'anonymous' },
    action,
    ...(account ? { subject: account.id, subjectType: 'account' as const } : {}),
    decision: 'deny',
    reason,
    requestId: request.id,
  };
  const key = account
    ? accountRefusalKey(account.id)
    : partner
      ? `partner:${partner.partnerId}`
      : addressRefusalKey(haven.identity, request.ip);
  await haven.refusals.record(haven.db, event, key);
}

/**
 * A refusal by the access hook: `auth.session` with why the cookie failed (unknown, idle, absolute lifetime,
 * account disabled), or `auth.request` with the refusal's code.
 */
export async function ledgerAccessRefusal(
  haven: Haven,
  request: FastifyRequest,
  error: HavenError,
): Promise<void> {
  if (error instanceof SessionEndedError) {
    await ledger(haven, request, 'auth.session', error.end, error.account);
    return;
  }
  const code = refusalCode(error);
  if (code === undefined) return;
  await ledger(haven, request, 'auth.request', code, request.session?.account);
}

/** Refusals that the sign-in flows' routes give without the identity code having recorded them already. */
export function registerFlowRefusalAudit(app: HttpApp, haven: Haven): void {
  app.addHook('onError', async (request, _reply, error) => {
    if (haven.refusals.hasRecorded(request.id)) return;
    const action = flowAction(request.routeOptions.url);
    const code = refusalCode(error);
    if (action === undefined || code === undefined) return;
    // The gate writes its own refusals, with the person as subject: not twice.
    if (error instanceof HavenError && haven.gate.alreadyLedgered(error)) return;
    await ledger(haven, request, action, code, request.session?.account, request.partner ?? undefined);
  });
  app.addHook('onResponse', async (request) => {
    haven.refusals.release(request.id);
  });
}

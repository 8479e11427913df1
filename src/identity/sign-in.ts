import { HavenError } from '../domain/errors.ts';
import type { Role } from '../domain/roles.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';
import type { IdentityContext } from './context.ts';
import { keyedHash } from './keys.ts';
import { verifyPassword } from './passwords.ts';
import { checkRecoveryCode, checkTotp, type SecondFactorCheck } from './second-factor.ts';
import {
  type Assurance,
  createSession,
  endSession,
  type Factor,
  type IssuedSession,
  markReauthenticated,
  type Session,
  upgradeSession,
} from './sessions.ts';
import {
  accountDelaySeconds,
  accountRefusalKey,
  addressRefusalKey,
  addressWait,
  clearAccountFailures,
  recordAccountFailure,
  recordAddressFailure,
} from './throttle.ts';

/**
 * Sign-in (ACC-3, ACC-5): password first, then a second factor. Every attempt, good or bad, is an audit event.
 * Failures are committed before the error is thrown, so a refusal still counts towards throttling and lockout.
 */

export interface SignInAttempt {
  email: string;
  password: string;
  address: string;
  requestId?: string;
  /** Needed once for an account that has no second factor yet. */
  enrolmentCode?: string;
}

export type AvailableFactor = 'totp' | 'passkey' | 'recovery-code';

export interface SignInResult {
  session: IssuedSession;
  accountId: string;
  /** 'second-factor': prove one of `factors`; 'enrol': set up a second factor before anything else. */
  next: 'second-factor' | 'enrol';
  factors: AvailableFactor[];
}

interface AccountForSignIn {
  id: string;
  organisation_id: string;
  role: Role;
  password_hash: string;
  status: string;
  failed_attempts: number;
  seconds_since_failure: number | null;
  locked_at: Date | null;
  has_totp: boolean;
  passkeys: number;
  enrolment_code_hash: Buffer | null;
  enrolment_open: boolean;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: HavenError };

/** Runs `work` in a transaction whose writes are kept even when the outcome is a refusal. */
async function committed<T>(db: Database, work: (tx: Sql) => Promise<Outcome<T>>): Promise<T> {
  const outcome = await db.transaction(work);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

function actorOf(account: { id: string; organisation_id: string; role: Role } | undefined): AuditActor {
  return account
    ? { kind: 'staff', account: account.id, organisation: account.organisation_id, role: account.role }
    : { kind: 'anonymous' };
}

export function invalidCredentials(): HavenError {
  return new HavenError('invalid-credentials', 'The email or password is wrong.', { status: 401 });
}

export async function signInWithPassword(
  ctx: IdentityContext,
  db: Database,
  attempt: SignInAttempt,
): Promise<SignInResult> {
  return committed(db, async (tx) => {
    const audit = (
      account: AccountForSignIn | undefined,
      decision: 'allow' | 'deny',
      reason: string,
      action = 'auth.sign-in',
    ) =>
      recordAuditEvent(tx, {
        actor: actorOf(account),
        action,
        ...(account ? { subject: account.id, subjectType: 'account' as const } : {}),
        decision,
        reason,
        ...(attempt.requestId ? { requestId: attempt.requestId } : {}),
      });
    // AUD-1: every refusal is in the ledger; repeats per account (or, unknown, per address) are counted.
    const refuse = async (account: AccountForSignIn | undefined, reason: string, error: HavenError) => {
      await ctx.refusals.record(
        tx,
        {
          actor: actorOf(account),
          action: 'auth.sign-in',
          ...(account ? { subject: account.id, subjectType: 'account' as const } : {}),
          decision: 'deny',
          reason,
          ...(attempt.requestId ? { requestId: attempt.requestId } : {}),
        },
        account ? accountRefusalKey(account.id) : addressRefusalKey(ctx, attempt.address),
      );
      return { ok: false as const, error };
    };

    const wait = await addressWait(ctx, tx, attempt.address);
    if (wait > 0) {
      return refuse(
        undefined,
        'address-throttled',
        new HavenError(
          'too-many-attempts',
          'Too many failed sign-ins from this network. Wait and try again.',
          {
            status: 429,
            retryAfter: wait,
          },
        ),
      );
    }
    const email = attempt.email.trim().toLowerCase();
    const { rows } = await tx.query<AccountForSignIn>(
      `select id, organisation_id, role, password_hash, status, failed_attempts, locked_at,
              extract(epoch from now() - last_failed_at)::int as seconds_since_failure,
              totp_secret is not null as has_totp,
              (select count(*)::int from passkey p where p.account_id = a.id) as passkeys,
              enrolment_code_hash, coalesce(enrolment_expires_at > now(), false) as enrolment_open
         from staff_account a where email = $1 for update`,
      [email],
    );
    const account = rows[0];
    if (account?.locked_at) {
      await verifyPassword(undefined, attempt.password); // same timing as a real check
      return refuse(
        account,
        'account-locked',
        new HavenError(
          'account-locked',
          'This account is locked after too many failed attempts. Ask an administrator to unlock it.',
          {
            status: 423,
          },
        ),
      );
    }
    if (account && account.seconds_since_failure !== null) {
      const delay = accountDelaySeconds(account.failed_attempts) - account.seconds_since_failure;
      if (delay > 0) {
        return refuse(
          account,
          'account-throttled',
          new HavenError(
            'sign-in-throttled',
            'Too many failed attempts for this account. Wait before trying again.',
            {
              status: 429,
              retryAfter: delay,
            },
          ),
        );
      }
    }
    const passwordOk = await verifyPassword(account?.password_hash, attempt.password);
    if (!account || !passwordOk) {
      await recordAddressFailure(ctx, tx, attempt.address);
      if (account && (await recordAccountFailure(ctx, tx, account.id))) {
        await audit(account, 'deny', 'lockout-threshold', 'auth.lockout');
      }
      return refuse(account, account ? 'wrong-password' : 'unknown-account', invalidCredentials());
    }
    if (account.status !== 'active') {
      return refuse(
        account,
        'account-disabled',
        new HavenError('account-disabled', 'This account is disabled. Ask an administrator.', {
          status: 403,
        }),
      );
    }
    const factors: AvailableFactor[] = [];
    if (account.passkeys > 0) factors.push('passkey');
    if (account.has_totp) factors.push('totp', 'recovery-code');
    if (factors.length === 0) {
      if (!attempt.enrolmentCode) {
        return refuse(
          account,
          'enrolment-code-required',
          new HavenError(
            'enrolment-code-required',
            'This account has no second factor yet. Enter the enrolment code you were given with the account.',
            { status: 401 },
          ),
        );
      }
      const matches =
        account.enrolment_open &&
        account.enrolment_code_hash !== null &&
        keyedHash(ctx.keys.codes, 'enrolment', attempt.enrolmentCode.trim().toLowerCase()).equals(
          account.enrolment_code_hash,
        );
      if (!matches) {
        await recordAccountFailure(ctx, tx, account.id);
        return refuse(
          account,
          'enrolment-code-invalid',
          new HavenError(
            'enrolment-code-invalid',
            'The enrolment code is wrong or has expired. Ask an administrator for a new one.',
            {
              status: 401,
            },
          ),
        );
      }
    }
    await clearAccountFailures(tx, account.id);
    const session = await createSession(tx, account.id, 1, null);
    await audit(account, 'allow', 'password-ok');
    return {
      ok: true,
      value: {
        session,
        accountId: account.id,
        next: factors.length > 0 ? 'second-factor' : 'enrol',
        factors,
      },
    };
  });
}

const FACTOR_ERRORS: Record<Exclude<SecondFactorCheck, 'ok'>, () => HavenError> = {
  'wrong-code': () =>
    new HavenError('second-factor-invalid', 'That code is not right. Try the current code.', { status: 401 }),
  'replayed-code': () =>
    new HavenError('second-factor-replayed', 'That code was already used. Wait for the next code.', {
      status: 401,
    }),
  'not-enrolled': () =>
    new HavenError('second-factor-not-enrolled', 'This account has no authenticator app enrolled.', {
      status: 409,
    }),
};

function sessionActor(session: Session): AuditActor {
  const a = session.account;
  return { kind: 'staff', account: a.id, organisation: a.organisationId, role: a.role };
}

/**
 * Checks a TOTP or recovery code. At sign-in (assurance 1) it raises the session to assurance 2 and returns the
 * new session token; for re-authentication it marks the session as freshly proven.
 */
export async function proveSecondFactor(
  ctx: IdentityContext,
  db: Database,
  session: Session,
  method: 'totp' | 'recovery-code',
  code: string,
  requestId?: string,
): Promise<IssuedSession | null> {
  return committed(db, async (tx) => {
    const accountId = session.account.id;
    const check =
      method === 'totp'
        ? await checkTotp(ctx, tx, accountId, code)
        : await checkRecoveryCode(ctx, tx, accountId, code);
    const action = session.assurance === 1 ? 'auth.second-factor' : 'auth.reauthenticate';
    const audit = (decision: 'allow' | 'deny', reason: string, act = action) =>
      recordAuditEvent(tx, {
        actor: sessionActor(session),
        action: act,
        subject: accountId,
        subjectType: 'account',
        decision,
        reason,
        ...(requestId ? { requestId } : {}),
      });
    if (check !== 'ok') {
      if (check !== 'not-enrolled' && (await recordAccountFailure(ctx, tx, accountId))) {
        await audit('deny', 'lockout-threshold', 'auth.lockout');
      }
      await ctx.refusals.record(
        tx,
        {
          actor: sessionActor(session),
          action,
          subject: accountId,
          subjectType: 'account',
          decision: 'deny',
          reason: `${method}-${check}`,
          ...(requestId ? { requestId } : {}),
        },
        accountRefusalKey(accountId),
      );
      return { ok: false, error: FACTOR_ERRORS[check]() };
    }
    await clearAccountFailures(tx, accountId);
    await audit('allow', method);
    return { ok: true, value: await raise(tx, session, 2, method) };
  });
}

/** After a proven factor: upgrade a pending session (new token), or record a re-authentication. */
export async function raise(
  tx: Sql,
  session: Session,
  assurance: Assurance,
  factor: Factor,
): Promise<IssuedSession | null> {
  if (session.assurance === 1) {
    await tx.query('update staff_account set last_sign_in_at = now() where id = $1', [session.account.id]);
    return upgradeSession(tx, session, assurance, factor);
  }
  await markReauthenticated(tx, session);
  return null;
}

/** Re-authentication before sensitive actions (ACC-4): the password again, then a second factor. */
export async function checkPasswordAgain(
  ctx: IdentityContext,
  db: Database,
  session: Session,
  password: string,
  requestId?: string,
): Promise<void> {
  await committed(db, async (tx) => {
    const { rows } = await tx.query<{ password_hash: string }>(
      'select password_hash from staff_account where id = $1',
      [session.account.id],
    );
    if (await verifyPassword(rows[0]?.password_hash, password)) return { ok: true, value: undefined };
    if (await recordAccountFailure(ctx, tx, session.account.id)) {
      await recordAuditEvent(tx, {
        actor: sessionActor(session),
        action: 'auth.lockout',
        subject: session.account.id,
        subjectType: 'account',
        decision: 'deny',
        reason: 'lockout-threshold',
        ...(requestId ? { requestId } : {}),
      });
    }
    await ctx.refusals.record(
      tx,
      {
        actor: sessionActor(session),
        action: 'auth.reauthenticate',
        subject: session.account.id,
        subjectType: 'account',
        decision: 'deny',
        reason: 'wrong-password',
        ...(requestId ? { requestId } : {}),
      },
      accountRefusalKey(session.account.id),
    );
    return { ok: false, error: invalidCredentials() };
  });
}

/** Ends this session at the staff member's request; the sign-out is an authentication event (AUD-1). */
export async function signOut(db: Database, session: Session, requestId?: string): Promise<void> {
  await db.transaction(async (tx) => {
    await endSession(tx, session.tokenHash, session.account.id);
    await recordAuditEvent(tx, {
      actor: sessionActor(session),
      action: 'auth.sign-out',
      subject: session.account.id,
      subjectType: 'account',
      decision: 'allow',
      reason: 'ok',
      ...(requestId ? { requestId } : {}),
    });
  });
}

import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { HavenError } from '../domain/errors.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database } from '../store/database.ts';
import type { IdentityContext } from './context.ts';
import { announceSessionChange } from './session-cache.ts';
import { type IssuedSession, type Session, setWebauthnChallenge } from './sessions.ts';
import { raise } from './sign-in.ts';
import { accountRefusalKey, clearAccountFailures, recordAccountFailure } from './throttle.ts';

/**
 * WebAuthn passkeys (ACC-3): a phishing-resistant second factor, required for tier 3–4 data. The challenge is
 * kept with the session; user verification is required, so the passkey also proves the person, not only the device.
 */

function actor(session: Session): AuditActor {
  const a = session.account;
  return { kind: 'staff', account: a.id, organisation: a.organisationId, role: a.role };
}

interface PasskeyRow {
  credential_id: string;
  public_key: Buffer;
  sign_count: number;
  transports: string[];
}

async function passkeysOf(db: Database, accountId: string): Promise<PasskeyRow[]> {
  const { rows } = await db.query<PasskeyRow>(
    'select credential_id, public_key, sign_count, transports from passkey where account_id = $1',
    [accountId],
  );
  return rows;
}

export async function passkeyRegistrationOptions(
  ctx: IdentityContext,
  db: Database,
  session: Session,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await passkeysOf(db, session.account.id);
  const options = await generateRegistrationOptions({
    rpName: ctx.relyingParty.name,
    rpID: ctx.relyingParty.id,
    userName: session.account.email,
    userID: Buffer.from(session.account.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  await setWebauthnChallenge(db, session, options.challenge);
  return options;
}

function passkeyRefused(reason: string): HavenError {
  return new HavenError('passkey-invalid', 'The passkey response could not be verified. Try again.', {
    status: 401,
    reason,
  });
}

export async function registerPasskey(
  ctx: IdentityContext,
  db: Database,
  session: Session,
  response: RegistrationResponseJSON,
  label: string,
): Promise<{ credentialId: string }> {
  const challenge = session.webauthnChallenge;
  if (!challenge) throw passkeyRefused('no-challenge');
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ctx.relyingParty.origin,
      expectedRPID: ctx.relyingParty.id,
      requireUserVerification: true,
    });
  } catch {
    await setWebauthnChallenge(db, session, null);
    throw passkeyRefused('verification-failed');
  }
  if (!verification.verified) throw passkeyRefused('verification-failed');
  const credential = verification.registrationInfo.credential;
  await db.transaction(async (tx) => {
    await setWebauthnChallenge(tx, session, null);
    const inserted = await tx.query(
      `insert into passkey (credential_id, account_id, public_key, sign_count, transports, label)
       values ($1, $2, $3, $4, $5, $6) on conflict (credential_id) do nothing`,
      [
        credential.id,
        session.account.id,
        Buffer.from(credential.publicKey),
        credential.counter,
        credential.transports ?? [],
        label,
      ],
    );
    if (inserted.rowCount === 0) throw passkeyRefused('already-registered');
    // An account whose first factor was set up with an enrolment code no longer needs it.
    await tx.query(
      'update staff_account set enrolment_code_hash = null, enrolment_expires_at = null where id = $1',
      [session.account.id],
    );
    await announceSessionChange(tx, session.account.id);
    await recordAuditEvent(tx, {
      actor: actor(session),
      action: 'auth.factor-enrol',
      subject: session.account.id,
      subjectType: 'account',
      decision: 'allow',
      reason: 'passkey',
    });
  });
  return { credentialId: credential.id };
}

export async function passkeyAuthenticationOptions(
  ctx: IdentityContext,
  db: Database,
  session: Session,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await passkeysOf(db, session.account.id);
  if (passkeys.length === 0) {
    throw new HavenError('second-factor-not-enrolled', 'This account has no passkey.', { status: 409 });
  }
  const options = await generateAuthenticationOptions({
    rpID: ctx.relyingParty.id,
    allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: p.transports })),
    userVerification: 'required',
  });
  await setWebauthnChallenge(db, session, options.challenge);
  return options;
}

/** Verifies a passkey assertion; raises a pending session to assurance 3, or records a re-authentication. */
export async function provePasskey(
  ctx: IdentityContext,
  db: Database,
  session: Session,
  response: AuthenticationResponseJSON,
  requestId?: string,
): Promise<IssuedSession | null> {
  const challenge = session.webauthnChallenge;
  const passkey = (await passkeysOf(db, session.account.id)).find((p) => p.credential_id === response.id);
  const outcome = await db.transaction(async (tx) => {
    await setWebauthnChallenge(tx, session, null);
    const audit = (decision: 'allow' | 'deny', reason: string) =>
      recordAuditEvent(tx, {
        actor: actor(session),
        action: session.assurance === 1 ? 'auth.second-factor' : 'auth.reauthenticate',
        subject: session.account.id,
        subjectType: 'account',
        decision,
        reason,
        ...(requestId ? { requestId } : {}),
      });
    let verified = false;
    let newCounter = 0;
    if (challenge && passkey) {
      try {
        const result = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge,
          expectedOrigin: ctx.relyingParty.origin,
          expectedRPID: ctx.relyingParty.id,
          credential: {
            id: passkey.credential_id,
            publicKey: new Uint8Array(passkey.public_key),
            counter: passkey.sign_count,
            transports: passkey.transports,
          },
          requireUserVerification: true,
        });
        verified = result.verified;
        newCounter = result.authenticationInfo.newCounter;
      } catch {
        verified = false;
      }
    }
    if (!verified) {
      if (await recordAccountFailure(ctx, tx, session.account.id)) {
        await recordAuditEvent(tx, {
          actor: actor(session),
          action: 'auth.lockout',
          subject: session.account.id,
          subjectType: 'account',
          decision: 'deny',
          reason: 'lockout-threshold',
          ...(requestId ? { requestId } : {}),
        });
      }
      // AUD-1: repeats per account are counted, not written one by one.
      await ctx.refusals.record(
        tx,
        {
          actor: actor(session),
          action: session.assurance === 1 ? 'auth.second-factor' : 'auth.reauthenticate',
          subject: session.account.id,
          subjectType: 'account',
          decision: 'deny',
          reason: challenge ? 'passkey-invalid' : 'passkey-no-challenge',
          ...(requestId ? { requestId } : {}),
        },
        accountRefusalKey(session.account.id),
      );
      return { ok: false as const };
    }
    await tx.query('update passkey set sign_count = $2, last_used_at = now() where credential_id = $1', [
      passkey!.credential_id,
      newCounter,
    ]);
    await clearAccountFailures(tx, session.account.id);
    await audit('allow', 'passkey');
    return { ok: true as const, issued: await raise(tx, session, 3, 'passkey') };
  });
  if (!outcome.ok) throw passkeyRefused('verification-failed');
  return outcome.issued;
}

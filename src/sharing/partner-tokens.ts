/**
 * Partner authentication (issue 17 item 1): OAuth 2.0 client credentials (RFC 6749 §4.4) where the client proves
 * itself with a JWT signed by one of its registered keys (private_key_jwt, RFC 7523 §2.2, RFC 7521 §4.2). No
 * shared secret exists: Haven stores public keys, the SHA-256 of the tokens it gives, and the jti of assertions
 * seen. Tokens are opaque, live 5 minutes and are looked up on every use, so suspending a partner or retiring a
 * key ends them at once (docs/decisions/0012-partner-tokens.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, errors as joseErrors, jwtVerify } from 'jose';
import { HavenError } from '../domain/errors.ts';
import type { PartnerKind } from '../domain/sharing/agreements.ts';
import { recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Access token lifetime. */
export const TOKEN_SECONDS = 300;
/** The furthest ahead an assertion's exp may be: a short-lived proof, not a long-lived credential. */
export const MAX_ASSERTION_SECONDS = 300;
/** Clock difference tolerated between partner and Haven. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The error member of an RFC 6749 §5.2 error response. */
export type OAuthError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type';

/** A refused token request: Haven's stable code, and the RFC 6749 error code and status beside it. */
export class TokenError extends HavenError {
  readonly oauthError: OAuthError;
  /** The partner the assertion named, once known and verified or not (for the ledger). */
  readonly partnerId: string | undefined;

  constructor(code: string, oauthError: OAuthError, message: string, partnerId?: string) {
    super(code, message, { status: oauthError === 'invalid_client' ? 401 : 400, reason: 'authentication' });
    this.oauthError = oauthError;
    this.partnerId = partnerId;
  }
}

/** Who is calling on a partner route: resolved from its bearer token on every request. */
export interface PartnerPrincipal {
  partnerId: string;
  organisationId: string;
  kind: PartnerKind;
  /** The state an authority acts for (SHA-3); null for the other kinds. */
  actsForCountry: string | null;
}

export interface TokenRequest {
  grant_type?: unknown;
  client_assertion_type?: unknown;
  client_assertion?: unknown;
  client_id?: unknown;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  partnerId: string;
  organisationId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest();

interface KeyRow {
  alg: string;
  use: 'sig' | 'enc';
  jwk: JWK;
  retired_at: Date | null;
}

/** Maps what jose refuses to Haven's codes: the partner's developer learns what to fix, nothing more. */
function verificationRefusal(error: unknown, partnerId: string): TokenError {
  if (error instanceof joseErrors.JWTExpired) {
    return new TokenError(
      'assertion-expired',
      'invalid_client',
      'The client assertion has expired.',
      partnerId,
    );
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') {
      return new TokenError(
        'assertion-audience-invalid',
        'invalid_client',
        'The client assertion’s aud must be this token endpoint’s URL.',
        partnerId,
      );
    }
    return new TokenError(
      'assertion-invalid',
      'invalid_client',
      `The client assertion’s ${error.claim} claim is missing or wrong.`,
      partnerId,
    );
  }
  return new TokenError(
    'assertion-signature-invalid',
    'invalid_client',
    'The client assertion’s signature does not verify with the key it names.',
    partnerId,
  );
}

/**
 * Verifies a token request and gives a 5-minute token bound to the partner. The steps follow RFC 7523 §3: iss and
 * sub are the client id (the partner id), aud is Haven's token endpoint, exp is near, jti is used once; the
 * signature is checked with the partner's non-retired signing key named by kid.
 */
export async function issuePartnerToken(
  db: Database,
  request: TokenRequest,
  tokenEndpoint: string,
  now: Date,
): Promise<IssuedToken> {
  if (request.grant_type !== 'client_credentials') {
    throw new TokenError(
      'grant-type-unsupported',
      'unsupported_grant_type',
      'Only grant_type=client_credentials is accepted here.',
    );
  }
  if (
    request.client_assertion_type !== CLIENT_ASSERTION_TYPE ||
    typeof request.client_assertion !== 'string'
  ) {
    throw new TokenError(
      'assertion-missing',
      'invalid_request',
      `Authenticate with client_assertion_type=${CLIENT_ASSERTION_TYPE} and a signed client_assertion.`,
    );
  }
  const assertion = request.client_assertion;
  let claims: ReturnType<typeof decodeJwt>;
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    if (assertion.length > 8192) throw new Error('too long');
    claims = decodeJwt(assertion);
    header = decodeProtectedHeader(assertion);
  } catch {
    throw new TokenError(
      'assertion-malformed',
      'invalid_client',
      'The client assertion is not a signed JWT.',
    );
  }
  const partnerId = claims.iss;
  if (typeof partnerId !== 'string' || !UUID.test(partnerId) || claims.sub !== partnerId) {
    throw new TokenError(
      'assertion-invalid',
      'invalid_client',
      'The assertion’s iss and sub must both be your partner id.',
    );
  }
  if (request.client_id !== undefined && request.client_id !== partnerId) {
    throw new TokenError(
      'assertion-invalid',
      'invalid_client',
      'client_id differs from the assertion’s issuer.',
      partnerId,
    );
  }
  const { rows: partners } = await db.query<{ organisation_id: string; state: string }>(
    'select organisation_id, state from partner where id = $1',
    [partnerId],
  );
  const partner = partners[0];
  if (!partner) throw new TokenError('partner-unknown', 'invalid_client', 'No partner has that id.');
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const { rows: keys } = await db.query<KeyRow>(
    'select alg, use, jwk, retired_at from partner_key where partner_id = $1 and kid = $2',
    [partnerId, kid],
  );
  const key = keys[0];
  if (!key || key.use !== 'sig') {
    throw new TokenError(
      'assertion-key-unknown',
      'invalid_client',
      'The assertion’s kid names no signing key registered for you.',
      partnerId,
    );
  }
  if (key.retired_at) {
    throw new TokenError(
      'assertion-key-retired',
      'invalid_client',
      'The key this assertion names was retired.',
      partnerId,
    );
  }
  let exp: number;
  let jti: string;
  try {
    const verified = await jwtVerify(assertion, await importJWK(key.jwk, key.alg), {
      issuer: partnerId,
      subject: partnerId,
      audience: tokenEndpoint,
      algorithms: [key.alg],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
      requiredClaims: ['exp', 'jti'],
    });
    exp = verified.payload.exp!;
    jti = String(verified.payload.jti);
  } catch (error) {
    throw verificationRefusal(error, partnerId);
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (exp > nowSeconds + MAX_ASSERTION_SECONDS + CLOCK_TOLERANCE_SECONDS) {
    throw new TokenError(
      'assertion-lifetime-too-long',
      'invalid_client',
      `The assertion’s exp may be at most ${MAX_ASSERTION_SECONDS} seconds ahead.`,
      partnerId,
    );
  }
  if (jti.length === 0 || jti.length > 256) {
    throw new TokenError(
      'assertion-invalid',
      'invalid_client',
      'The assertion’s jti must be 1 to 256 characters.',
      partnerId,
    );
  }
  // Only a verified partner learns that it is suspended.
  if (partner.state !== 'active') {
    throw new TokenError('partner-suspended', 'unauthorized_client', 'This partner is suspended.', partnerId);
  }
  const token = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    await tx.query('delete from partner_assertion where expires_at < $1', [now]);
    // The jti is kept until the assertion could no longer pass anyway (exp plus the tolerance).
    const { rowCount } = await tx.query(
      `insert into partner_assertion (partner_id, jti, expires_at) values ($1, $2, $3) on conflict do nothing`,
      [partnerId, jti, new Date((exp + CLOCK_TOLERANCE_SECONDS) * 1000)],
    );
    if (rowCount === 0) {
      throw new TokenError(
        'assertion-replayed',
        'invalid_client',
        'This client assertion was used before: sign a new one with a new jti.',
        partnerId,
      );
    }
    await tx.query('delete from partner_token where expires_at < $1', [now]);
    await tx.query(
      'insert into partner_token (token_hash, partner_id, kid, expires_at) values ($1, $2, $3, $4)',
      [hashToken(token), partnerId, kid, new Date(now.getTime() + TOKEN_SECONDS * 1000)],
    );
    await recordAuditEvent(tx, {
      actor: { kind: 'partner', organisation: partner.organisation_id },
      action: 'partner.token',
      subject: partnerId,
      subjectType: 'partner',
      decision: 'allow',
      reason: 'ok',
    });
  });
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: TOKEN_SECONDS,
    partnerId,
    organisationId: partner.organisation_id,
  };
}

const tokenRefusal = (code: string, message: string) =>
  new HavenError(code, message, { status: 401, reason: 'authentication' });

/**
 * The partner a bearer token was given to, checked on every request: the token known and unexpired, its key not
 * retired, the partner not suspended. Nothing is cached, so a suspension takes effect on the next request.
 */
export async function partnerByToken(sql: Sql, token: string, now: Date): Promise<PartnerPrincipal> {
  if (token.length > 200) throw tokenRefusal('partner-token-invalid', 'That access token is not valid.');
  const { rows } = await sql.query<{
    partner_id: string;
    organisation_id: string;
    kind: PartnerKind;
    acts_for_country: string | null;
    state: string;
    expires_at: Date;
    retired_at: Date | null;
  }>(
    `select t.partner_id, p.organisation_id, p.kind, p.acts_for_country, p.state, t.expires_at, k.retired_at
       from partner_token t join partner p on p.id = t.partner_id
       join partner_key k on k.partner_id = t.partner_id and k.kid = t.kid
      where t.token_hash = $1`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row || row.retired_at) throw tokenRefusal('partner-token-invalid', 'That access token is not valid.');
  if (row.expires_at.getTime() <= now.getTime()) {
    throw tokenRefusal(
      'partner-token-expired',
      'That access token has expired: get a new one at /oauth/token.',
    );
  }
  if (row.state !== 'active') {
    throw new HavenError('partner-suspended', 'This partner is suspended.', { status: 403, reason: 'SHA-1' });
  }
  return {
    partnerId: row.partner_id,
    organisationId: row.organisation_id,
    kind: row.kind,
    actsForCountry: row.acts_for_country,
  };
}

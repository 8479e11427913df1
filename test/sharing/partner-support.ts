import {
  generateEncryptionKeys,
  generatePartnerKeys,
  type PartnerKeyPair,
  signClientAssertion,
  tokenRequestBody,
} from '../../docs/partner-client/haven-partner-client.ts';
import { addToDay } from '../../src/domain/calendar.ts';
import type { HttpApp } from '../../src/http/http-app.ts';
import type { Reply } from '../support/client.ts';
import type { Actor, Team } from '../support/gate.ts';
import type { TestHaven } from '../support/haven.ts';
import { reauthenticate } from '../support/staff.ts';

/** A fetch that goes to the test app through `inject`, for the partner client's `tokenFor`. */
export function injectFetch(app: HttpApp): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const reply = await app.inject({
      method: (init?.method ?? 'GET') as 'GET' | 'POST',
      url: url.pathname + url.search,
      headers: init?.headers as Record<string, string>,
      ...(init?.body === undefined ? {} : { payload: String(init.body) }),
    });
    return new Response(reply.body, {
      status: reply.statusCode,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
}

export interface TestPartner {
  id: string;
  keys: PartnerKeyPair;
}

/** A partner registered by the team's administrator, with one signing key. */
export async function registerPartner(
  t: TestHaven,
  admin: Actor,
  body: Record<string, unknown> = {},
): Promise<TestPartner> {
  const created = await admin.client.post('/api/partners', {
    name: `Partner ${Math.random().toString(36).slice(2, 8)}`,
    jurisdiction: 'JOR',
    kind: 'ngo',
    contacts: [{ name: 'Data desk', email: 'data@partner.example' }],
    ...body,
  });
  if (created.status !== 201) throw new Error(`partner not created: ${created.text}`);
  const id = String(created.body.id);
  const keys = await generatePartnerKeys();
  await addKey(t, admin, id, keys);
  return { id, keys };
}

export async function addKey(
  t: TestHaven,
  admin: Actor,
  partnerId: string,
  keys: PartnerKeyPair,
): Promise<Reply> {
  await reauthenticate(t, admin.client, admin.staff);
  const added = await admin.client.post(`/api/partners/${partnerId}/keys`, {
    use: 'sig',
    jwk: keys.publicJwk,
  });
  if (added.status !== 201) throw new Error(`key not added: ${added.text}`);
  return added;
}

export const tokenEndpoint = (t: TestHaven) => `${t.haven.config.origin}/oauth/token`;

/** Posts a token request with the given assertion; the reply as parsed JSON. */
export async function requestToken(t: TestHaven, assertion: string, extra: Record<string, string> = {}) {
  const reply = await t.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `${tokenRequestBody(assertion)}${Object.keys(extra).length ? `&${new URLSearchParams(extra)}` : ''}`,
  });
  return {
    status: reply.statusCode,
    body: JSON.parse(reply.body) as Record<string, string>,
    headers: reply.headers,
  };
}

/** A valid assertion for the partner (overridable), and a token for it. */
export function assertionFor(
  t: TestHaven,
  partner: TestPartner,
  over: Partial<Parameters<typeof signClientAssertion>[0]> = {},
) {
  return signClientAssertion({
    partnerId: partner.id,
    tokenEndpoint: tokenEndpoint(t),
    privateKey: partner.keys.privateKey,
    kid: partner.keys.kid,
    ...over,
  });
}

export async function partnerToken(t: TestHaven, partner: TestPartner): Promise<string> {
  const reply = await requestToken(t, await assertionFor(t, partner));
  if (reply.status !== 200) throw new Error(`no token: ${JSON.stringify(reply.body)}`);
  return reply.body.access_token!;
}

export async function whoami(t: TestHaven, token: string) {
  const reply = await t.app.inject({
    method: 'GET',
    url: '/api/partner/whoami',
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown> };
}

export const RELEASE_FIELDS = ['given-name-latin', 'family-name-latin', 'sex', 'nationality', 'phone'];

/**
 * A partner with a signing and an encryption key, and an agreement for registration data on consent, proposed by
 * the team's supervisor and approved by its DPO.
 */
export async function agreedPartner(
  t: TestHaven,
  team: Team,
  body: Record<string, unknown>,
  fields = RELEASE_FIELDS,
): Promise<TestPartner & { enc: PartnerKeyPair; agreement: string }> {
  const partner = await registerPartner(t, team.admin, body);
  const enc = await generateEncryptionKeys();
  await reauthenticate(t, team.admin.client, team.admin.staff);
  const key = await team.admin.client.post(`/api/partners/${partner.id}/keys`, {
    use: 'enc',
    jwk: enc.publicJwk,
  });
  if (key.status !== 201) throw new Error(`encryption key not added: ${key.text}`);
  const today = new Date().toISOString().slice(0, 10);
  const proposed = await team.supervisor.client.post('/api/agreements', {
    partnerId: partner.id,
    title: 'Registration data for protection follow-up',
    purposes: ['registration'],
    fields,
    legalBasis: 'consent',
    startsOn: today,
    endsOn: addToDay(today, { months: 6 }),
    partnerRetention: '6 months',
  });
  if (proposed.status !== 201) throw new Error(`agreement not proposed: ${proposed.text}`);
  await reauthenticate(t, team.dpo.client, team.dpo.staff);
  const approved = await team.dpo.client.post(`/api/agreements/${proposed.body.id}/approve`, {});
  if (approved.status !== 200) throw new Error(`agreement not approved: ${approved.text}`);
  return { ...partner, enc, agreement: String(proposed.body.id) };
}

/** The partner's client asks for a release (POST /api/partner/releases) with a fresh token. */
export async function askForRelease(t: TestHaven, partner: TestPartner, body: Record<string, unknown>) {
  const token = await partnerToken(t, partner);
  const reply = await t.app.inject({
    method: 'POST',
    url: '/api/partner/releases',
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
  return { status: reply.statusCode, body: JSON.parse(reply.body) as Record<string, unknown>, token };
}

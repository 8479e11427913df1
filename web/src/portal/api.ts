/**
 * The portal's calls to /api/me. The CSRF token from sign-in is kept in memory only (never in storage): a reload
 * asks for the card and PIN again, which also suits a shared phone.
 */
let csrfToken: string | null = null;

export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

export async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Reads need the token too: the cookie alone opens nothing (a shared phone keeps cookies across a reload).
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const reply = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (reply.status === 204) return undefined as T;
  const data = (await reply.json().catch(() => ({}))) as { code?: string };
  if (!reply.ok) throw new PortalError(reply.status, data.code ?? 'unknown');
  return data as T;
}

/** Saves the answer to a request as a JSON file: fetched with the token, handed to the browser as a file. */
export async function downloadAnswer(requestId: string): Promise<void> {
  const answer = await call<unknown>('GET', `/api/me/requests/${encodeURIComponent(requestId)}/answer`);
  const url = URL.createObjectURL(new Blob([JSON.stringify(answer, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'my-data-haven.json';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function signIn(code: string, pin: string): Promise<void> {
  const { csrfToken: token } = await call<{ csrfToken: string }>('POST', '/api/me/sign-in', { code, pin });
  csrfToken = token;
}

export async function signOut(): Promise<void> {
  try {
    await call('POST', '/api/me/sign-out');
  } finally {
    csrfToken = null;
  }
}

export interface PurposeState {
  purpose: string;
  basis: string;
  state: 'given' | 'withdrawn';
  since: string;
  withdrawable: boolean;
  noticeGiven: { version: string; language: string | null } | null;
  noticeCurrent: string | null;
}

export interface PortalRequest {
  id: string;
  kind: string;
  purpose: string | null;
  state: string;
  receivedOn: string;
  dueOn: string;
  answerReady: boolean;
}

export interface Overview {
  organisation: string;
  purposes: PurposeState[];
  requests: PortalRequest[];
}

export interface HistoryEntry {
  entry: number;
  time: string;
  actorKind: string;
  organisation: { id: string; name: string } | null;
  role: string | null;
  action: string;
  purpose: string | null;
  fieldGroups: string[];
  decision: 'allow' | 'deny';
  reason: string;
}

/**
 * The one way the staff app talks to Haven: the documented HTTP API (GET /api/openapi.json), with the session
 * cookie, the CSRF token on every state-changing call and the declared purpose on every call to personal data.
 */

export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

export interface Withheld {
  group: string;
  reasons: string[];
  fields?: string[];
}

/** An error response of the API: a stable code to match on, never a submitted value. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason: string | undefined;
  readonly fields: FieldProblem[];
  readonly withheld: Withheld[];
  readonly requestId: string | undefined;

  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = typeof body.code === 'string' ? body.code : 'network-error';
    this.reason = typeof body.reason === 'string' ? body.reason : undefined;
    this.fields = Array.isArray(body.fields) ? (body.fields as FieldProblem[]) : [];
    this.withheld = Array.isArray(body.withheld) ? (body.withheld as Withheld[]) : [];
    this.requestId = typeof body.requestId === 'string' ? body.requestId : undefined;
  }
}

/** Codes that mean "sign in again"; the app then asks for the password over the page, so no work is lost. */
const SESSION_ENDED = new Set(['not-signed-in', 'session-expired', 'session-ended']);
export const isSessionEnded = (error: unknown) =>
  error instanceof ApiError && error.status === 401 && SESSION_ENDED.has(error.code);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  purpose?: string;
  query?: Record<string, string | number | boolean | undefined>;
}

type Interruption = () => Promise<void>;

class Api {
  private csrfToken = '';
  private onSessionEnded: Interruption | null = null;
  private onReauthenticationRequired: Interruption | null = null;

  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token ?? '';
  }

  /** Called when a request finds the session ended; when it resolves, the request is tried once more. */
  handleSessionEnded(handler: Interruption | null): void {
    this.onSessionEnded = handler;
  }

  /** Called when a sensitive action needs the password and second factor again (ACC-4); then it is retried. */
  handleReauthenticationRequired(handler: Interruption | null): void {
    this.onReauthenticationRequired = handler;
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    try {
      return await this.send<T>(path, options);
    } catch (error) {
      const interruption = isSessionEnded(error)
        ? this.onSessionEnded
        : error instanceof ApiError && error.code === 'reauthentication-required'
          ? this.onReauthenticationRequired
          : null;
      if (!interruption) throw error;
      await interruption();
      return this.send<T>(path, options);
    }
  }

  get = <T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    this.request<T>(path, { ...options, method: 'GET' });
  post = <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    this.request<T>(path, { ...options, method: 'POST', body: body ?? {} });
  put = <T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    this.request<T>(path, { ...options, method: 'PUT' });
  delete = <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    this.request<T>(path, { ...options, method: 'DELETE', ...(body === undefined ? {} : { body }) });
  patch = <T>(path: string, body: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    this.request<T>(path, { ...options, method: 'PATCH', body });

  /** A plain-text resource (the ledger's signed checkpoint note). */
  async text(path: string): Promise<string> {
    const response = await fetch(path, { credentials: 'same-origin' });
    const body = await response.text();
    if (!response.ok) throw new ApiError(response.status, safeJson(body));
    return body;
  }

  private async send<T>(path: string, options: RequestOptions): Promise<T> {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    if (options.purpose) headers['x-haven-purpose'] = options.purpose;
    let url = path;
    if (options.query) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(options.query)) {
        if (value !== undefined) params.set(key, String(value));
      }
      const text = params.toString();
      if (text) url += `?${text}`;
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: 'same-origin',
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch {
      throw new ApiError(0, { code: 'network-error', message: 'Haven could not be reached.' });
    }
    const text = await response.text();
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = { code: 'bad-response', message: text.slice(0, 200) };
      }
    }
    if (!response.ok) throw new ApiError(response.status, (data ?? {}) as Record<string, unknown>);
    return data as T;
  }
}

export const api = new Api();

function safeJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

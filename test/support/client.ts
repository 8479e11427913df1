import type { HttpApp } from '../../src/http/http-app.ts';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/**
 * A browser-like client over `app.inject`: keeps the session cookie, and sends the CSRF token it was given on
 * state-changing requests (unless told not to, to test the refusal).
 */
export class Client {
  cookie: string | undefined;
  csrfToken: string | undefined;
  readonly app: HttpApp;

  constructor(app: HttpApp) {
    this.app = app;
  }

  async request<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    options: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET' && options.csrf !== false && this.csrfToken)
      headers['x-csrf-token'] = this.csrfToken;
    const response = await this.app.inject({
      method,
      url,
      headers,
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    for (const cookie of response.cookies as {
      name: string;
      value: string;
      maxAge?: number;
      expires?: Date;
    }[]) {
      if (!cookie.name.endsWith('haven_session') && !cookie.name.endsWith('haven_me')) continue;
      const cleared =
        cookie.value === '' ||
        cookie.maxAge === 0 ||
        (cookie.expires && cookie.expires.getTime() < Date.now());
      this.cookie = cleared ? undefined : `${cookie.name}=${cookie.value}`;
    }
    const text = response.body;
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    const record = parsed as Record<string, unknown>;
    if (typeof record.csrfToken === 'string') this.csrfToken = record.csrfToken;
    const nested = record.session as Record<string, unknown> | undefined;
    if (nested && typeof nested.csrfToken === 'string') this.csrfToken = nested.csrfToken;
    return { status: response.statusCode, body: parsed as T, headers: response.headers, text };
  }

  get<T = Record<string, unknown>>(url: string, options?: { headers?: Record<string, string> }) {
    return this.request<T>('GET', url, undefined, options);
  }
  post<T = Record<string, unknown>>(
    url: string,
    body?: unknown,
    options?: { csrf?: boolean; headers?: Record<string, string> },
  ) {
    return this.request<T>('POST', url, body ?? {}, options);
  }
  patch<T = Record<string, unknown>>(url: string, body?: unknown, options?: { csrf?: boolean }) {
    return this.request<T>('PATCH', url, body ?? {}, options);
  }
}

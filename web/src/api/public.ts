/**
 * Calls to the public API (the record of processing, the concern channel) from the pages outside sign-in: no
 * cookie goes with them (`credentials: 'omit'`), so a staff member's session never travels with a concern (GOV-4),
 * and nothing is cached by the browser.
 */
import { ApiError } from './client.ts';

export async function publicRequest<T>(path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, { code: 'network-error', message: 'Haven could not be reached.' });
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { code: 'bad-response', message: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, (data ?? {}) as Record<string, unknown>);
  return data as T;
}

// What messages.create makes of the answer: the typed message, or the typed error that says what
// went wrong.
import { errorFromResponse, notAMessage } from '../errors/from-response.js';
import type { Redactor } from '../errors/redaction.js';
import type { Message } from './types.js';

/**
 * The fields a message always has; a 2xx body without them is a failure the caller must see. JSON
 * numbers can overflow (`1e400` parses as Infinity) or lose digits: ids must be exact integers.
 */
export function isMessage(data: unknown): data is Message {
  const m = data as Record<string, unknown> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    !Array.isArray(m) &&
    Number.isSafeInteger(m.id) &&
    Number.isSafeInteger(m.message_type) &&
    Number.isFinite(m.created_at) &&
    (m.content == null || typeof m.content === 'string')
  );
}

/** The message in a 2xx answer read as text, or the error that says what went wrong. */
export function messageFrom(
  { data: text, error, response }: { data?: unknown; error?: unknown; response: Response },
  path: string,
  options: { baseUrl: string; authHeader: string; redactor: Redactor },
): Message {
  const what = `POST ${path}`;
  if (response.ok) {
    try {
      const data: unknown = JSON.parse(text as string);
      if (isMessage(data)) return data;
    } catch {
      // Not JSON: said below.
    }
  }
  throw response.ok
    ? notAMessage(text, response.status, what, options.redactor)
    : errorFromResponse(response, error, { what, method: 'POST', url: options.baseUrl + path }, options);
}

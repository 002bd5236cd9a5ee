// What messages.create sends and what it makes of the answer, loaded on its first call: the input
// checked before anything is sent and encoded (JSON, or multipart with files), and the answer turned
// into the typed message or a typed error. The multipart encoder and the HTTP error messages are
// loaded only when needed.
import { checkCreateParams } from './input-checks.js';
import type { CreateMessageBody, CreateMessageParams, Message } from './messages.js';
import type { ResolvedOptions } from './options.js';

/** The openapi-fetch request for a checked create(), and the path it goes to. */
export async function checkedRequest(params: CreateMessageParams) {
  const { account_id, conversation_id, attachments, ...fields } = checkCreateParams(params) as Record<string, unknown> & {
    account_id: number;
    conversation_id: number;
    attachments?: readonly unknown[];
  };
  const body = attachments?.length ? (await import('./multipart.js')).buildFormData(fields, attachments) : fields;
  return {
    url: '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages',
    init: { params: { path: { account_id, conversation_id } }, body: body as CreateMessageBody, parseAs: 'text' },
    path: `/api/v1/accounts/${account_id}/conversations/${conversation_id}/messages`,
  };
}

/** The fields a message always has; a 2xx body without them is a failure the caller must see. */
function isMessage(data: unknown): data is Message {
  const m = data as Record<string, unknown> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.id === 'number' &&
    typeof m.message_type === 'number' &&
    typeof m.created_at === 'number' &&
    (m.content == null || typeof m.content === 'string')
  );
}

/** The message in a 2xx answer read as text, or the error that says what went wrong. */
export async function messageFrom(
  { data: text, error, response }: { data?: unknown; error?: unknown; response: Response },
  path: string,
  options: ResolvedOptions,
): Promise<Message> {
  const what = `POST ${path}`;
  if (response.ok) {
    try {
      const data: unknown = JSON.parse(text as string);
      if (isMessage(data)) return data;
    } catch {
      // Not JSON: said below.
    }
  }
  const httpErrors = await import('./http-errors.js');
  throw response.ok
    ? httpErrors.notAMessage(text, response.status, what, options.token)
    : httpErrors.errorFromResponse(response, error, { what, method: 'POST', url: options.baseUrl + path }, options);
}

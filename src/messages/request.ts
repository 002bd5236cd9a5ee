// The request a checked messages.create sends: JSON, or multipart/form-data when there are files.
import type { CreateMessageBody, CreateMessageParams } from './types.js';
import { checkCreateParams } from './input-checks.js';
import { buildFormData } from './multipart.js';

export const createMessagePath = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';

/** The openapi-fetch request for create(params), checked before anything is sent, and the path it goes to. */
export async function checkedRequest(params: CreateMessageParams) {
  const { account_id, conversation_id, attachments, ...fields } = checkCreateParams(params) as Record<string, unknown> & {
    account_id: number;
    conversation_id: number;
    attachments?: readonly unknown[];
  };
  const body = attachments?.length ? await buildFormData(fields, attachments) : fields;
  return {
    url: createMessagePath,
    init: { params: { path: { account_id, conversation_id } }, body: body as CreateMessageBody, parseAs: 'text' as const },
    path: `/api/v1/accounts/${account_id}/conversations/${conversation_id}/messages`,
  };
}

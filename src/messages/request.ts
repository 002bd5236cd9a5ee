// The request a checked messages.create sends: JSON (with signed blob ids, if any), or
// multipart/form-data when there are files.
import type { CreateMessageBody, CreateMessageParams } from './types.js';
import { checkCreateParams, isBlobId } from './input-checks.js';
import { buildFormData } from './multipart.js';

export const createMessagePath = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';

/** The openapi-fetch request for create(params), checked before anything is sent, and the path it goes to. */
export async function checkedRequest(params: CreateMessageParams) {
  const { account_id, conversation_id, attachments, ...fields } = checkCreateParams(params) as Record<string, unknown> & {
    account_id: number;
    conversation_id: number;
    attachments?: readonly unknown[];
  };
  // Signed blob ids alone go in the JSON body, as Chatwoot's own tests send them; any file makes it
  // multipart, where the ids travel as text parts beside the files.
  const body = !attachments?.length
    ? fields
    : attachments.every(isBlobId)
      ? { ...fields, attachments }
      : await buildFormData(fields, attachments);
  return {
    url: createMessagePath,
    init: { params: { path: { account_id, conversation_id } }, body: body as CreateMessageBody, parseAs: 'text' as const },
    path: `/api/v1/accounts/${account_id}/conversations/${conversation_id}/messages`,
  };
}

// A user's TypeScript against the installed package's own .d.ts files. Type-checked (not run) under
// NodeNext and under bundler resolution; each @ts-expect-error fails the check if the types ever
// stop catching the mistake below it (for example if they decay to `any`).
import {
  ApiError,
  createClient,
  Digital99Error,
  RateLimitError,
  specVersion,
  type CreateMessageParams,
  type Message,
  type paths,
} from '99digital-client';

const client = createClient({ apiAccessToken: 'testToken1234567890', baseUrl: 'http://127.0.0.1:4010', retry: { retries: 1 } });

export async function sendHello(signal: AbortSignal): Promise<number> {
  const params: CreateMessageParams = { account_id: 1, conversation_id: 42, content: 'Hello from the API', message_type: 'outgoing' };
  const message: Message = await client.messages.create(params, { signal, timeoutMs: 5_000 });
  const id: number = message.id;
  const { data, response, requestId } = await client.messages.create(params).withResponse();
  const sameShape: Message = data;
  const status: number = response.status;
  const quoted: string | undefined = requestId;
  void [sameShape, status, quoted];
  const content: string | null = message.content;
  const messageType: number = message.message_type;
  void [content, messageType];

  // @ts-expect-error misspelt field: the parameter is conversation_id
  await client.messages.create({ account_id: 1, conversaton_id: 42, content: 'Hello' });
  // @ts-expect-error message_type is a string in requests ('outgoing'), a number only in responses
  await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello', message_type: 2 });
  // @ts-expect-error misspelt field of the result: it is content
  void message.contnet;
  // @ts-expect-error misspelt option: it is apiAccessToken
  createClient({ apiAccesToken: 'testToken1234567890' });

  return id;
}

export function describeFailure(error: unknown): string {
  if (error instanceof RateLimitError) return `rate limited, retry after ${error.retryAfterMs ?? 'unknown'} ms`;
  if (error instanceof ApiError) return `HTTP ${error.status} from ${error.method} ${error.url} (request id ${error.requestId ?? 'none'})`;
  if (error instanceof Digital99Error) return `${error.name} (may have been delivered: ${error.mayHaveBeenDelivered})`;
  return String(error);
}

// The openapi-fetch client, typed by the generated paths.
type CreatePath = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';
export const createPathHasPost: paths[CreatePath]['post'] extends object ? true : false = true;
export const specFrom: string = specVersion;

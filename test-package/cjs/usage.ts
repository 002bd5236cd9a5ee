// A CommonJS project's TypeScript (its package.json says "type": "commonjs", so this file compiles
// to require() calls). Type-checked with "module": "nodenext" (TypeScript 5.8+ knows require() of
// an ES module works on Node 20.19+), and "commonjs" with node10 resolution (main entry only).
import { ApiError, createClient, type Message, type MessageWithResponse } from '99digital-client';

const client = createClient({ apiAccessToken: 'testToken1234567890', baseUrl: 'http://127.0.0.1:4010' });

export async function send(): Promise<number> {
  const message: Message = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' });
  const full: MessageWithResponse = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' }).withResponse();
  const requestId: string | undefined = full.requestId;
  void requestId;
  // @ts-expect-error misspelt field: the parameter is conversation_id
  await client.messages.create({ account_id: 1, conversaton_id: 42, content: 'Hello' });
  return message.id;
}

export function status(error: unknown): number | undefined {
  return error instanceof ApiError ? error.status : undefined;
}

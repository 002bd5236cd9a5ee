// The testing entry, as a user's own test file would use it (Node only: it spawns Prism).
import { createClient } from '99digital-client';
import { startMockServer, type MockServer, type MockServerOptions } from '99digital-client/testing';

export async function withMock(options: MockServerOptions = {}): Promise<number> {
  const mock: MockServer = await startMockServer({ ...options, dynamic: false });
  try {
    const url: string = mock.url;
    const client = createClient({ apiAccessToken: 'testToken1234567890', baseUrl: url, retry: false });
    const message = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' });
    return message.id;
  } finally {
    await mock.close();
  }
}

// @ts-expect-error misspelt option: it is port
void startMockServer({ prot: 4010 });

// The testing entry, as a user's own test file would use it (Node only: it spawns Prism).
import { createClient } from '99digital-client';
import { startMockServer, type MockServer, type MockServerOptions, type RecordedRequest } from '99digital-client/testing';

export async function withMock(options: MockServerOptions = {}): Promise<number> {
  const mock: MockServer = await startMockServer({ ...options, respond: 'message' });
  try {
    const url: string = mock.url;
    const client = createClient({ apiAccessToken: 'testToken1234567890', baseUrl: url, retry: false });
    mock.enqueue({ delayMs: 10 }, { status: 429 });
    const message = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' });
    const seen: readonly RecordedRequest[] = mock.requests;
    return message.id + seen.length + mock.queued;
  } finally {
    mock.reset();
    await mock.close();
  }
}

// @ts-expect-error respond is 'message' or 'examples'
void startMockServer({ respond: 'echo' });

// @ts-expect-error misspelt option: it is port
void startMockServer({ prot: 4010 });

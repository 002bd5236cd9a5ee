// The README's example, run in a fresh project that installed the packed tarball and Prism:
// start the packaged mock, point a client at it, send a text message, check the typed result, what
// the mock saw, and a failure queued on it.
import { createClient, RateLimitError } from '99digital-client';
import { startMockServer } from '99digital-client/testing';
import { checkMessage, runtimeName } from './check-message.mjs';

const mock = await startMockServer();
try {
  const client = createClient({ apiAccessToken: 'testToken1234567890', baseUrl: mock.url, retry: false });

  const message = await client.messages.create({
    account_id: 1,
    conversation_id: 42,
    content: 'Hello from the API',
    message_type: 'outgoing',
  });

  checkMessage(message);
  // The mock answers with the message built from the request, and lists what it received.
  if (message.content !== 'Hello from the API') throw new Error(`the mock answered with content ${JSON.stringify(message.content)}`);
  const seen = mock.requests.map((request) => `${request.method} ${request.path} ${request.status}`);
  if (seen.join() !== 'POST /api/v1/accounts/1/conversations/42/messages 200') throw new Error(`the mock lists ${JSON.stringify(seen)}`);
  mock.enqueue({ status: 429 });
  const refused = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Again' }).catch((error) => error);
  if (!(refused instanceof RateLimitError)) throw new Error(`a queued 429 gave ${String(refused)}`);
  console.log(`${runtimeName()}: testing helper + client: message ${message.id} created in conversation ${message.conversation_id}`);
} finally {
  await mock.close();
}

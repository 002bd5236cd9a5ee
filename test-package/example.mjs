// The README's example, run in a fresh project that installed the packed tarball and Prism:
// start the packaged mock, point a client at it, send a text message, check the typed result.
import { createClient } from '99digital-client';
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
  console.log(`${runtimeName()}: testing helper + client: message ${message.id} created in conversation ${message.conversation_id}`);
} finally {
  await mock.close();
}

// The client alone, as a Node, Bun or Deno program would use it: no node: imports and no testing
// helper. The server is a mock started by the harness; its URL comes in DIGITAL99_BASE_URL, which
// createClient reads itself when no baseUrl is passed (on Deno: --allow-env=DIGITAL99_BASE_URL).
import { createClient, Digital99Error, InvalidInputError, NotFoundError } from '99digital-client';
import { createMany } from '99digital-client/bulk';
import { checkMessage, runtimeName } from './check-message.mjs';

const client = createClient({ apiAccessToken: 'testToken1234567890', retry: false, timeoutMs: 10_000 });

const message = await client.messages.create({
  account_id: 1,
  conversation_id: 42,
  content: 'Hello from the API',
  message_type: 'outgoing',
});
checkMessage(message);

// A mistake is refused before anything is sent, with the package's own error classes (which must
// survive the runtime's module loader as one class hierarchy).
let refused;
try {
  await client.messages.create({ account_id: 0, conversation_id: 42, content: 'Hello' });
} catch (error) {
  refused = error;
}
if (!(refused instanceof InvalidInputError && refused instanceof Digital99Error && refused.field === 'account_id')) {
  throw new Error(`expected an InvalidInputError for account_id, got ${String(refused)}`);
}

// An HTTP error (the mock answers 404 when asked to with Prefer): its error class and message come
// from a module the client loads only then, which must load on every runtime.
const notFound = await createClient({
  apiAccessToken: 'testToken1234567890',
  retry: false,
  fetch: (input, init) => {
    const request = new Request(input, init);
    request.headers.set('Prefer', 'code=404');
    return fetch(request);
  },
})
  .messages.create({ account_id: 1, conversation_id: 42, content: 'Hello' })
  .catch((error) => error);
if (!(notFound instanceof NotFoundError && notFound.status === 404 && /Check account_id and conversation_id/.test(notFound.message))) {
  throw new Error(`expected a NotFoundError for a 404, got ${String(notFound)}`);
}

// Bulk sending, from its own entry point (99digital-client/bulk), and reading a conversation back.
const batch = [];
for await (const result of createMany(
  client,
  [43, 44].map((conversation_id) => ({ account_id: 1, conversation_id, content: 'Batch' })),
)) {
  batch.push(result.status);
}
if (batch.join() !== 'sent,sent') throw new Error(`expected two sent results from createMany, got ${batch.join()}`);
const page = await client.messages.list({ account_id: 1, conversation_id: 42 });
if (!Array.isArray(page.payload)) throw new Error('expected messages.list to answer { meta, payload: [...] }');

console.log(
  `${runtimeName()}: client: message ${message.id} created; invalid input refused (${refused.name}); 404 answered (${notFound.name}); createMany sent ${batch.length}; list read ${page.payload.length}`,
);

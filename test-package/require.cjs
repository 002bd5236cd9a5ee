// CommonJS: require('99digital-client') loads the ES module through Node's require(esm)
// (unflagged from Node 20.19 and 22.12). The client against the harness's mock, and the testing
// helper's own mock, as a CommonJS test file would use them.
const { createClient, Digital99Error, InvalidInputError } = require('99digital-client');
const { startMockServer } = require('99digital-client/testing');

async function main() {
  const client = createClient({ apiAccessToken: 'testToken1234567890', retry: false, timeoutMs: 10_000 });
  const message = await client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello from CommonJS' });
  if (typeof message.id !== 'number' || typeof message.message_type !== 'number')
    throw new Error(`not a message: ${JSON.stringify(message)}`);
  const refused = await client.messages.create({ account_id: '1', conversation_id: 42, content: 'x' }).catch((error) => error);
  if (!(refused instanceof InvalidInputError && refused instanceof Digital99Error))
    throw new Error(`expected an InvalidInputError, got ${refused}`);
  console.log(`node ${process.versions.node}: require client: message ${message.id} created; ${refused.name} for a string id`);

  const mock = await startMockServer();
  try {
    const viaMock = await createClient({ apiAccessToken: 'testToken1234567890', baseUrl: mock.url, retry: false }).messages.create({
      account_id: 1,
      conversation_id: 42,
      content: 'Hello',
    });
    console.log(`node ${process.versions.node}: require testing helper: message ${viaMock.id} created`);
  } finally {
    await mock.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

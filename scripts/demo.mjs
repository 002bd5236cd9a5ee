#!/usr/bin/env node
// npm start: sends a text message and an interactive message through the typed client and shows
// what went out and what came back.
//   - No DIGITAL99_API_ACCESS_TOKEN: against the built-in Prism mock of openapi.yaml (nothing
//     leaves this machine). `npm start -- --mock` forces this even with a token set.
//   - DIGITAL99_API_ACCESS_TOKEN + DIGITAL99_ACCOUNT_ID + DIGITAL99_CONVERSATION_ID (and
//     DIGITAL99_BASE_URL, default https://online.99digital.co.il): against that server, as private
//     notes, so that the customer in that conversation sees nothing.
// Uses the built package (dist/), as a user of it would; `npm start` builds it first.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => pathToFileURL(resolve(root, 'dist', path)).href;

const tokenVar = 'DIGITAL99_API_ACCESS_TOKEN';
const env = (name) => (process.env[name] === '' ? undefined : process.env[name]);

/** One readable line, whatever the error (Prism's start error carries its log after a newline). */
function oneLine(error) {
  const text = error instanceof Error ? error.message : String(error);
  const tag =
    typeof error?.mayHaveBeenDelivered === 'boolean'
      ? error.mayHaveBeenDelivered
        ? ' [may have been delivered]'
        : ' [not delivered]'
      : '';
  return `${text
    .split('\n--- ')[0]
    .replace(/\s*\n\s*/g, ' ')
    .trim()}${tag}`;
}

function fail(message) {
  const error = new Error(message);
  error.name = 'DemoError';
  throw error;
}

function positiveId(name, fallback) {
  const raw = env(name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    fail(`${tokenVar} is set, so the demo talks to a real server: set ${name} too (or run \`npm start -- --mock\`).`);
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1) fail(`${name} must be a positive whole number, got "${raw}".`);
  return Number(raw);
}

/** A fetch that remembers the last answer's status and request id. */
function recordingFetch(state) {
  return async (input, init) => {
    const response = await fetch(input, init);
    state.last = { status: response.status, statusText: response.statusText, requestId: response.headers.get('x-request-id') };
    return response;
  };
}

/** The package's messageTypeName (0 incoming, 1 outgoing, 2 activity, 3 template), once dist/ is loaded. */
let typeName = () => undefined;

/** The body as JSON, one top-level field a line, so that it reads at a glance. */
function bodyLines(body) {
  const fields = Object.entries(body).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return ['{', fields.join(',\n'), '}'].join('\n').split('\n');
}

function printExchange(title, path, body, state, message) {
  const { last } = state;
  const created = message.created_at_exact ?? new Date(message.created_at * 1000).toISOString();
  const kind = [`${typeName(message.message_type) ?? 'type'} (${message.message_type})`, message.content_type];
  if (message.private) kind.push('private note');
  console.log(`\n${title}`);
  console.log(`  sent      POST ${path}`);
  for (const line of bodyLines(body)) console.log(`            ${line}`);
  const requestId = last.requestId === null ? 'no X-Request-Id header' : `X-Request-Id ${last.requestId}`;
  console.log(`  answer    HTTP ${last.status}${last.statusText ? ` ${last.statusText}` : ''} (${requestId})`);
  console.log(`  message   id ${message.id} in conversation ${message.conversation_id} · ${kind.join(', ')} · status ${message.status}`);
  console.log(`            created ${created}`);
  console.log(`            content ${JSON.stringify(message.content)}`);
  const items = message.content_attributes?.items;
  if (Array.isArray(items)) {
    console.log(`            options ${items.map((item) => `${item.title} (${item.value ?? item.name ?? '…'})`).join(' · ')}`);
  }
}

async function main() {
  if (!existsSync(resolve(root, 'dist', 'src', 'index.js'))) {
    fail('dist/ is missing: run `npm run build` first (`npm start` does).');
  }
  const { createClient, messageTypeName } = await import(dist('src/index.js'));
  typeName = messageTypeName;
  const useMock = env(tokenVar) === undefined || process.argv.includes('--mock');
  const state = { last: undefined };
  let mock;
  try {
    const target = useMock ? await againstMock(createClient, state) : againstServer(createClient, state);
    mock = target.mock;
    await sendBoth(target, state);
  } finally {
    if (mock) {
      await mock.close();
      console.log('\nMock server stopped.');
    }
  }
  printNextSteps();
}

/** The built-in mock: nothing leaves this machine. */
async function againstMock(createClient, state) {
  const { startMockServer } = await import(dist('src/testing/index.js'));
  console.log('99digital-client demo: against the built-in mock server (Prism serving openapi.yaml)');
  console.log(
    env(tokenVar) === undefined
      ? `  ${tokenVar} is not set, so nothing leaves this machine.`
      : '  --mock: the token in the environment is not used.',
  );
  const mock = await startMockServer();
  console.log(`  mock listening on ${mock.url}`);
  console.log('  Prism checks each request against openapi.yaml; the mock answers with the message the server would create.');
  return {
    mock,
    client: createClient({ apiAccessToken: 'demoTokenForTheMock0', baseUrl: mock.url, fetch: recordingFetch(state) }),
    account_id: positiveId('DIGITAL99_ACCOUNT_ID', 1),
    conversation_id: positiveId('DIGITAL99_CONVERSATION_ID', 42),
    isPrivate: false,
  };
}

/** The real server: both messages go as private notes. */
function againstServer(createClient, state) {
  const account_id = positiveId('DIGITAL99_ACCOUNT_ID');
  const conversation_id = positiveId('DIGITAL99_CONVERSATION_ID');
  // The token is read by createClient from the environment; it is never printed.
  const client = createClient({ fetch: recordingFetch(state) });
  console.log(`99digital-client demo: against ${env('DIGITAL99_BASE_URL') ?? 'https://online.99digital.co.il (the default)'}`);
  console.log(`  account ${account_id}, conversation ${conversation_id}`);
  console.log('  Both messages go as private notes (private: true): agents see them in the conversation,');
  console.log('  the customer does not, so trying the demo never writes to a customer.');
  return { mock: undefined, client, account_id, conversation_id, isPrivate: true };
}

async function sendBoth({ client, account_id, conversation_id, isPrivate }, state) {
  const path = `/api/v1/accounts/${account_id}/conversations/${conversation_id}/messages`;
  const text = {
    content: 'Hello from the 99digital-client demo',
    message_type: 'outgoing',
    ...(isPrivate ? { private: true } : {}),
  };
  const sentText = await client.messages.create({ account_id, conversation_id, ...text });
  printExchange('1. A text message', path, text, state, sentText);

  const interactive = {
    content: 'Which team should answer you?',
    message_type: 'outgoing',
    content_type: 'input_select',
    content_attributes: {
      items: [
        { title: 'Sales', value: 'sales' },
        { title: 'Support', value: 'support' },
      ],
    },
    ...(isPrivate ? { private: true } : {}),
  };
  const sentInteractive = await client.messages.create({ account_id, conversation_id, ...interactive });
  printExchange('2. An interactive message (input_select: the customer picks one option)', path, interactive, state, sentInteractive);
}

function printNextSteps() {
  console.log(`
Next steps
  API reference   npm run docs        → docs/index.html (one file, works offline)
                  npm run docs:serve  → browse it on a local port
  Send for real   read -rs ${tokenVar} && export ${tokenVar}   (keeps the token out of shell history)
                  DIGITAL99_BASE_URL=https://online.99digital.co.il DIGITAL99_ACCOUNT_ID=1 DIGITAL99_CONVERSATION_ID=42 npm start
                  (the demo then sends both messages as private notes)
  From the shell  npx 99digital send --account 1 --conversation 42 "Hello"    (--mock to try it here)
  In your code    import { createClient } from '99digital-client'`);
}

try {
  await main();
} catch (error) {
  console.error(`demo: ${oneLine(error)}`);
  process.exitCode = 1;
}

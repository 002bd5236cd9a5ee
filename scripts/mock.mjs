#!/usr/bin/env node
// npm run mock [-- --port 4010] [-- --respond examples]: the mock of the API (Prism judging each
// request against openapi.yaml, valid messages answered as the server would) for people to try the
// API against. Runs until Ctrl-C or SIGTERM, then stops Prism. Uses the built testing helper
// (dist/, which `npm ci` builds through `prepare`); builds it first when it is missing.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 4010;

const RESPONDS = ['message', 'examples'];
const usage = `Usage: npm run mock -- [--port <n>] [--respond message|examples]

  --port <n>        port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --respond <how>   how valid requests are answered: message (default: the message built from
                    the request, as the server answers) or examples (the spec's examples)
  --help            show this help`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      respond: { type: 'string', default: 'message' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (error) {
  console.error(`${error.message}\n\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be an integer from 0 to 65535, got "${values.port}".\n\n${usage}`);
  process.exit(2);
}

if (!RESPONDS.includes(values.respond)) {
  console.error(`--respond must be one of ${RESPONDS.join(', ')}, got "${values.respond}".\n\n${usage}`);
  process.exit(2);
}

const helper = resolve(root, 'dist/src/testing/index.js');
if (!existsSync(helper)) {
  console.log('dist/ is missing: building it first (npm run build)...');
  execFileSync(process.execPath, [resolve(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
}
const { startMockServer } = await import(pathToFileURL(helper).href);

let mock;
try {
  mock = await startMockServer({ port: port === 0 ? undefined : port, respond: values.respond });
} catch (error) {
  console.error(`Could not start the mock: ${error.message}`);
  if (/EADDRINUSE/.test(error.message)) console.error(`\nPort ${port} is taken. Try: npm run mock -- --port 0`);
  process.exit(1);
}

const endpoint = `${mock.url}/api/v1/accounts/1/conversations/42/messages`;
const answers = {
  message: 'valid requests answered with the message the server would create',
  examples: "valid requests answered with the spec's examples",
};
console.log(`99digital mock (Prism checks each request against openapi.yaml; ${answers[values.respond]}) on ${mock.url}

Try it:

curl -i -X POST "${endpoint}" \\
  -H "api_access_token: testToken1234567890" \\
  -H "Content-Type: application/json" \\
  -d '{"content": "Hello from the API", "message_type": "outgoing"}'

Read the conversation back:

curl -s "${endpoint}?after=0" -H "api_access_token: testToken1234567890"

A request that breaks the spec gets 422 saying what is wrong (Prism's full list: the sl-violations header).
Ask for a response example with -H "Prefer: example=cards", an error with -H "Prefer: code=401".
In code: createClient({ apiAccessToken: 'testToken1234567890', baseUrl: '${mock.url}' }).
Press Ctrl-C to stop.`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the mock...`);
  await mock.close();
  console.log('Mock stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

// If Prism ends on its own, say so (with its log) instead of hanging on a dead port.
await mock.exited;
// A Ctrl-C reaches Prism too (same process group): give our own SIGINT handler its turn first.
await new Promise((settle) => setTimeout(settle, 200));
if (!stopping) {
  console.error(`Prism stopped unexpectedly. Its log ends with:\n${mock.log()}`);
  process.exit(1);
}

#!/usr/bin/env node
// npm run test:contract: checks a live 99digital (Chatwoot) server against openapi.yaml.
//
// Posts ONE private note (agents see it, the contact never does) into the conversation named by
// DIGITAL99_ACCOUNT_ID / DIGITAL99_CONVERSATION_ID on DIGITAL99_BASE_URL, through Prism in proxy
// mode with --errors: Prism refuses to forward a request that breaks the spec, and checks the
// server's answer against it. Between Prism and the server sits a small recorder on 127.0.0.1 that
// keeps the server's raw answer, because with --errors Prism replaces an answer that breaks the
// spec with its own 500, and the raw body is needed to tell which message_type numbering the
// server uses (openapi.yaml follows the server's enum, 0-3; the 99digital reference's table says 1-4).
//
// Exit codes: 0 no differences (or skipped: a variable is missing), 1 differences found,
// 2 the check could not run (bad settings, server unreachable, Prism failed).
// The token is never printed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = resolve(root, 'openapi.yaml');
const REQUIRED = ['DIGITAL99_BASE_URL', 'DIGITAL99_API_ACCESS_TOKEN', 'DIGITAL99_ACCOUNT_ID', 'DIGITAL99_CONVERSATION_ID'];

// The numbering of the 99digital reference's table, a documentation slip that openapi.yaml does not
// follow (it follows the server's enum, 0 incoming ... 3 template: MessageType in the package).
const REFERENCE_TABLE_TYPES = { 1: 'incoming', 2: 'outgoing', 3: 'activity', 4: 'template' };

const missing = REQUIRED.filter((name) => (process.env[name] ?? '').trim() === '');
if (missing.length > 0) {
  console.log(`Contract test SKIPPED: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set.

It posts one private note into a real conversation and compares the server's answer with
openapi.yaml. To run it, set all of:
  DIGITAL99_BASE_URL          e.g. https://online.99digital.co.il
  DIGITAL99_API_ACCESS_TOKEN  a user API key (from the profile page)
  DIGITAL99_ACCOUNT_ID        the account id (the number after /accounts/ in dashboard URLs)
  DIGITAL99_CONVERSATION_ID   a conversation's display id (#42 in the dashboard -> 42)`);
  process.exit(0);
}

const token = process.env.DIGITAL99_API_ACCESS_TOKEN.trim();
/** Everything printed goes through here: the token never reaches the output. */
const redact = (text) => String(text).split(token).join('[redacted token]');
const say = (text = '') => console.log(redact(text));
const fail = (text) => {
  console.error(redact(text));
  process.exit(2);
};

let baseUrl;
try {
  baseUrl = new URL(process.env.DIGITAL99_BASE_URL.trim());
} catch {
  fail(`DIGITAL99_BASE_URL is not a URL: "${process.env.DIGITAL99_BASE_URL}".`);
}
if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') fail('DIGITAL99_BASE_URL must be an http(s) URL.');
const accountId = process.env.DIGITAL99_ACCOUNT_ID.trim();
const conversationId = process.env.DIGITAL99_CONVERSATION_ID.trim();
for (const [name, value] of [
  ['DIGITAL99_ACCOUNT_ID', accountId],
  ['DIGITAL99_CONVERSATION_ID', conversationId],
]) {
  if (!/^[1-9]\d*$/.test(value)) fail(`${name} must be a positive integer, got "${value}".`);
}

const prismModule = resolve(root, 'dist/src/testing/prism.js');
if (!existsSync(prismModule)) {
  say('dist/ is missing: building it first (npm run build)...');
  execFileSync(process.execPath, [resolve(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
}
const { startPrism } = await import(pathToFileURL(prismModule).href);
const { MessageType, messageTypeName } = await import(pathToFileURL(resolve(root, 'dist/src/index.js')).href);

// ---- the recorder between Prism and the server --------------------------------------------------

const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'accept-encoding',
  'upgrade',
  'proxy-connection',
]);
/** What the server answered (or why it could not be reached). */
let recorded;

const recorder = createServer((request, reply) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const target = new URL(baseUrl.pathname.replace(/\/$/, '') + request.url, baseUrl.origin);
    const headers = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    try {
      const response = await fetch(target, {
        method: request.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
        // Never follow a redirect: it could carry the token to another origin.
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      const body = Buffer.from(await response.arrayBuffer());
      recorded = { status: response.status, headers: Object.fromEntries(response.headers), text: body.toString('utf8') };
      const replyHeaders = {};
      for (const [name, value] of response.headers) {
        if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') replyHeaders[name] = value;
      }
      reply.writeHead(response.status, replyHeaders).end(body);
    } catch (error) {
      recorded = {
        error:
          error instanceof Error
            ? `${error.name}: ${error.message}${error.cause ? ` (${error.cause.message ?? error.cause})` : ''}`
            : String(error),
      };
      reply.writeHead(502, { 'content-type': 'text/plain' }).end('contract recorder: server unreachable');
    }
  });
});
await new Promise((listening) => recorder.listen(0, '127.0.0.1', listening));
const recorderUrl = `http://127.0.0.1:${recorder.address().port}`;

let prism;
const cleanUp = async () => {
  await prism?.close();
  await new Promise((closed) => recorder.close(closed));
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => void cleanUp().then(() => process.exit(130)));
}

try {
  prism = await startPrism({ command: ['proxy', specPath, recorderUrl], host: '127.0.0.1', errors: true, searchFrom: [import.meta.url] });
} catch (error) {
  await cleanUp();
  fail(`Could not start Prism (proxy mode): ${error.message}`);
}

// ---- the request ---------------------------------------------------------------------------------

const path = `/api/v1/accounts/${accountId}/conversations/${conversationId}/messages`;
const sent = { content: `99digital-client contract test ${new Date().toISOString()}`, message_type: 'outgoing', private: true };
say(`Contract test: POST ${path} on ${baseUrl.origin}${baseUrl.pathname.replace(/\/$/, '')}`);
say(`  through Prism ${prism.url} (proxy, --errors) checking against ${specPath}`);
say(`  sending a private note: "${sent.content}"`);
say();

let answer;
try {
  const response = await fetch(`${prism.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', api_access_token: token },
    body: JSON.stringify(sent),
    signal: AbortSignal.timeout(60_000),
  });
  answer = { status: response.status, violations: response.headers.get('sl-violations'), text: await response.text() };
} catch (error) {
  const log = prism.log();
  await cleanUp();
  fail(`The request through Prism failed: ${error.message}\nPrism's log:\n${log}`);
}
await cleanUp();

// ---- the differences ----------------------------------------------------------------------------

const differences = [];
const agreements = [];
const notes = [];

const violations = parseViolations(answer.violations, answer.text);
if (recorded === undefined) {
  // Prism did not forward: our own request broke the spec (a bug in this script or the spec).
  fail(
    `Prism refused the request before it reached the server (${answer.status}); nothing was posted.\n${formatViolations(violations)}\n${answer.text}`,
  );
}
if (recorded.error !== undefined) fail(`Could not reach ${baseUrl.origin}: ${recorded.error}`);

say(`Server answered ${recorded.status}.`);
for (const violation of violations) {
  differences.push(`${violation.location.join('.')}: ${violation.message}`);
}

const body = parseJson(recorded.text);
if (recorded.status !== 200) {
  const why = body?.error ?? (Array.isArray(body?.errors) ? body.errors.join('; ') : recorded.text.slice(0, 300));
  differences.push(`status: the server answered ${recorded.status} (${why}); openapi.yaml expects 200 for this request.`);
  if (recorded.status === 401) {
    notes.push(
      '401: check DIGITAL99_API_ACCESS_TOKEN, and whether a proxy drops headers with underscores (try the Api-Access-Token spelling).',
    );
  }
  if (recorded.status === 404) notes.push('404: check DIGITAL99_ACCOUNT_ID and DIGITAL99_CONVERSATION_ID (the conversation display id).');
  if (recorded.status >= 300 && recorded.status < 400)
    notes.push(`A redirect to ${recorded.headers.location ?? '(no location)'} was not followed (it could carry the token elsewhere).`);
} else if (body === undefined || typeof body !== 'object' || body === null) {
  differences.push(`body: the server answered 200 with something that is not a JSON object: ${recorded.text.slice(0, 200)}`);
} else {
  // message_type numbering: the spec follows the server's enum (1 = outgoing); the 99digital
  // reference's table would say 2. We sent an outgoing message, so the number settles it.
  const type = body.message_type;
  if (type === MessageType.outgoing) {
    agreements.push(
      `message_type: ${type} for an outgoing message, the server's numbering (0 incoming, 1 outgoing, 2 activity, 3 template) that openapi.yaml follows.`,
    );
  } else if (type === 2) {
    differences.push(
      "message_type: the server answered 2 for an outgoing message. It numbers message types like the 99digital reference's table (1 incoming, 2 outgoing, 3 activity, 4 template), not like Chatwoot's enum that openapi.yaml follows (0 incoming, 1 outgoing, 2 activity, 3 template). Change ResponseMessageType (and its x-enum-varnames) in openapi.yaml, the response examples and MessageType to 1-4.",
    );
  } else {
    const server = messageTypeName(type) ?? 'nothing';
    const table = REFERENCE_TABLE_TYPES[type] ?? 'nothing';
    differences.push(
      `message_type: the server answered ${JSON.stringify(type)} for an outgoing message; that is ${server} in the server numbering openapi.yaml follows and ${table} in the 99digital reference's table. openapi.yaml expects ${MessageType.outgoing}.`,
    );
  }
  if (body.private !== true) differences.push(`private: sent true, the server answered ${JSON.stringify(body.private)}.`);
  else agreements.push('private: true, as sent (the note is visible to agents only).');
  if (body.content !== sent.content)
    differences.push(`content: the server answered ${JSON.stringify(body.content)}, not the content sent.`);
  if (body.content_type !== 'text')
    differences.push(
      `content_type: the server answered ${JSON.stringify(body.content_type)}; a message sent without content_type should be text.`,
    );
  if (violations.length === 0) agreements.push('The answer matches the Message schema of openapi.yaml (Prism found no violations).');
  const described = new Set([
    'id',
    'content',
    'inbox_id',
    'conversation_id',
    'message_type',
    'content_type',
    'status',
    'content_attributes',
    'created_at',
    'private',
    'source_id',
    'echo_id',
    'sender',
    'attachments',
    'created_at_exact',
  ]);
  const extra = Object.keys(body).filter((key) => !described.has(key));
  if (extra.length > 0)
    notes.push(`Fields the server sent that openapi.yaml does not describe (allowed, not a difference): ${extra.join(', ')}.`);
  if (typeof body.id === 'number')
    notes.push(`The note was posted as message ${body.id} in conversation ${conversationId} of account ${accountId}.`);
}

for (const line of agreements) say(`  ok    ${line}`);
say();
if (differences.length === 0) {
  say('No differences between the server and openapi.yaml.');
} else {
  say(`${differences.length} difference${differences.length === 1 ? '' : 's'} between the server and openapi.yaml:`);
  for (const line of differences) say(`  DIFF  ${line}`);
}
for (const line of notes) say(`  note  ${line}`);
process.exit(differences.length === 0 ? 0 : 1);

// ---- helpers --------------------------------------------------------------------------------------

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Prism's violations: the sl-violations header, or (when cut short) the problem+json body's list. */
function parseViolations(header, text) {
  const fromBody = parseJson(text)?.validation;
  if (header === null) return Array.isArray(fromBody) ? fromBody : [];
  const parsed = parseJson(header.replace(/^Too many violations! /, ''));
  if (Array.isArray(parsed)) return parsed;
  if (Array.isArray(fromBody)) return fromBody;
  return [{ location: ['(Prism)'], message: header }];
}

function formatViolations(list) {
  return list.map((v) => `  ${v.location.join('.')}: ${v.message}`).join('\n');
}

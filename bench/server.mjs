// The benchmark's server: answers POST /api/v1/accounts/1/conversations/42/messages with the
// TextMessageResponse example of openapi.yaml (with content-length), on 127.0.0.1 only.
// Runs in its own process (forked by scripts/bench.mjs) so its CPU time is not counted as the
// client's. Every request is checked (method, path, token, JSON body): a variant that sent
// something else is reported, not silently measured.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = parseYaml(readFileSync(resolve(root, 'openapi.yaml'), 'utf8'));
const example = spec.components.examples.TextMessageResponse.value;
const payload = Buffer.from(JSON.stringify(example));
const expectedPath = '/api/v1/accounts/1/conversations/42/messages';
const token = process.env.BENCH_TOKEN ?? 'benchToken1234567890';

let served = 0;
let wrong = 0;
let lastWrong = '';

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let ok = req.method === 'POST' && req.url === expectedPath && req.headers.api_access_token === token;
    ok &&= (req.headers['content-type'] ?? '').startsWith('application/json');
    if (ok) {
      try {
        ok = typeof JSON.parse(Buffer.concat(chunks).toString('utf8')).content === 'string';
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      wrong++;
      lastWrong = `${req.method} ${req.url} content-type=${req.headers['content-type']}`;
      res.writeHead(400, { 'content-type': 'text/plain', 'content-length': '3' }).end('bad');
      return;
    }
    served++;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(payload.length) });
    res.end(payload);
  });
});
// Connections stay open across rounds: the bench measures requests, not TCP handshakes.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: server.address().port, bytes: payload.length });
});
process.on('message', (msg) => {
  if (msg === 'stats') process.send?.({ served, wrong, lastWrong });
  if (msg === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
// The parent died: do not linger.
process.on('disconnect', () => process.exit(0));

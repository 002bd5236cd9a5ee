#!/usr/bin/env node
// Serves docs/ on http://127.0.0.1:<port> for reading the API reference in a browser.
//   node scripts/docs-serve.mjs [--port 8080]     (npm run docs:serve -- --port 9000)
// Builds docs/index.html first when it is missing or older than openapi.yaml or redocly.yaml.
// Ctrl-C (SIGINT) or SIGTERM stops it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docsDir = resolve(root, 'docs');
const indexPath = resolve(docsDir, 'index.html');
const sources = ['openapi.yaml', 'redocly.yaml'].map((name) => resolve(root, name));

const usage = 'usage: node scripts/docs-serve.mjs [--port 8080]';
let flags;
try {
  ({ values: flags } = parseArgs({ options: { port: { type: 'string', default: '8080' } } }));
} catch (error) {
  console.error(`docs:serve: ${error.message}\n${usage}`);
  process.exit(2);
}
const port = Number(flags.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`docs:serve: --port must be a whole number from 0 to 65535, got "${flags.port}"`);
  process.exit(2);
}

function staleReason() {
  if (!existsSync(indexPath)) return 'docs/index.html is missing';
  const built = statSync(indexPath).mtimeMs;
  const newer = sources.find((path) => statSync(path).mtimeMs > built);
  return newer ? `${newer.slice(root.length + 1)} changed since the last build` : undefined;
}

const reason = staleReason();
if (reason) {
  console.log(`docs:serve: ${reason}; building`);
  try {
    execFileSync(process.execPath, [resolve(root, 'scripts', 'docs.mjs')], { stdio: 'inherit' });
  } catch {
    process.exit(1); // docs.mjs has said why
  }
}

const types = { '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  let file;
  try {
    file = resolve(docsDir, `.${decodeURIComponent(pathname === '/' ? '/index.html' : pathname)}`);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request path\n');
    return;
  }
  if (file.startsWith(docsDir + sep) && existsSync(file) && statSync(file).isFile()) {
    // Read per request, so a rebuild shows on reload without restarting the server.
    const body = readFileSync(file);
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  if (extname(pathname) === '') {
    // Redoc's links are /messages/createmessage-style paths but it routes on the hash; send a
    // link opened in a new tab to the page it names instead of a 404.
    res.writeHead(302, { location: `/#${pathname}` }).end();
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
});

server.on('error', (error) => {
  const hint = error.code === 'EADDRINUSE' ? `; another process uses port ${port}, try --port ${port + 1}` : '';
  console.error(`docs:serve: ${error.message}${hint}`);
  process.exit(1);
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  console.log(`docs:serve: serving docs/ at ${url}  (Ctrl-C to stop)`);
});

function stop(signal) {
  console.log(`\ndocs:serve: ${signal}, stopping`);
  server.close(() => process.exit(0));
  // Browsers hold keep-alive connections open; without this, close() would wait for them.
  server.closeAllConnections();
}
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));

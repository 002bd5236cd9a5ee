// The size budget of what an app loads when it sends a message: one esbuild bundle (ESM, minified,
// tree-shaken, no code splitting, openapi-fetch included) of an app that imports createClient and
// sends a message, gzipped. The bundle is also run, so the figure is of code that works, and checked
// for what must not be in it (the Prism testing helper, the CLI, Node built-ins: it runs in browsers
// and Workers).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Gzipped bytes of the whole bundle (see bench/results.md, Bundle size), held just above the
 * measured figure. Issue 24 asks for 18 KB (18,432 B); of today's figure, the checks Ajv compiles
 * from the spec (with the facts their wording reads) are about 5.3 KB, openapi-fetch (client.api)
 * 2.5 KB, and the reads the contract puts on every client (messages.list/listAll/reconcile,
 * conversations.get) 2.1 KB. History: 18,558 B with issue 11's compiled checks, 19,031 B with
 * issue 15's additions, 22,628 B with createMany on every client; 18,338 B with createMany in
 * 99digital-client/bulk; 19,245 B with the spec's later additions; 22,564 B with issue 22's reads
 * and reconcile and signed blob ids; 22,029 B after issue 24's second pass (tagged oneOfs as Ajv's
 * discriminator, no type beside an enum that implies it, wording said once, requestFacts cut to
 * what the client reads).
 */
const budgetBytes = 22_100;

/** The app: a client, one message sent to a fetch that answers like the server, its id printed. */
const app = `
import { createClient } from '99digital-client';
const message = { id: 7, content: 'Hi', message_type: 1, created_at: 1700000000 };
const client = createClient({
  apiAccessToken: 'bundleTestToken12345',
  baseUrl: 'https://chat.example.com',
  fetch: async () => new Response(JSON.stringify(message), { status: 200, headers: { 'content-type': 'application/json' } }),
});
const sent = await client.messages.create({ account_id: 1, conversation_id: 2, content: 'Hi', message_type: 'outgoing' });
console.log('sent ' + sent.id);
`;

let code = '';
let gzipped = 0;
let inputs: string[] = [];
let dir = '';

beforeAll(async () => {
  const result = await build({
    stdin: { contents: app, resolveDir: root, loader: 'js', sourcefile: 'app.js' },
    // From source, so the figure never comes from a stale dist/ (dist/src/index.js gives the same size within a few bytes).
    alias: { '99digital-client': resolve(root, 'src/index.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [file] = result.outputFiles;
  code = file!.text;
  gzipped = gzipSync(file!.contents, { level: 9 }).length;
  const [output] = Object.values((result.metafile as Metafile).outputs);
  inputs = Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([input]) => input)
    .sort();
  console.log(
    `runtime bundle (an app that sends one message): ${gzipped} bytes gzipped, ${file!.contents.length} minified (budget ${budgetBytes})`,
  );
  dir = mkdtempSync(join(tmpdir(), 'bundle-'));
  writeFileSync(join(dir, 'app.mjs'), code);
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the runtime bundle of an app that sends a message', () => {
  it(`is at most ${budgetBytes} bytes gzipped`, () => {
    expect(gzipped).toBeGreaterThan(1024);
    expect(gzipped).toBeLessThanOrEqual(budgetBytes);
  });

  it('runs and sends the message', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'app.mjs')]);
    expect(stdout.trim()).toBe('sent 7');
  });

  it('holds openapi-fetch and the client, and nothing from the testing helper or the CLI', () => {
    expect(inputs).toContain('node_modules/openapi-fetch/dist/index.mjs');
    expect(inputs).toContain('src/client/create-client.ts');
    expect(inputs.filter((path) => path.startsWith('src/testing/') || path.startsWith('src/cli/') || path.includes('prism'))).toEqual([]);
  });

  it('imports no Node.js built-in (it runs in browsers and Workers)', () => {
    // platform 'browser' would already fail the build on an unresolvable built-in; this also
    // catches one left as a string for a dynamic import.
    for (const builtIn of ['node:', 'child_process', 'require("fs")', "require('fs')", 'process.binding']) {
      expect(code).not.toContain(builtIn);
    }
  });
});

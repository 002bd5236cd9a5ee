// The size budget of what a browser app loads when it imports the client: the runtime entry bundled
// the way a user's bundler sees `import { createClient } from '99digital-client'` (esbuild: ESM,
// minified, tree-shaken, code splitting so that the package's dynamic imports become chunks of their
// own, openapi-fetch included), then gzipped chunk by chunk (each is its own file to fetch).
// "Up front" is the entry chunk plus every chunk it imports statically. The other chunks load on
// the paths that need them: this test runs the bundle on Node and checks which chunks each path
// loads (a message sent and answered loads the input checks and the request code; an HTTP error,
// files, debug lines, a retry load theirs only then), and budgets "up front" and "up front plus the
// first message sent". It also checks that the parts of the package meant for Node only (the Prism
// testing helper, the CLI) are in no chunk.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Gzipped bytes loaded up front (see bench/results.md). */
const budgetBytes = 5 * 1024;
/** Gzipped bytes loaded once the first message has been sent (up front included). */
const firstMessageBudgetBytes = 9 * 1024 + 512;

interface Chunk {
  /** The file name, without esbuild's directory. */
  name: string;
  code: string;
  gzipped: number;
  /** Source files (relative to the repo) with code in this chunk. */
  inputs: string[];
  staticImports: string[];
}

interface Bundle {
  chunks: Map<string, Chunk>;
  entry: Chunk;
}

async function bundle(options: { outdir?: string; banner?: string } = {}): Promise<Bundle> {
  const result = await build({
    // What an app that uses the client contains, as the bundler sees it.
    stdin: { contents: "export { createClient } from '99digital-client';", resolveDir: root, loader: 'js', sourcefile: 'app.js' },
    // The package's runtime entry, from source so the figure never comes from a stale dist/
    // (bundling dist/src/index.js gives the same size within a few bytes).
    alias: { '99digital-client': resolve(root, 'src/index.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    outdir: options.outdir ?? 'out',
    absWorkingDir: root,
    write: options.outdir !== undefined,
    metafile: true,
    logLevel: 'silent',
    ...(options.banner === undefined ? {} : { banner: { js: options.banner } }),
  });
  const chunks = new Map<string, Chunk>();
  let entry: Chunk | undefined;
  for (const [path, meta] of Object.entries((result.metafile as Metafile).outputs)) {
    const file = result.outputFiles?.find((f) => f.path === resolve(root, path));
    const contents = file?.contents;
    const chunk: Chunk = {
      name: basename(path),
      code: file?.text ?? '',
      gzipped: contents ? gzipSync(contents, { level: 9 }).length : 0,
      inputs: Object.entries(meta.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([input]) => input),
      staticImports: meta.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => basename(i.path)),
    };
    chunks.set(chunk.name, chunk);
    // Chunks behind a dynamic import name the imported file as their entryPoint too.
    if (meta.entryPoint === 'app.js') entry = chunk;
  }
  if (entry === undefined) throw new Error('esbuild produced no entry chunk');
  return { chunks, entry };
}

/** The entry chunk and every chunk it imports statically, transitively: what loads up front. */
function upFront({ chunks, entry }: Bundle): Chunk[] {
  const seen = new Map<string, Chunk>();
  const visit = (chunk: Chunk) => {
    if (seen.has(chunk.name)) return;
    seen.set(chunk.name, chunk);
    for (const name of chunk.staticImports) visit(chunks.get(name)!);
  };
  visit(entry);
  return [...seen.values()];
}

const filesIn = (list: Chunk[]) => [...new Set(list.flatMap((chunk) => chunk.inputs))].sort();
const gzippedSize = (list: Chunk[]) => list.reduce((sum, chunk) => sum + chunk.gzipped, 0);

/**
 * Runs `scenario` (an expression that evaluates to a string naming the outcome) in a new Node
 * process against the bundle in `dir`, whose every chunk records itself when it runs. Returns the
 * outcome and the names of the chunks that ran.
 */
async function run(dir: string, entry: Chunk, scenario: string): Promise<{ outcome: string; ran: string[] }> {
  const script = `
    globalThis.__chunksRun = [];
    const { createClient } = await import(process.argv[1]);
    const message = { id: 1, content: 'Hi', message_type: 2, created_at: 1700000000 };
    const json = (status, body) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const refused = () => { throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }); };
    const client = (answers, options = {}) => {
      let calls = 0;
      const fetch = async () => answers[Math.min(calls++, answers.length - 1)]();
      return createClient({ apiAccessToken: 'tok_bundle', baseUrl: 'https://chat.example.com', fetch, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 }, ...options });
    };
    const params = { account_id: 1, conversation_id: 2, content: 'Hi' };
    const path = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';
    let outcome;
    try {
      outcome = await (${scenario});
    } catch (error) {
      outcome = error.name;
    }
    process.stdout.write(JSON.stringify({ outcome, ran: globalThis.__chunksRun }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(join(dir, entry.name)).href]);
  const { outcome, ran } = JSON.parse(stdout) as { outcome: string; ran: string[] };
  return { outcome, ran: ran.map((url) => basename(fileURLToPath(url))) };
}

let sized: Bundle;
let runnable: Bundle;
let runnableDir: string;

beforeAll(async () => {
  sized = await bundle();
  runnableDir = mkdtempSync(join(tmpdir(), 'bundle-paths-'));
  runnable = await bundle({ outdir: runnableDir, banner: 'globalThis.__chunksRun?.push(import.meta.url);' });
  const front = upFront(sized);
  console.log(
    `runtime bundle: up front ${gzippedSize(front)} bytes gzipped in ${front.length} chunk(s) (budget ${budgetBytes}); ` +
      `all ${sized.chunks.size} chunks ${gzippedSize([...sized.chunks.values()])} bytes gzipped`,
  );
  for (const chunk of sized.chunks.values()) {
    const kind = chunk === sized.entry ? 'entry ' : front.includes(chunk) ? 'static' : 'lazy  ';
    console.log(`  ${kind} ${String(chunk.gzipped).padStart(5)} B gz: ${chunk.inputs.join(', ') || '(re-exports)'}`);
  }
}, 60_000);

afterAll(() => {
  if (runnableDir) rmSync(runnableDir, { recursive: true, force: true });
});

describe('the runtime bundle', () => {
  it(`loads at most ${budgetBytes} bytes gzipped up front`, () => {
    expect(sized.entry.gzipped).toBeGreaterThan(0);
    expect(gzippedSize(upFront(sized))).toBeLessThanOrEqual(budgetBytes);
  });

  it('loads openapi-fetch, createClient and the option checks up front, and nothing of the failure paths', () => {
    const front = filesIn(upFront(sized));
    expect(front).toEqual(['node_modules/openapi-fetch/dist/index.mjs', 'src/client.ts', 'src/errors.ts', 'src/messages.ts', 'src/options.ts']);
  });

  it('has nothing from the testing helper or the CLI in any chunk', () => {
    const all = filesIn([...sized.chunks.values()]);
    expect(all).toContain('src/http-errors.ts');
    expect(all.filter((path) => path.startsWith('src/testing/') || path.startsWith('src/cli/'))).toEqual([]);
    expect(all.filter((path) => path.includes('prism'))).toEqual([]);
  });

  it('imports no Node.js built-in in any chunk (it runs in browsers)', () => {
    // platform 'browser' would already fail the build on an unresolvable built-in; this also
    // catches one left as a string for a dynamic import.
    for (const chunk of sized.chunks.values()) {
      for (const builtIn of ['node:', 'child_process', 'require("fs")', "require('fs')", 'process.binding']) {
        expect(chunk.code, chunk.name).not.toContain(builtIn);
      }
    }
  });
});

describe('what each path loads beyond what is loaded up front', () => {
  /** The source files of the chunks a scenario ran that are not loaded up front. */
  async function loadedBy(scenario: string, outcome: string): Promise<string[]> {
    const result = await run(runnableDir, runnable.entry, scenario);
    expect(result.outcome).toBe(outcome);
    const front = new Set(upFront(runnable).map((chunk) => chunk.name));
    for (const name of front) expect(result.ran).toContain(name);
    return filesIn(result.ran.filter((name) => !front.has(name)).map((name) => runnable.chunks.get(name)!));
  }

  const request = ['src/attempts.ts', 'src/sendable-request.ts', 'src/transport.ts'];
  const firstMessage = [...request, 'src/closest-name.ts', 'src/input-checks.ts', 'src/message-io.ts'].sort();
  const failures = ['src/network-failures.ts', 'src/redact.ts', 'src/retry.ts'];

  it('createClient alone: nothing', async () => {
    expect(await loadedBy("client([]) && 'created'", 'created')).toEqual([]);
  });

  it(`a message sent and answered: the input checks and the request code, and at most ${firstMessageBudgetBytes} bytes gzipped with what was loaded up front`, async () => {
    const files = await loadedBy('client([json(200, message)]).messages.create(params).then((m) => `message ${m.id}`)', 'message 1');
    expect(files).toEqual(firstMessage);
    const loaded = [...sized.chunks.values()].filter((chunk) => chunk.inputs.some((input) => files.includes(input)));
    const size = gzippedSize([...upFront(sized), ...loaded]);
    console.log(`runtime bundle: up front plus the first message sent: ${size} bytes gzipped (budget ${firstMessageBudgetBytes})`);
    expect(size).toBeLessThanOrEqual(firstMessageBudgetBytes);
  });

  it('client.api.POST answered: the request code only', async () => {
    const call = "client([json(200, message)]).api.POST(path, { params: { path: { account_id: 1, conversation_id: 2 } }, body: { content: 'Hi' } })";
    expect(await loadedBy(`${call}.then((r) => 'status ' + r.response.status)`, 'status 200')).toEqual(request);
  });

  it('input that is wrong: the input checks (and, loaded beside them, the request code), nothing sent', async () => {
    expect(await loadedBy("client([refused]).messages.create({ ...params, account_id: '1' })", 'InvalidInputError')).toEqual(firstMessage);
  });

  it('an HTTP error: the error messages too', async () => {
    const files = await loadedBy("client([json(404, { error: 'Resource could not be found' })]).messages.create(params)", 'NotFoundError');
    expect(files).toEqual([...firstMessage, ...failures, 'src/http-errors.ts'].sort());
  });

  it('files: the multipart encoder too', async () => {
    const files = await loadedBy("client([json(200, message)]).messages.create({ ...params, attachments: [new Blob(['x'])] }).then(() => 'sent')", 'sent');
    expect(files).toEqual([...firstMessage, 'src/multipart.ts'].sort());
  });

  it('debug lines: the line writer too', async () => {
    const files = await loadedBy("client([json(200, message)], { debug: () => {} }).messages.create(params).then(() => 'sent')", 'sent');
    expect(files).toEqual([...firstMessage, 'src/debug-log.ts', 'src/redact.ts'].sort());
  });

  it.each([
    ['a 503 then 200', 'json(503, {})'],
    ['a refused connection then 200', 'refused'],
  ])('%s: the retry code too', async (_name, first) => {
    const files = await loadedBy(`client([${first}, json(200, message)]).messages.create(params).then(() => 'sent')`, 'sent');
    expect(files).toEqual([...firstMessage, ...failures].sort());
  });
});

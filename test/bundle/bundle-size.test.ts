// The size budget of what a browser app loads up front when it imports the client: the runtime
// entry bundled the way a user's bundler sees `import { createClient } from '99digital-client'`
// (esbuild: ESM, minified, tree-shaken, code splitting so that the package's dynamic imports become
// chunks of their own, openapi-fetch included), then gzipped. "Up front" is the entry chunk plus
// every chunk it imports statically; the chunks behind dynamic imports are loaded only on the paths
// that need them (an error, files, debug lines, a retry) and are counted in the total.
// It also checks that the parts of the package meant for Node only (the Prism testing helper, the
// CLI) stay out of it.
import { build, type Metafile } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Gzipped bytes allowed for what is loaded up front (see bench/results.md). */
const budgetBytes = 11 * 1024;

interface Chunk {
  path: string;
  code: string;
  gzipped: number;
  /** Source files (relative to the repo) with code in this chunk. */
  inputs: string[];
  staticImports: string[];
  dynamicImports: string[];
}

const chunks = new Map<string, Chunk>();
let entry!: Chunk;

/** The entry chunk and every chunk it imports statically, transitively: what loads up front. */
function upFront(): Chunk[] {
  const seen = new Map<string, Chunk>();
  const visit = (chunk: Chunk) => {
    if (seen.has(chunk.path)) return;
    seen.set(chunk.path, chunk);
    for (const path of chunk.staticImports) visit(chunks.get(path)!);
  };
  visit(entry);
  return [...seen.values()];
}

/** The source files whose code is loaded by the chunks given and what they import statically. */
function filesIn(list: Chunk[]): string[] {
  return [...new Set(list.flatMap((chunk) => chunk.inputs))];
}

/** The chunks a dynamic import of `file` (a source file) would load, beyond what is loaded up front. */
function chunkHolding(file: string): Chunk {
  const found = [...chunks.values()].filter((chunk) => chunk.inputs.includes(file));
  expect(found, `${file} is in exactly one chunk`).toHaveLength(1);
  return found[0]!;
}

const gzippedSize = (list: Chunk[]) => list.reduce((sum, chunk) => sum + chunk.gzipped, 0);

beforeAll(async () => {
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
    outdir: 'out',
    absWorkingDir: root,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = (result.metafile as Metafile).outputs;
  for (const file of result.outputFiles) {
    const path = Object.keys(outputs).find((key) => file.path === resolve(root, key));
    if (path === undefined) throw new Error(`no metafile entry for ${file.path}`);
    const meta = outputs[path]!;
    const chunk: Chunk = {
      path,
      code: file.text,
      gzipped: gzipSync(file.contents, { level: 9 }).length,
      inputs: Object.entries(meta.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([input]) => input),
      staticImports: meta.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => i.path),
      dynamicImports: meta.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path),
    };
    chunks.set(path, chunk);
    // Chunks behind a dynamic import name the imported file as their entryPoint too.
    if (meta.entryPoint === 'app.js') entry = chunk;
  }
  if (entry === undefined) throw new Error('esbuild produced no entry chunk');
  const front = upFront();
  const total = gzippedSize([...chunks.values()]);
  console.log(
    `runtime bundle: up front ${gzippedSize(front)} bytes gzipped in ${front.length} chunk(s) (budget ${budgetBytes}); ` +
      `all ${chunks.size} chunks ${total} bytes gzipped`,
  );
  for (const chunk of chunks.values()) {
    console.log(`  ${chunk === entry ? 'entry' : front.includes(chunk) ? 'static' : 'lazy '} ${chunk.gzipped} B gz: ${chunk.inputs.join(', ')}`);
  }
}, 60_000);

describe('the runtime bundle', () => {
  it(`loads at most ${budgetBytes} bytes gzipped up front`, () => {
    expect(entry.gzipped).toBeGreaterThan(0);
    expect(gzippedSize(upFront())).toBeLessThanOrEqual(budgetBytes);
  });

  it('includes openapi-fetch and the client up front, and nothing from the testing helper or the CLI anywhere', () => {
    const front = filesIn(upFront());
    expect(front).toContain('node_modules/openapi-fetch/dist/index.mjs');
    expect(front).toContain('src/client.ts');
    const all = filesIn([...chunks.values()]);
    expect(all.filter((path) => path.startsWith('src/testing/') || path.startsWith('src/cli/'))).toEqual([]);
    expect(all.filter((path) => path.includes('prism'))).toEqual([]);
  });

  it('imports no Node.js built-in in any chunk (it runs in browsers)', () => {
    // platform 'browser' would already fail the build on an unresolvable built-in; this also
    // catches one left as a string for a dynamic import.
    for (const chunk of chunks.values()) {
      for (const builtIn of ['node:', 'child_process', 'require("fs")', "require('fs')", 'process.binding']) {
        expect(chunk.code).not.toContain(builtIn);
      }
    }
  });
});

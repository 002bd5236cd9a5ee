// The size budget of what a browser app ships when it imports the client: the runtime entry bundled
// the way a user's bundler sees `import { createClient } from '99digital-client'` (esbuild: ESM,
// minified, tree-shaken, openapi-fetch included), then gzipped. It also checks that the parts of the
// package meant for Node only (the Prism testing helper, the CLI) stay out of it.
import { build, type Metafile } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Gzipped bytes allowed. The aim was 5 KB (openapi-fetch alone is 2.6 KB of it); the client's error
 * messages, input checks and option checks take about 8 KB more, so the budget is what they need
 * today plus a little room, and stops them growing unnoticed. See bench/results.md.
 */
const budgetBytes = 11 * 1024;

let code = '';
let gzipped = 0;
let inputs: string[] = [];

beforeAll(async () => {
  const result = await build({
    // What an app that uses the client contains, as the bundler sees it.
    stdin: { contents: "export { createClient } from '99digital-client';", resolveDir: root, loader: 'js' },
    // The package's runtime entry, from source so the figure never comes from a stale dist/
    // (bundling dist/src/index.js gives the same size within a few bytes).
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
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output');
  code = output.text;
  gzipped = gzipSync(output.contents, { level: 9 }).length;
  inputs = Object.keys((result.metafile as Metafile).inputs);
  console.log(`runtime bundle: ${output.contents.length} bytes minified, ${gzipped} bytes gzipped (budget ${budgetBytes})`);
}, 60_000);

describe('the runtime bundle', () => {
  it(`is at most ${budgetBytes} bytes gzipped`, () => {
    expect(gzipped).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(budgetBytes);
  });

  it('includes openapi-fetch and the client, and nothing from the testing helper or the CLI', () => {
    expect(inputs).toContain('node_modules/openapi-fetch/dist/index.mjs');
    expect(inputs).toContain('src/client.ts');
    expect(inputs.filter((path) => path.startsWith('src/testing/') || path.startsWith('src/cli/'))).toEqual([]);
    expect(inputs.filter((path) => path.includes('prism'))).toEqual([]);
  });

  it('imports no Node.js built-in (it runs in browsers)', () => {
    // platform 'browser' would already fail the build on an unresolvable built-in; this also
    // catches one left as a string for a dynamic import.
    for (const builtIn of ['node:', 'child_process', 'require("fs")', "require('fs')", 'process.binding']) {
      expect(code).not.toContain(builtIn);
    }
  });
});

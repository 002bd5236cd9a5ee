// The bundle figure for npm run bench: the same esbuild bundle as test/bundle/bundle-size.test.ts
// (an app that imports createClient and sends one message; ESM, minified, tree-shaken, gzipped),
// with the minified bytes of each input, so the figure says where it goes.
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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

export async function bundleFigure(root) {
  const result = await build({
    stdin: { contents: app, resolveDir: root, loader: 'js', sourcefile: 'app.js' },
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
  const [output] = Object.values(result.metafile.outputs);
  const byGroup = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const group = input.startsWith('node_modules/openapi-fetch')
      ? 'openapi-fetch'
      : input.startsWith('generated/')
        ? 'generated/request-checks.ts (Ajv)'
        : input.replace(/\/[^/]+$/, '/');
    byGroup[group] = (byGroup[group] ?? 0) + bytesInOutput;
  }
  return { gzipped: gzipSync(file.contents, { level: 9 }).length, minified: file.contents.length, byGroup };
}

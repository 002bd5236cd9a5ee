// The shape of src/: no import circles (madge), data flowing one way between the folders, and static
// imports only in the client. madge is run on a scratch circle too, so this check can fail.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function graphOf(dir: string) {
  return madge(dir, { fileExtensions: ['ts'], tsConfig: resolve(root, 'tsconfig.json') });
}

/**
 * What each folder of src/ may import, besides itself. Top-down: the entry, client, bulk, conversations, messages,
 * core (the attempt loop), errors, internal (shared helpers that import nothing of ours).
 */
const mayImport: Record<string, string[]> = {
  'index.ts': ['client', 'bulk', 'conversations', 'messages', 'core', 'errors', 'internal', 'generated'],
  // Not bulk: createMany is its own entry (99digital-client/bulk), not carried by every client.
  client: ['conversations', 'messages', 'core', 'errors', 'internal', 'generated'],
  // Many messages at once, built on messages.create (and conversations.get for autoSourceId).
  bulk: ['conversations', 'messages', 'core', 'errors', 'internal', 'generated'],
  // Reading a conversation, through the messages' read path (messages/read.ts).
  conversations: ['messages', 'core', 'errors', 'internal', 'generated'],
  messages: ['core', 'errors', 'internal', 'generated'],
  core: ['errors', 'internal'],
  errors: ['internal'],
  internal: [],
  generated: [],
  // The mock numbers message_type with the one MessageType (messages/message-type.ts).
  testing: ['messages', 'errors', 'internal', 'generated'],
  // The CLI sits on top of everything; it loads the Prism mock (testing) only when asked for it.
  cli: ['client', 'bulk', 'conversations', 'messages', 'core', 'errors', 'internal', 'generated', 'testing'],
};

const folderOf = (file: string) => (file.startsWith('../generated/') ? 'generated' : file.includes('/') ? file.split('/')[0]! : file);

describe('src/ layout', async () => {
  const graph = await graphOf(resolve(root, 'src'));
  const edges = Object.entries(graph.obj());

  it('resolves the imports it reads (an empty graph would find no circle)', () => {
    expect(graph.warnings().skipped).toEqual([]);
    expect(edges.find(([file]) => file === 'client/create-client.ts')?.[1]).toEqual(
      expect.arrayContaining(['messages/create.ts', 'core/request.ts', 'client/transport.ts']),
    );
  });

  it('has no import circles', () => {
    expect(graph.circular()).toEqual([]);
  });

  it('finds a circle where there is one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'circle-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
      writeFileSync(join(dir, 'b.ts'), "import type { a } from './a.js';\nexport const b = (f?: typeof a) => f;\n");
      expect((await graphOf(dir)).circular()).toEqual([['a.ts', 'b.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports flow one way between folders', () => {
    const wrong = edges.flatMap(([file, imports]) => {
      const from = folderOf(file);
      const allowed = mayImport[from];
      if (!allowed) return [`${file}: src/${from} is not a known folder (add it to this test's map)`];
      return imports.filter((i) => folderOf(i) !== from && !allowed.includes(folderOf(i))).map((i) => `${file} → ${i}`);
    });
    expect(wrong).toEqual([]);
  });

  it('loads nothing lazily in the client (only the CLI and testing may import() Prism)', () => {
    const lazy = edges
      .map(([file]) => file)
      .filter((file) => !file.startsWith('cli/') && !file.startsWith('testing/') && !file.startsWith('../'))
      .filter((file) => /\bimport\(/.test(readFileSync(resolve(root, 'src', file), 'utf8')));
    expect(lazy).toEqual([]);
  });
});

// Every code block in README.md is checked, so the README cannot rot: TypeScript blocks are
// type-checked against the built package (as users import it), the ones that are vitest tests
// themselves are run here too, shell blocks name real npm scripts, and every `99digital` command in
// them is run against the Prism mock.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as object);

interface Block {
  lang: string;
  code: string;
  line: number;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    found.push({ lang: open[1] ?? '', code: body.join('\n'), line: start + 1 });
  }
  return found;
}

const all = blocks(readme);
const tsBlocks = all.filter((b) => b.lang === 'ts');
const shBlocks = all.filter((b) => b.lang === 'sh');
// Blocks in other languages would go unchecked: the README may only use these.
const allowed = new Set(['ts', 'sh', 'text']);

/** Shell lines, with continuations joined and comments and blank lines dropped. */
function commands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

// Blocks that import from vitest are tests a user would copy: each is written out and imported
// inside its own describe, so that its hooks and tests run as part of this file.
const runnable = tsBlocks.filter((b) => /from 'vitest'/.test(b.code));
const runnableDir = join(root, 'test/readme/.runnable');
rmSync(runnableDir, { recursive: true, force: true });
mkdirSync(runnableDir, { recursive: true });
afterAll(() => rmSync(runnableDir, { recursive: true, force: true }));
for (const b of runnable) {
  const file = join(runnableDir, `readme-line-${b.line}.test-block.ts`);
  writeFileSync(file, `${b.code}\nexport {};\n`);
  describe(`README.md:${b.line}, run`, async () => {
    await import(pathToFileURL(file).href);
  });
}

describe('README.md', () => {
  it('has a test block that is run (the testing section)', () => {
    expect(runnable.map((b) => b.code)).toContainEqual(expect.stringContaining("from '99digital-client/testing'"));
  });

  it('has code blocks, each in a language this test checks', () => {
    expect(tsBlocks.length).toBeGreaterThan(3);
    expect(shBlocks.length).toBeGreaterThan(3);
    for (const b of all) expect(allowed.has(b.lang), `block at README.md:${b.line} is "${b.lang}"`).toBe(true);
  });

  it('text blocks are only output samples or tables of text', () => {
    for (const b of all.filter((x) => x.lang === 'text')) {
      expect(b.code, `text block at README.md:${b.line} looks like code`).not.toMatch(/^\s*(import|const|npm|npx|await)\b/m);
    }
  });

  const snippetDir = join(root, 'test/readme/.snippets');
  afterAll(() => rmSync(snippetDir, { recursive: true, force: true }));

  it('every TypeScript block type-checks against the built package', () => {
    rmSync(snippetDir, { recursive: true, force: true });
    mkdirSync(snippetDir, { recursive: true });
    const files = tsBlocks.map((b) => {
      const file = join(snippetDir, `readme-line-${b.line}.ts`);
      // Each block is its own module, so blocks may reuse names.
      writeFileSync(file, `${b.code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noUncheckedIndexedAccess: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      skipLibCheck: true,
      noEmit: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${d.file.fileName.replace(snippetDir + '/', '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);
  });

  it('every npm script a shell block names exists', () => {
    const named = shBlocks
      .flatMap((b) => commands(b.code))
      .flatMap((c) => {
        const out: string[] = [];
        for (const m of c.matchAll(/npm (?:run )?([\w:-]+)/g)) {
          const name = m[1] ?? '';
          if (!['ci', 'install', 'i', 'run', 'pack', 'view'].includes(name)) out.push(name);
        }
        return out;
      });
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) expect(scripts, `npm script "${name}"`).toContain(name);
  });

  it('every 99digital command in a shell block runs against the mock', async () => {
    const cli = join(root, 'dist/src/cli/main.js');
    // send-batch keeps a journal beside its file: without this, a second run would resume (skip all).
    const journals = () => rmSync(join(root, 'examples/notice.jsonl.journal.jsonl'), { force: true });
    journals();
    onTestFinished(journals);
    const lines = shBlocks.flatMap((b) => commands(b.code)).filter((c) => /^(npx )?99digital\b/.test(c));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      const args = (line.replace(/^(npx )?99digital\s*/, '').match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((a) =>
        a.replace(/^["'](.*)["']$/, '$1'),
      );
      const { stdout } = await run(process.execPath, [cli, ...args], {
        cwd: root,
        env: { ...process.env, DIGITAL99_API_ACCESS_TOKEN: 'readmeTestToken123456', DIGITAL99_BASE_URL: inject('prismUrl') },
        timeout: 60_000,
      });
      expect(stdout.length, line).toBeGreaterThan(0);
    }
  }, 120_000);
});

// No function in src/ longer than 80 lines (issue 19): a long function is split into named steps,
// so that a reader sees each decision on one screen. Measured on the TypeScript syntax tree, from
// the first line of a function to its closing brace.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const maxLines = 80;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every function in `text` with its length in lines, named where it has a name. */
function functionLengths(file: string, text: string): Array<{ where: string; lines: number }> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Array<{ where: string; lines: number }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const name = node.name?.getText() ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText() : '(anonymous)');
      found.push({ where: `${relative(root, file)}:${first + 1} ${name}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('function length', () => {
  it(`no function in src/ is over ${maxLines} lines`, () => {
    const all = sourceFiles(join(root, 'src')).flatMap((file) => functionLengths(file, readFileSync(file, 'utf8')));
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((f) => f.lines > maxLines).map((f) => `${f.where}: ${f.lines} lines`)).toEqual([]);
  });

  it('the measure finds a long function (the check can fail)', () => {
    const body = Array.from({ length: maxLines }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const [found] = functionLengths(join(root, 'src', 'scratch.ts'), `function long() {\n${body}\n}\n`);
    expect(found).toEqual({ where: 'src/scratch.ts:1 long', lines: maxLines + 2 });
  });
});

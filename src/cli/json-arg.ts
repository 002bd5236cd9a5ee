// `--attributes '{"items": [...]}'` or `--attributes @items.json` (`@-` reads stdin).
import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

export function readJsonArg(flag: string, raw: string): unknown {
  let text = raw;
  let source = 'its value';
  if (raw.startsWith('@')) {
    const path = raw.slice(1);
    if (path === '') throw new UsageError(`${flag} @ needs a file name after the @, e.g. ${flag} @items.json.`);
    source = path === '-' ? 'stdin' : path;
    try {
      text = readFileSync(path === '-' ? 0 : path, 'utf8');
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${source} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // JSON.parse's message quotes the text around the mistake, and a file can hold anything (the
    // token, a password): say where, never what.
    throw new UsageError(`${flag}: ${source} is not valid JSON${where(text, (error as Error).message)}.`);
  }
}

/** " (line L, column C)" from the position V8 names, or nothing. */
function where(text: string, message: string): string {
  const at = /\bposition (\d+)/.exec(message)?.[1];
  if (at === undefined) return text.trim() === '' ? ' (it is empty)' : /end of JSON/.test(message) ? ' (it ends too early)' : '';
  const before = text.slice(0, Number(at)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

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
    throw new UsageError(`${flag}: ${source} is not valid JSON (${(error as Error).message}).`);
  }
}

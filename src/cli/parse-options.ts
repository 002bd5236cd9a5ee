// node:util's parseArgs for each command, with "did you mean --x?" for a misspelt option and every
// mistake as a UsageError pointing at the command's help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../internal/closest-name.js';
import { UsageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/**
 * The command's options and positionals. `noMatch` adds a hint to the message about an unknown
 * option that is near no known one.
 */
export function parseOptions<const O extends Options>(
  args: readonly string[],
  options: O,
  help: string,
  noMatch: (option: string) => string = () => '',
): Parsed<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'([^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
      const best = closestName(option.replace(/^-+/, '').split('=')[0] ?? '', Object.keys(options));
      throw new UsageError(`unknown option '${option}'${best === undefined ? noMatch(option) : `; did you mean --${best}?`}`, help);
    }
    // The rest of node:util's messages are clear ("Option '--account <value>' argument missing").
    throw new UsageError(message.replace(/\.?$/, '.'), help);
  }
}

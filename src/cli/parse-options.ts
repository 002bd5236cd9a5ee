// node:util's parseArgs for each command, with "did you mean --x?" for a misspelt option and every
// mistake as a UsageError pointing at the command's help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../internal/closest-name.js';
import { tokenEnvVar } from '../internal/missing-token.js';
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
      const name = option.replace(/^-+/, '').split('=')[0] ?? '';
      // A token on the command line would end up in shell history and in ps: there is no such flag.
      if (/token/i.test(name)) {
        throw new UsageError(`unknown option '${option}': the token comes from the environment variable ${tokenEnvVar} only.`, help);
      }
      const best = closestName(name, Object.keys(options));
      throw new UsageError(`unknown option '${option}'${best === undefined ? `${noMatch(option)}.` : `; did you mean --${best}?`}`, help);
    }
    // The rest of node:util's messages are clear ("Option '--account <value>' argument missing").
    throw new UsageError(message.replace(/\.?$/, '.'), help);
  }
}

/** --timeout <seconds> of both commands, in ms. */
export function parseTimeout(raw: string | undefined, help: string): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout is a number of seconds greater than 0, e.g. --timeout 10; got "${raw}".`, help);
  }
  return Math.ceil(seconds * 1000);
}

export type AuthHeader = 'api_access_token' | 'Api-Access-Token';
const authHeaders: readonly AuthHeader[] = ['api_access_token', 'Api-Access-Token'];

/** --auth-header of both commands: the header the token goes in (a proxy may drop the underscored one). */
export function parseAuthHeader(raw: string | undefined, help: string): AuthHeader | undefined {
  if (raw === undefined) return undefined;
  if (!authHeaders.includes(raw as AuthHeader))
    throw new UsageError(`--auth-header must be api_access_token or Api-Access-Token; got "${raw}".`, help);
  return raw as AuthHeader;
}

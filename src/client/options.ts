// createClient's options, checked once, up front, with messages that say how to fix them.
// No message here ever contains the token itself. The token goes two places only: the auth header,
// and the redactor that every error and debug line passes through.
import { ConfigurationError } from '../errors/classes.js';
import { createRedactor, type Redactor } from '../errors/redaction.js';
import { missingTokenMessage, tokenEnvVar } from '../internal/missing-token.js';
import { resolveRetry, resolveTimeout, type RetryOptions, type RetryPolicy } from '../core/retry-options.js';

export const defaultBaseUrl = 'https://online.99digital.co.il';
export { tokenEnvVar };
export const baseUrlEnvVar = 'DIGITAL99_BASE_URL';
export const debugEnvVar = 'DIGITAL99_DEBUG';

/** The two spellings the server accepts; the second survives proxies that drop underscored headers. */
export type AuthHeaderName = 'api_access_token' | 'Api-Access-Token';

export interface ClientOptions {
  /** The user API key (profile page). Defaults to the DIGITAL99_API_ACCESS_TOKEN environment variable. */
  apiAccessToken?: string;
  /** Defaults to DIGITAL99_BASE_URL, then https://online.99digital.co.il. Plain http only for loopback hosts. */
  baseUrl?: string;
  /** Per attempt, including reading the response (default 30,000 ms). */
  timeoutMs?: number;
  /** Retry policy (default { retries: 2, minDelayMs: 500, maxDelayMs: 8000 }), or false for none. */
  retry?: RetryOptions | false;
  /** The fetch to use (default globalThis.fetch); tests inject their own. */
  fetch?: typeof globalThis.fetch;
  /** Header that carries the token (default api_access_token). Use Api-Access-Token behind nginx. */
  authHeader?: AuthHeaderName;
  /** Allow plain http to a non-loopback host. The token then crosses the network in clear text. */
  allowInsecureHttp?: boolean;
  /**
   * Receives one line per request, response and retry; headers are shown by allowlist only.
   * Without it, DIGITAL99_DEBUG=1 in the environment sends the same lines to stderr (console.error).
   */
  debug?: (line: string) => void;
  /**
   * Allow createClient in a browser page. The API token is a user's credential: anyone who opens the
   * page can read it from there (and Chatwoot's CORS rules refuse the call anyway). Only for an
   * internal tool whose users could see the token regardless.
   */
  dangerouslyAllowBrowser?: boolean;
}

export interface ResolvedOptions {
  /** For the auth header only; anything that quotes what a server said goes through `redactor`. */
  token: string;
  redactor: Redactor;
  baseUrl: string;
  origin: string;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof globalThis.fetch;
  authHeader: AuthHeaderName;
  /** The caller's debug, given lines with the token cut out. */
  debug: ((line: string) => void) | undefined;
}

function env(name: string): string | undefined {
  // `process` is absent in browsers and optional in Deno: read it defensively.
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value === '' ? undefined : value;
}

/** Whether DIGITAL99_DEBUG (1 or true) asks for the debug lines, in the library and the CLI. */
export function debugRequested(): boolean {
  // On Deno, only when env access to it is already granted: reading it would otherwise prompt (or,
  // without a terminal, throw) in a program that allowed just the token and base URL.
  const deno = (globalThis as { Deno?: { permissions: { querySync(d: object): { state: string } } } }).Deno;
  return (
    (!deno || deno.permissions.querySync({ name: 'env', variable: debugEnvVar }).state === 'granted') &&
    /^(1|true)$/i.test(env(debugEnvVar) ?? '')
  );
}

function fail(message: string): never {
  throw new ConfigurationError(message);
}

export const minTokenLength = 16;
export const maxTokenLength = 256;

/** Checks a token is one a server could have issued, naming the problem but never the token. */
export function checkToken(token: unknown, source: string): string {
  if (token === undefined || token === null || token === '') {
    fail(missingTokenMessage);
  }
  const what = `The API access token (${source})`;
  if (typeof token !== 'string') fail(`${what} must be a string, got ${typeof token}.`);
  // The first character an HTTP header cannot carry.
  const at = token.search(/[^\x20-\x7e]/);
  if (at >= 0) {
    const code = token.charCodeAt(at);
    // A line break is usually left at the end of a token read from a file.
    const [kind, fix] =
      code === 10 || code === 13
        ? ['a line break', 'trim it']
        : code > 0x7f
          ? ['a non-ASCII character', 'HTTP headers only carry ASCII: copy the token again']
          : ['a control character', 'copy the token again'];
    fail(`${what} contains ${kind} at position ${at + 1} of ${token.length}; ${fix}.`);
  }
  if (token.trim() !== token) fail(`${what} starts or ends with spaces: trim it.`);
  // Real tokens are Rails `has_secure_token` values: 24 letters and digits. Refusing anything else
  // means every encoding a server can echo (URL, form, JSON, HTML) is the token itself, so the
  // redactor catches it; and a token of a few characters could not be cut out of text sensibly.
  const other = token.search(/[^A-Za-z0-9]/);
  if (other >= 0) {
    fail(
      `${what} contains "${token[other]}" at position ${other + 1} of ${token.length}; API access tokens are letters and digits only. ` +
        'Copy the whole token again from your 99digital profile page.',
    );
  }
  if (token.length < minTokenLength || token.length > maxTokenLength) {
    fail(
      `${what} is ${token.length} characters long; API access tokens are ${minTokenLength} to ${maxTokenLength} letters and digits (24 on a standard server). ` +
        'Copy the whole token again from your 99digital profile page.',
    );
  }
  return token;
}

export function checkBaseUrl(raw: unknown, source: string, allowInsecureHttp: boolean): URL {
  const what = `baseUrl (${source})`;
  const example = `a URL such as ${defaultBaseUrl}`;
  if (typeof raw !== 'string' || raw.trim() === '') fail(`${what} must be ${example}.`);
  // "localhost:4010" parses as a URL whose scheme is "localhost:", "127.0.0.1:4010" not at all: both
  // mean a host without a scheme, so say the fix rather than what the parser made of it.
  const hostOnly = /^(\[[\d:a-f.]+\]|[\w.-]+)(:\d+)?(\/.*)?$/i.exec(raw.trim());
  if (hostOnly && !raw.includes('://')) {
    const host = hostOnly[1] ?? '';
    const scheme = /^(localhost|\[::1\]|127(\.\d{1,3}){3})$/i.test(host) ? 'http' : 'https';
    fail(`${what} has no scheme: add http:// or https:// in front, e.g. "${scheme}://${raw.trim()}".`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not repeated when it may hold a password ("user:pass@host" without a scheme).
    fail(`${what} is not a valid URL${raw.includes('@') ? '' : `: "${raw}"`}. Use ${example}.`);
  }
  const { protocol, hostname } = url;
  // Plain http only to names that never leave the machine (not *.localhost: some resolvers ask DNS).
  const loopback = /^(localhost|\[::1\]|127(\.\d{1,3}){3})$/.test(hostname);
  const problem =
    url.username || url.password
      ? 'must not contain a user name or password (the API token is the credential)'
      : url.search || url.hash
        ? `must not have a query string or fragment: "${url.origin}${url.pathname}"`
        : protocol === 'http:'
          ? loopback || allowInsecureHttp
            ? ''
            : `uses plain http to ${hostname}, which would send the API token unencrypted. Use https, or pass allowInsecureHttp: true`
          : protocol === 'https:'
            ? ''
            : `must use https (or http to a loopback host), not ${protocol.slice(0, -1)}`;
  if (problem) fail(`${what} ${problem}.`);
  // The client adds /api/v1 to every path itself: kept, it would request /api/v1/api/v1/… and get 404s.
  if (/\/api\/v1\/*$/i.test(url.pathname)) {
    fail(`${what} ends in /api/v1, which the client adds itself: use "${url.origin}${url.pathname.replace(/\/api\/v1\/*$/i, '')}".`);
  }
  return url;
}

export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    fail('createClient expects an options object, e.g. createClient({ apiAccessToken }).');
  // A page in a browser (or a DOM-like test environment): both globals are there, as in every browser.
  const { window, document } = globalThis as { window?: unknown; document?: unknown };
  if (window && document && options.dangerouslyAllowBrowser !== true) {
    fail(
      'createClient in a browser would show the API token to anyone using the page: call the API from your server, or pass dangerouslyAllowBrowser: true.',
    );
  }
  const { apiAccessToken } = options;
  // console.error is stderr on Node, Bun and Deno, and the log on Workers.
  const debug = options.debug ?? (debugRequested() ? (line: string) => console.error(`99digital: debug: ${line}`) : undefined);
  const token = apiAccessToken === undefined ? checkToken(env(tokenEnvVar), tokenEnvVar) : checkToken(apiAccessToken, 'apiAccessToken');
  const baseUrl = options.baseUrl ?? env(baseUrlEnvVar);
  const source = options.baseUrl !== undefined ? 'baseUrl' : baseUrl !== undefined ? baseUrlEnvVar : 'default';
  const url = checkBaseUrl(baseUrl ?? defaultBaseUrl, source, options.allowInsecureHttp === true);
  const fetch = options.fetch ?? globalThis.fetch;
  if (typeof fetch !== 'function') fail('No fetch available: pass createClient({ fetch }) or use Node.js 20 or later.');
  const authHeader = options.authHeader ?? 'api_access_token';
  if (authHeader !== 'api_access_token' && authHeader !== 'Api-Access-Token') {
    fail(`authHeader must be "api_access_token" or "Api-Access-Token", got "${String(authHeader)}".`);
  }
  if (debug !== undefined && typeof debug !== 'function') fail('debug must be a function that takes one line of text, e.g. console.error.');
  const redactor = createRedactor(token);
  return {
    token,
    redactor,
    baseUrl: url.href.replace(/\/+$/, ''),
    origin: url.origin,
    timeoutMs: resolveTimeout(options.timeoutMs ?? 30_000),
    retry: resolveRetry(options.retry),
    fetch,
    authHeader,
    debug: debug && ((line: string) => debug(redactor.text(line))),
  };
}

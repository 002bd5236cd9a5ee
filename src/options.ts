// createClient's options, checked once, up front, with messages that say how to fix them.
// No message here ever contains the token itself.
import { ConfigurationError } from './errors.js';
import { defaultRetryPolicy, noRetries, type RetryOptions, type RetryPolicy } from './retry.js';

export const defaultBaseUrl = 'https://online.99digital.co.il';
export const tokenEnvVar = 'DIGITAL99_API_ACCESS_TOKEN';
export const baseUrlEnvVar = 'DIGITAL99_BASE_URL';

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
  /** Receives one line per request, response and retry; headers are shown by allowlist only. */
  debug?: (line: string) => void;
}

export interface ResolvedOptions {
  token: string;
  baseUrl: string;
  origin: string;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof globalThis.fetch;
  authHeader: AuthHeaderName;
  debug: ((line: string) => void) | undefined;
}

function env(name: string): string | undefined {
  // `process` is absent in browsers and optional in Deno: read it defensively.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return value === '' ? undefined : value;
}

/** Checks a token may go in an HTTP header, naming the problem but never the token. */
export function checkToken(token: unknown, source: string): string {
  if (token === undefined || token === null || token === '') {
    throw new ConfigurationError(
      `Missing API access token: pass createClient({ apiAccessToken }) or set ${tokenEnvVar}. ` +
        'Find the token on your 99digital profile page.',
    );
  }
  if (typeof token !== 'string') {
    throw new ConfigurationError(`The API access token (${source}) must be a string, got ${typeof token}.`);
  }
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code === 0x0d || code === 0x0a) {
      throw new ConfigurationError(
        `The API access token (${source}) contains a line break at position ${i + 1} of ${token.length}; ` +
          'a token read from a file or pasted often ends with one: trim it.',
      );
    }
    if (code === 0x00 || code < 0x20 || code === 0x7f) {
      throw new ConfigurationError(
        `The API access token (${source}) contains a control character at position ${i + 1} of ${token.length}; ` +
          'copy the token again from your profile page.',
      );
    }
    if (code > 0x7e) {
      throw new ConfigurationError(
        `The API access token (${source}) contains a non-ASCII character at position ${i + 1} of ${token.length}; ` +
          'HTTP headers only carry ASCII. Copy the token again from your profile page.',
      );
    }
  }
  if (token.trim() !== token) {
    throw new ConfigurationError(`The API access token (${source}) starts or ends with spaces: trim it.`);
  }
  return token;
}

const loopbackHosts = new Set(['localhost', '[::1]', '::1']);

/** Only names that never leave the machine; `*.localhost` is left out because some resolvers ask DNS for it. */
export function isLoopbackHost(hostname: string): boolean {
  return loopbackHosts.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export function checkBaseUrl(raw: unknown, source: string, allowInsecureHttp: boolean): URL {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new ConfigurationError(`baseUrl (${source}) must be a URL such as ${defaultBaseUrl}.`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`baseUrl (${source}) is not a valid URL: "${raw}". Use a URL such as ${defaultBaseUrl}.`);
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `baseUrl (${source}) must not contain a user name or password; the API token authenticates the requests.`,
    );
  }
  if (url.search || url.hash) {
    throw new ConfigurationError(`baseUrl (${source}) must not have a query string or fragment: "${url.origin}${url.pathname}".`);
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname) && !allowInsecureHttp) {
      throw new ConfigurationError(
        `baseUrl (${source}) uses plain http to ${url.hostname}, which would send the API token unencrypted. ` +
          'Use https, or pass allowInsecureHttp: true if you really mean it (plain http is always allowed to loopback hosts).',
      );
    }
  } else if (url.protocol !== 'https:') {
    throw new ConfigurationError(`baseUrl (${source}) must use https (or http to a loopback host), not ${url.protocol}`);
  }
  return url;
}

function checkPositiveNumber(value: unknown, name: string, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number of milliseconds, got ${typeof value === 'string' ? `"${value}" (a string)` : String(value)}.`);
  }
  return value;
}

export function resolveRetry(retry: RetryOptions | false | undefined, name = 'retry'): RetryPolicy {
  if (retry === false) return noRetries;
  if (retry === undefined) return defaultRetryPolicy;
  if (typeof retry !== 'object' || retry === null) {
    throw new ConfigurationError(`${name} must be false or { retries, minDelayMs, maxDelayMs }.`);
  }
  const retries = retry.retries ?? defaultRetryPolicy.retries;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new ConfigurationError(`${name}.retries must be a whole number from 0 to 10, got ${String(retries)}.`);
  }
  const minDelayMs = checkPositiveNumber(retry.minDelayMs ?? defaultRetryPolicy.minDelayMs, `${name}.minDelayMs`, true);
  const maxDelayMs = checkPositiveNumber(retry.maxDelayMs ?? defaultRetryPolicy.maxDelayMs, `${name}.maxDelayMs`, true);
  if (maxDelayMs < minDelayMs) {
    throw new ConfigurationError(`${name}.maxDelayMs (${maxDelayMs}) must not be smaller than minDelayMs (${minDelayMs}).`);
  }
  return { retries, minDelayMs, maxDelayMs };
}

export function resolveTimeout(timeoutMs: unknown, name = 'timeoutMs'): number {
  return checkPositiveNumber(timeoutMs, name, false);
}

export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('createClient expects an options object, e.g. createClient({ apiAccessToken }).');
  }
  const token =
    options.apiAccessToken !== undefined
      ? checkToken(options.apiAccessToken, 'apiAccessToken')
      : checkToken(env(tokenEnvVar), tokenEnvVar);
  const baseUrlSource = options.baseUrl !== undefined ? 'baseUrl' : env(baseUrlEnvVar) !== undefined ? baseUrlEnvVar : 'default';
  const url = checkBaseUrl(options.baseUrl ?? env(baseUrlEnvVar) ?? defaultBaseUrl, baseUrlSource, options.allowInsecureHttp === true);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new ConfigurationError('No fetch available: pass createClient({ fetch }) or use Node.js 20 or later.');
  }
  const authHeader = options.authHeader ?? 'api_access_token';
  if (authHeader !== 'api_access_token' && authHeader !== 'Api-Access-Token') {
    throw new ConfigurationError(`authHeader must be "api_access_token" or "Api-Access-Token", got "${String(authHeader)}".`);
  }
  if (options.debug !== undefined && typeof options.debug !== 'function') {
    throw new ConfigurationError('debug must be a function that takes one line of text, e.g. console.error.');
  }
  return {
    token,
    baseUrl: url.href.replace(/\/+$/, ''),
    origin: url.origin,
    timeoutMs: resolveTimeout(options.timeoutMs ?? 30_000),
    retry: resolveRetry(options.retry),
    fetch: fetchImpl,
    authHeader,
    debug: options.debug,
  };
}

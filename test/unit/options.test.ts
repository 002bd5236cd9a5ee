// createClient's options: checked up front, before any request, with a ConfigurationError that
// names the option or environment variable and says how to fix it (never showing the token).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, createClient, type ClientOptions } from '../../src/index.js';
import { baseUrl, fakeFetch, jsonResponse, messagesUrl, rejectionOf, token } from './fake-fetch.js';

beforeEach(() => {
  // The machine's own settings must not leak in: '' counts as unset.
  vi.stubEnv('DIGITAL99_API_ACCESS_TOKEN', '');
  vi.stubEnv('DIGITAL99_BASE_URL', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function configurationError(options: ClientOptions | undefined): ConfigurationError {
  let caught: unknown;
  try {
    createClient(options);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigurationError);
  const error = caught as ConfigurationError;
  expect(error.name).toBe('ConfigurationError');
  expect(error.mayHaveBeenDelivered).toBe(false);
  return error;
}

/** Sends one message and returns what the server saw. */
async function sendOne(options: ClientOptions) {
  const server = fakeFetch();
  const client = createClient({ retry: false, fetch: server.fetch, ...options });
  await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' });
  expect(server.sent).toHaveLength(1);
  return server.sent[0];
}

describe('the API token', () => {
  it.each([
    ['missing, with no environment variable', {}],
    ['an empty string', { apiAccessToken: '' }],
  ])('is refused when %s, naming the option and the variable', (_name, options) => {
    const error = configurationError({ fetch: fakeFetch().fetch, ...options });
    expect(error.message).toBe(
      'Missing API access token: pass createClient({ apiAccessToken }) or set DIGITAL99_API_ACCESS_TOKEN. ' +
        'Find the token on your 99digital profile page.',
    );
  });

  it('is refused when called with no options at all', () => {
    expect(configurationError(undefined).message).toMatch(/^Missing API access token/);
  });

  it('falls back to DIGITAL99_API_ACCESS_TOKEN', async () => {
    vi.stubEnv('DIGITAL99_API_ACCESS_TOKEN', 'tokFromEnv0123456789');
    const request = await sendOne({ baseUrl });
    expect(request?.headers.get('api_access_token')).toBe('tokFromEnv0123456789');
  });

  it('prefers apiAccessToken over the environment variable', async () => {
    vi.stubEnv('DIGITAL99_API_ACCESS_TOKEN', 'tokFromEnv0123456789');
    const request = await sendOne({ baseUrl, apiAccessToken: token });
    expect(request?.headers.get('api_access_token')).toBe(token);
  });

  const secret = 'tok_SECRET_5a5a5a';
  it.each([
    ['a trailing LF', `${secret}\n`, /contains a line break at position 18 of 18; .*trim it/],
    ['a CR', `${secret}\r`, /contains a line break at position 18 of 18/],
    ['a CRLF in the middle', `tok_SE\r\nCRET_5a5a5a`, /contains a line break at position 7 of 19/],
    ['a NUL', `${secret}\u0000`, /contains a control character at position 18 of 18/],
    ['a tab', `${secret}\t`, /contains a control character/],
    ['a non-ASCII letter', `tok_SÉCRET_5a5a5a`, /contains a non-ASCII character at position 6 of 17; HTTP headers only carry ASCII/],
    ['an emoji', `${secret}🔑`, /contains a non-ASCII character at position 18/],
    ['spaces around it', ` ${secret} `, /starts or ends with spaces: trim it/],
  ])('is refused when it has %s, without showing the token', (_name, bad, message) => {
    const error = configurationError({ apiAccessToken: bad, fetch: fakeFetch().fetch });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/\(apiAccessToken\)/);
    for (const shown of [error.message, error.stack ?? '', JSON.stringify(error)]) {
      expect(shown).not.toContain('tok_SE');
      expect(shown).not.toContain('5a5a5a');
    }
  });

  it('names DIGITAL99_API_ACCESS_TOKEN when the bad token came from there, without showing it', () => {
    vi.stubEnv('DIGITAL99_API_ACCESS_TOKEN', `${secret}\n`);
    const error = configurationError({ fetch: fakeFetch().fetch });
    expect(error.message).toMatch(/^The API access token \(DIGITAL99_API_ACCESS_TOKEN\) contains a line break/);
    expect(error.message).not.toContain(secret);
  });

  // Real tokens are letters and digits: refusing the rest makes every encoding of an accepted token
  // (URL, form, JSON, HTML) the token itself, so an echo in any of them is redacted.
  it.each(['-', '_', '~', '+', '/', '=', '.', '%', '&', '<', '"', "'", '\\'])(
    'is refused when it contains %j, naming that character only',
    (char) => {
      const bad = `tokSECRET5a5a${char}5a5a5a`;
      const error = configurationError({ apiAccessToken: bad, fetch: fakeFetch().fetch });
      expect(error.message).toBe(
        `The API access token (apiAccessToken) contains "${char}" at position 14 of 20; API access tokens are letters and digits only. ` +
          'Copy the whole token again from your 99digital profile page.',
      );
      expect(error.message).not.toContain('tokSECRET');
    },
  );

  it.each([
    ['too short', 'abc123', 6],
    ['15 characters', 'a'.repeat(15), 15],
    ['257 characters', 'a'.repeat(257), 257],
  ])('is refused when %s, saying the length only', (_name, bad, length) => {
    const error = configurationError({ apiAccessToken: bad, fetch: fakeFetch().fetch });
    expect(error.message).toMatch(
      new RegExp(
        `^The API access token \\(apiAccessToken\\) is ${length} characters long; API access tokens are 16 to 256 letters and digits`,
      ),
    );
    expect(error.message).not.toContain(bad);
  });

  it('accepts 16 to 256 letters and digits (a standard token is 24)', async () => {
    for (const good of ['a'.repeat(16), 'Q7xK2mP9vR4sT8wZ3yB6nC1d', 'Z9'.repeat(128)]) {
      const request = await sendOne({ baseUrl, apiAccessToken: good });
      expect(request?.headers.get('api_access_token')).toBe(good);
    }
  });

  it('is refused when it is not a string, naming the type only', () => {
    const error = configurationError({ apiAccessToken: 12345 as never, fetch: fakeFetch().fetch });
    expect(error.message).toBe('The API access token (apiAccessToken) must be a string, got number.');
  });
});

describe('baseUrl', () => {
  const withToken = (options: ClientOptions) => ({ apiAccessToken: token, fetch: fakeFetch().fetch, ...options });

  it('defaults to https://online.99digital.co.il', async () => {
    const request = await sendOne({ apiAccessToken: token });
    expect(request?.url).toBe(messagesUrl(1, 42, 'https://online.99digital.co.il'));
  });

  it.each([
    [
      'a host without a scheme',
      'online.99digital.co.il',
      /has no scheme: add http:\/\/ or https:\/\/ in front, e\.g\. "https:\/\/online\.99digital\.co\.il"\.$/,
    ],
    // Once read as "must use https … not localhost": the parser takes "localhost:" for a scheme.
    [
      'localhost:port without a scheme',
      'localhost:4010',
      /has no scheme: add http:\/\/ or https:\/\/ in front, e\.g\. "http:\/\/localhost:4010"\.$/,
    ],
    // Once read as "not a valid URL".
    [
      '127.0.0.1:port without a scheme',
      '127.0.0.1:4010',
      /has no scheme: add http:\/\/ or https:\/\/ in front, e\.g\. "http:\/\/127\.0\.0\.1:4010"\.$/,
    ],
    ['a bare host with a path', 'online.99digital.co.il/chat', /has no scheme: add http:\/\/ or https:\/\//],
    // The client adds /api/v1 itself: kept, every request would go to /api/v1/api/v1/… and answer 404.
    [
      'ending in /api/v1',
      'http://127.0.0.1:4010/api/v1',
      /ends in \/api\/v1, which the client adds itself: use "http:\/\/127\.0\.0\.1:4010"\.$/,
    ],
    [
      'ending in /api/v1/',
      'https://chat.example.com/support/api/v1/',
      /ends in \/api\/v1, which the client adds itself: use "https:\/\/chat\.example\.com\/support"\.$/,
    ],
    [
      'not a URL, with what may be a password (not repeated)',
      '//me:hunter2@online.99digital.co.il',
      /^baseUrl \(baseUrl\) is not a valid URL\. Use a URL such as https:\/\/online\.99digital\.co\.il\.$/,
    ],
    ['empty', '   ', /must be a URL such as/],
    ['ftp', 'ftp://online.99digital.co.il', /must use https \(or http to a loopback host\), not ftp\.$/],
    [
      'plain http to a public host',
      'http://online.99digital.co.il',
      /uses plain http to online\.99digital\.co\.il, which would send the API token unencrypted\. Use https, or pass allowInsecureHttp: true/,
    ],
    ['plain http to a private address', 'http://10.0.0.5:3000', /uses plain http to 10\.0\.0\.5/],
    ['plain http to a *.localhost name (some resolvers ask DNS)', 'http://mock.localhost:4010', /uses plain http to mock\.localhost/],
    ['with credentials', 'https://me:hunter2@online.99digital.co.il', /must not contain a user name or password/],
    ['with a query string', 'https://online.99digital.co.il/?x=1', /must not have a query string or fragment/],
  ])('is refused when %s', (_name, url, message) => {
    const error = configurationError(withToken({ baseUrl: url }));
    expect(error.message).toMatch(/^baseUrl \(baseUrl\)/);
    expect(error.message).toMatch(message);
  });

  it('a 404 names the path actually requested when the base URL has a path of its own, never the token', async () => {
    const server = fakeFetch(() => jsonResponse({ error: 'Resource could not be found' }, 404));
    const client = createClient({ apiAccessToken: token, baseUrl: 'https://chat.example.com/support', retry: false, fetch: server.fetch });
    const error = (await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hi' }))) as Error;
    expect(server.sent[0]?.url).toBe('https://chat.example.com/support/api/v1/accounts/1/conversations/42/messages');
    expect(error.message).toMatch(
      /Check account_id and conversation_id \(.*\) and the base URL: the request went to \/support\/api\/v1\/accounts\/1\/conversations\/42\/messages\.$/,
    );
    expect(error.message).not.toContain(token);
  });

  it('does not repeat the password of a baseUrl with credentials', () => {
    const error = configurationError(withToken({ baseUrl: 'https://me:hunter2@online.99digital.co.il' }));
    expect(error.message).not.toContain('hunter2');
  });

  it.each(['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010'])(
    'allows plain http to the loopback host %s',
    async (url) => {
      const request = await sendOne({ apiAccessToken: token, baseUrl: url });
      expect(request?.url).toBe(messagesUrl(1, 42, url));
    },
  );

  it('allows plain http to a public host with allowInsecureHttp: true', async () => {
    const request = await sendOne({ apiAccessToken: token, baseUrl: 'http://chat.example.com', allowInsecureHttp: true });
    expect(request?.url).toBe(messagesUrl(1, 42, 'http://chat.example.com'));
  });

  it('falls back to DIGITAL99_BASE_URL', async () => {
    vi.stubEnv('DIGITAL99_BASE_URL', 'http://127.0.0.1:4999');
    const request = await sendOne({ apiAccessToken: token });
    expect(request?.url).toBe(messagesUrl(1, 42, 'http://127.0.0.1:4999'));
  });

  it('prefers the baseUrl option over DIGITAL99_BASE_URL', async () => {
    vi.stubEnv('DIGITAL99_BASE_URL', 'http://127.0.0.1:4999');
    const request = await sendOne({ apiAccessToken: token, baseUrl: 'https://chat.example.com' });
    expect(request?.url).toBe(messagesUrl(1, 42, 'https://chat.example.com'));
  });

  it('names DIGITAL99_BASE_URL when the bad URL came from there', () => {
    vi.stubEnv('DIGITAL99_BASE_URL', 'http://chat.example.com');
    const error = configurationError(withToken({}));
    expect(error.message).toMatch(/^baseUrl \(DIGITAL99_BASE_URL\) uses plain http to chat\.example\.com/);
  });
});

describe('other options', () => {
  const withToken = (options: Record<string, unknown>) =>
    ({ apiAccessToken: token, baseUrl, fetch: fakeFetch().fetch, ...options }) as ClientOptions;

  it.each([
    ['timeoutMs 0', { timeoutMs: 0 }, 'timeoutMs must be a positive finite number of milliseconds, got 0.'],
    ['timeoutMs -1', { timeoutMs: -1 }, 'timeoutMs must be a positive finite number of milliseconds, got -1.'],
    ['timeoutMs NaN', { timeoutMs: Number.NaN }, 'timeoutMs must be a positive finite number of milliseconds, got NaN.'],
    [
      'timeoutMs Infinity',
      { timeoutMs: Number.POSITIVE_INFINITY },
      'timeoutMs must be a positive finite number of milliseconds, got Infinity.',
    ],
    ['timeoutMs as a string', { timeoutMs: '5000' }, 'timeoutMs must be a positive finite number of milliseconds, got "5000" (a string).'],
    ['retry: true', { retry: true }, 'retry must be false or { retries, minDelayMs, maxDelayMs }.'],
    ['retries 11', { retry: { retries: 11 } }, 'retry.retries must be a whole number from 0 to 10, got 11.'],
    ['retries 1.5', { retry: { retries: 1.5 } }, 'retry.retries must be a whole number from 0 to 10, got 1.5.'],
    ['retries -1', { retry: { retries: -1 } }, 'retry.retries must be a whole number from 0 to 10, got -1.'],
    [
      'a negative minDelayMs',
      { retry: { minDelayMs: -5 } },
      'retry.minDelayMs must be a non-negative finite number of milliseconds, got -5.',
    ],
    [
      'maxDelayMs below minDelayMs',
      { retry: { minDelayMs: 100, maxDelayMs: 10 } },
      'retry.maxDelayMs (10) must not be smaller than minDelayMs (100).',
    ],
    [
      'an unknown authHeader',
      { authHeader: 'Authorization' },
      'authHeader must be "api_access_token" or "Api-Access-Token", got "Authorization".',
    ],
    ['a debug that is not a function', { debug: true }, 'debug must be a function that takes one line of text, e.g. console.error.'],
    ['a fetch that is not a function', { fetch: 'fetch' }, 'No fetch available: pass createClient({ fetch }) or use Node.js 20 or later.'],
  ])('refuses %s', (_name, options, message) => {
    expect(configurationError(withToken(options)).message).toBe(message);
  });

  it('refuses options that are not an object', () => {
    expect(configurationError('tok' as never).message).toMatch(/^createClient expects an options object/);
  });

  it.each([
    ['timeoutMs', { timeoutMs: 0 }, /^timeoutMs \(per call\) must be a positive finite number/],
    ['retry', { retry: { retries: 99 } }, /^retry \(per call\)\.retries must be a whole number from 0 to 10/],
  ])('refuses a bad per-call %s before sending', async (_name, requestOptions, message) => {
    const server = fakeFetch();
    const client = createClient({ apiAccessToken: token, baseUrl, fetch: server.fetch });
    const error = await rejectionOf(client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' }, requestOptions));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expect(server.sent).toEqual([]);
  });
});

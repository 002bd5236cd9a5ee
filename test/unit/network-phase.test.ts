// classify (src/errors/from-network.ts) by the phase a network failure happened in, on errors shaped
// exactly as Node 20's fetch (undici) throws them: what fails before the request can be written is
// "not delivered", whatever its code; what fails once it may have been written is "may have been".
// The real-socket versions of these are in test/reliability (not-sent.test.ts, the failure catalogue).
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/errors/from-network.js';
import { ConnectionError } from '../../src/errors/classes.js';

const ctx = { what: 'POST /api/v1/accounts/1/conversations/42/messages', timeoutMs: 30_000, signal: undefined };

/** TypeError('fetch failed') over the socket's error, as undici throws it. */
function fetchFailed(cause: Record<string, unknown> & { message: string }): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(cause.message), cause) });
}

const notSent: Array<[string, unknown]> = [
  ['DNS: ENOTFOUND', fetchFailed({ message: 'getaddrinfo ENOTFOUND x.invalid', code: 'ENOTFOUND', syscall: 'getaddrinfo' })],
  ['DNS: EAI_AGAIN', fetchFailed({ message: 'getaddrinfo EAI_AGAIN x', code: 'EAI_AGAIN', syscall: 'getaddrinfo' })],
  ['DNS: an unlisted resolver code', fetchFailed({ message: 'getaddrinfo EAI_FAIL x', code: 'EAI_FAIL', syscall: 'getaddrinfo' })],
  ['connect: ECONNREFUSED', fetchFailed({ message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED', syscall: 'connect' })],
  ['connect: EHOSTUNREACH', fetchFailed({ message: 'connect EHOSTUNREACH 10.0.0.1:443', code: 'EHOSTUNREACH', syscall: 'connect' })],
  ['connect: ENETUNREACH', fetchFailed({ message: 'connect ENETUNREACH 10.0.0.1:443', code: 'ENETUNREACH', syscall: 'connect' })],
  ['connect: ETIMEDOUT from the OS', fetchFailed({ message: 'connect ETIMEDOUT 10.0.0.1:443', code: 'ETIMEDOUT', syscall: 'connect' })],
  ['connect: undici connect timeout', fetchFailed({ message: 'Connect Timeout Error', code: 'UND_ERR_CONNECT_TIMEOUT' })],
  ['TLS: self-signed certificate', fetchFailed({ message: 'self-signed certificate', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })],
  ['TLS: expired certificate', fetchFailed({ message: 'certificate has expired', code: 'CERT_HAS_EXPIRED' })],
  [
    'TLS: wrong host name',
    fetchFailed({ message: "Hostname/IP does not match certificate's altnames", code: 'ERR_TLS_CERT_ALTNAME_INVALID' }),
  ],
  ['TLS: OpenSSL error', fetchFailed({ message: 'wrong version number', code: 'ERR_SSL_WRONG_VERSION_NUMBER', library: 'SSL routines' })],
  [
    'TLS: peer closed during the handshake',
    fetchFailed({ message: 'Client network socket disconnected before secure TLS connection was established', code: 'ECONNRESET' }),
  ],
  ["fetch's bad port", fetchFailed({ message: 'bad port' })],
];

const maybeSent: Array<[string, unknown]> = [
  ['reset while reading', fetchFailed({ message: 'read ECONNRESET', code: 'ECONNRESET', syscall: 'read' })],
  ['EPIPE while writing', fetchFailed({ message: 'write EPIPE', code: 'EPIPE', syscall: 'write' })],
  ['the other side closed', fetchFailed({ message: 'other side closed', code: 'UND_ERR_SOCKET' })],
  ['body terminated', new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })],
  ['something unknown', new Error('something odd')],
];

describe('classify: a network failure by its phase', () => {
  for (const [name, error] of notSent) {
    it(`not delivered: ${name}`, () => {
      const classified = classify(error, false, ctx);
      expect(classified).toBeInstanceOf(ConnectionError);
      expect(classified.mayHaveBeenDelivered).toBe(false);
      expect(classified.message).toMatch(/nothing was sent/);
    });
  }
  for (const [name, error] of maybeSent) {
    it(`may have been delivered: ${name}`, () => {
      const classified = classify(error, false, ctx);
      expect(classified).toBeInstanceOf(ConnectionError);
      expect(classified.mayHaveBeenDelivered).toBe(true);
    });
  }
});

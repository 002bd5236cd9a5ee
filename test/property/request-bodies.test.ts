// Property-based: bodies generated from the spec's rules are accepted by the client's checks and by
// Prism (the shared mock of openapi.yaml); bodies with one rule broken are refused where the
// mutation says, never answered 200, and never crash the client.
import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { Digital99Error, InvalidInputError, UnprocessableEntityError, createClient, type CreateMessageParams } from '../../src/index.js';
import { mutations, validBody, type Body } from './request-bodies.js';

const prismUrl = inject('prismUrl');
const ids = fc.record({ account_id: fc.integer({ min: 1, max: 2 ** 31 - 1 }), conversation_id: fc.integer({ min: 1, max: 2 ** 31 - 1 }) });

interface Exchange {
  status: number;
  violations: string | null;
}

/** A client pointed at Prism through a pass-through fetch that records each real exchange. */
function prismClient() {
  const exchanges: Exchange[] = [];
  const client = createClient({
    apiAccessToken: 'propertyTestToken12345',
    baseUrl: prismUrl,
    retry: false,
    fetch: async (input, init) => {
      const response = await globalThis.fetch(input, init);
      exchanges.push({ status: response.status, violations: response.headers.get('sl-violations') });
      return response;
    },
  });
  return { client, exchanges };
}

/** Sends a body to Prism as is, past the client's checks: what does the spec itself say? */
async function prismVerdict(pathIds: { account_id: unknown; conversation_id: unknown }, body: Body): Promise<Exchange> {
  const response = await fetch(
    `${prismUrl}/api/v1/accounts/${String(pathIds.account_id)}/conversations/${String(pathIds.conversation_id)}/messages`,
    {
      method: 'POST',
      headers: { api_access_token: 'propertyTestToken12345', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  );
  await response.arrayBuffer();
  return { status: response.status, violations: response.headers.get('sl-violations') };
}

describe('valid bodies', () => {
  it('are accepted by the client and by Prism: 200, no sl-violations', async () => {
    const { client, exchanges } = prismClient();
    await fc.assert(
      fc.asyncProperty(ids, validBody, async (path, body) => {
        exchanges.length = 0;
        const message = await client.messages.create({ ...path, ...body } as CreateMessageParams);
        expect(typeof message.id).toBe('number');
        expect(exchanges).toEqual([{ status: 200, violations: null }]);
      }),
      { numRuns: 80 },
    );
  });
});

describe('bodies with one rule broken', () => {
  for (const mutation of mutations) {
    it(`${mutation.name}: refused by ${mutation.caughtBy === 'both' ? 'the client and Prism' : mutation.caughtBy}`, async () => {
      const { client, exchanges } = prismClient();
      await fc.assert(
        fc.asyncProperty(ids, mutation.base, async (validIds, valid) => {
          exchanges.length = 0;
          const body = mutation.apply(valid);
          const pathIds = mutation.ids ?? validIds;
          const outcome = await client.messages.create({ ...pathIds, ...body } as unknown as CreateMessageParams).then(
            (message) => ({ message }),
            (error: unknown) => ({ error }),
          );

          // Never a 200, never anything but a typed error.
          expect(outcome).not.toHaveProperty('message');
          const { error } = outcome as { error: unknown };
          expect(error).toBeInstanceOf(Digital99Error);

          if (mutation.caughtBy === 'server only') {
            expect(error).toBeInstanceOf(UnprocessableEntityError);
            expect(exchanges).toHaveLength(1);
            expect(exchanges[0]!.status).toBe(422);
            return;
          }
          expect(error).toBeInstanceOf(InvalidInputError);
          expect((error as InvalidInputError).field).not.toBe('');
          expect(exchanges, 'nothing was sent').toEqual([]);
          // The spec's own verdict on the same body: the client and the spec agree, or the client
          // is stricter on purpose (`client only`).
          const verdict = await prismVerdict(pathIds, body);
          expect(verdict.status).toBe(mutation.caughtBy === 'both' ? 422 : 200);
        }),
        { numRuns: 6 },
      );
    });
  }
});

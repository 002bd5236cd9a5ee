// Signed blob ids in `attachments`, sent by messages.create to the Prism mock of openapi.yaml: ids
// alone in a JSON body and ids beside files as `attachments[]` text parts are accepted (Prism judges
// each against the spec), and the mock receives them as the client built them. The mock builds the
// answer's attachments from the file parts only: it has no uploaded blobs to look ids up in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { type SharedPrismMock, startMockOnSharedPrism } from '../support/shared-prism-mock.js';
import { formatViolations, postMessage } from '../spec/openapi.js';

let mock: SharedPrismMock;
beforeAll(async () => {
  mock = await startMockOnSharedPrism();
});
afterAll(() => mock?.close());

const token = 'blobIdsTestToken1234';
const blobA = 'eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaHBCZz09IiwicHVyIjoiYmxvYl9pZCJ9fQ==--8a1f0c2e9b7d';
const blobB = 'eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaHBCdz09In19--04c3e2d1';
const client = () => createClient({ apiAccessToken: token, baseUrl: mock.url, retry: false });

describe('messages.create with signed blob ids against the Prism mock', () => {
  it('ids alone: a JSON body Prism accepts (200), received with attachments: [ids]', async () => {
    mock.reset();
    const message = await client().messages.create({ account_id: 1, conversation_id: 42, content: 'test', attachments: [blobA, blobB] });
    expect(message.content).toBe('test');
    expect(mock.requests).toHaveLength(1);
    const [request] = mock.requests;
    expect(request?.status).toBe(200);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({ content: 'test', attachments: [blobA, blobB] });
  });

  it('an id alone, no content: accepted (ids count as something to post)', async () => {
    mock.reset();
    await client().messages.create({ account_id: 1, conversation_id: 42, attachments: [blobA] });
    expect(mock.requests.map((r) => [r.status, r.body])).toEqual([[200, { attachments: [blobA] }]]);
  });

  it('ids beside files: multipart Prism accepts, ids as attachments[] text parts in order; the answer attaches the files', async () => {
    mock.reset();
    const message = await client().messages.create({
      account_id: 1,
      conversation_id: 42,
      content: 'mixed',
      attachments: [blobA, new File(['%PDF-1.4'], 'invoice.pdf', { type: 'application/pdf' }), blobB],
    });
    const [request] = mock.requests;
    expect(request?.status).toBe(200);
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const parts = (request?.parts ?? [])
      .filter((p) => p.name === 'attachments[]')
      .map((p) => ('filename' in p ? { filename: p.filename } : p.value));
    expect(parts).toEqual([blobA, { filename: 'invoice.pdf' }, blobB]);
    expect(message.attachments).toHaveLength(1);
  });

  it('Prism itself refuses what the spec refuses: an id that is no signed id, an empty one (422 with violations)', async () => {
    for (const id of ['invoice.pdf', '']) {
      const answer = await postMessage(mock.url, { content: 'x', attachments: [id] });
      expect(answer.status).toBe(422);
      expect(formatViolations(answer.violations)).toMatch(/attachments\.0/);
    }
  });
});

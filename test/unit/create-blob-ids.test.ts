// messages.create with signed blob ids (files already uploaded) in `attachments`: ids alone go in
// the JSON body, as Chatwoot's own builder spec sends them; ids beside files go as text parts named
// `attachments[]`, in the caller's order. The spec's rules for ids are checked before sending, and
// the fingerprint a failure keeps for reconcile counts ids as attachments.
import { describe, expect, it } from 'vitest';
import { createClient, Digital99Error, InvalidInputError } from '../../src/index.js';
import { baseUrl, fakeFetch, messagesUrl, rejectionOf, textResponse, token, type Answer } from './fake-fetch.js';

const ids = { account_id: 1, conversation_id: 42 };
const blobA = 'eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaHBCZz09IiwicHVyIjoiYmxvYl9pZCJ9fQ==--8a1f0c2e9b7d';
const blobB = 'eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaHBCdz09In19--04c3e2d1';

function setup(answer?: Answer) {
  const server = fakeFetch(answer);
  const client = createClient({ apiAccessToken: token, baseUrl, retry: false, fetch: server.fetch });
  return { client, sent: server.sent };
}

async function refusal(params: unknown): Promise<InvalidInputError> {
  const { client, sent } = setup();
  const error = await rejectionOf(client.messages.create(params as never));
  expect(error).toBeInstanceOf(InvalidInputError);
  expect(sent).toHaveLength(0);
  return error as InvalidInputError;
}

describe('signed blob ids alone: a JSON body with attachments: [ids]', () => {
  it('sends the ids in the JSON body, in order', async () => {
    const { client, sent } = setup();
    await client.messages.create({ ...ids, content: 'test', attachments: [blobA, blobB] });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(messagesUrl(1, 42));
    expect(sent[0]?.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ content: 'test', attachments: [blobA, blobB] });
  });

  it('counts as something to post: no content is needed', async () => {
    const { client, sent } = setup();
    await client.messages.create({ ...ids, attachments: [blobA] });
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ attachments: [blobA] });
  });

  it('travels with the JSON-only fields (template_params), and with more than 15 ids (the spec sets no limit on them)', async () => {
    const { client, sent } = setup();
    const many = Array.from({ length: 16 }, (_, i) => `${blobB}${i.toString(16)}`);
    await client.messages.create({ ...ids, template_params: { name: 'hello_world' }, attachments: many });
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ template_params: { name: 'hello_world' }, attachments: many });
  });
});

describe('signed blob ids beside files: multipart, the ids as attachments[] text parts', () => {
  it('sends files and ids as attachments[] parts in the order given', async () => {
    const { client, sent } = setup();
    await client.messages.create({
      ...ids,
      content: 'Here are the files',
      attachments: [
        blobA,
        new File(['hello'], 'hello.txt', { type: 'text/plain' }),
        { data: 'a,b', filename: 't.csv', contentType: 'text/csv' },
        blobB,
      ],
    });
    expect(sent[0]?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = sent[0]?.form as FormData;
    expect(form.get('content')).toBe('Here are the files');
    const parts = await Promise.all(
      form.getAll('attachments[]').map(async (part) => (typeof part === 'string' ? part : { name: part.name, text: await part.text() })),
    );
    expect(parts).toEqual([blobA, { name: 'hello.txt', text: 'hello' }, { name: 't.csv', text: 'a,b' }, blobB]);
    expect([...form.keys()].sort()).toEqual(['attachments[]', 'attachments[]', 'attachments[]', 'attachments[]', 'content']);
  });

  it('keeps the 15-part limit of the multipart body, ids included', async () => {
    const attachments = [new Blob(['x']), ...Array.from({ length: 15 }, () => blobA)];
    const error = await refusal({ ...ids, content: 'x', attachments });
    expect(error.message).toBe('attachments: at most 15 files per message, got 16. Send the rest in another message.');
  });

  it('refuses a field the multipart body lacks, and says ids alone could carry it', async () => {
    const error = await refusal({ ...ids, template_params: { name: 'n' }, attachments: [blobA, new Blob(['x'])] });
    expect(error.field).toBe('template_params');
    expect(error.message).toMatch(
      /^template_params: cannot be sent with files: .* Signed blob ids alone go in a JSON body, which has it\.$/,
    );
  });
});

describe('ids the spec refuses are refused before sending', () => {
  it.each<[string, unknown[], string, RegExp]>([
    ['an empty string', [''], 'attachments[0]', /^attachments\[0\]: must not be empty\.$/],
    [
      'a file name',
      [blobA, 'invoice.pdf'],
      'attachments[1]',
      /^attachments\[1\]: Pass the signed_id of a file already uploaded .*\(got "invoice\.pdf" \(a string\)\)$/,
    ],
    ['an empty string beside a file', [new Blob(['x']), ''], 'attachments[1]', /must not be empty/],
    [
      'a number (not a file, not an id)',
      [17],
      'attachments[0]',
      /must be a Blob\/File, \{ data, filename, contentType\? \} or a signed blob id \(a string\)/,
    ],
  ])('%s', async (_name, attachments, field, message) => {
    const error = await refusal({ ...ids, content: 'x', attachments });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('the fingerprint for reconcile counts ids as attachments (the server attaches each)', () => {
  it.each<[string, unknown[]]>([
    ['ids alone (JSON)', [blobA, blobB]],
    ['ids and a file (multipart)', [blobA, new Blob(['x'])]],
  ])('%s', async (_name, attachments) => {
    const { client, sent } = setup(() => textResponse('upstream reset', 502));
    const error = await rejectionOf(client.messages.create({ ...ids, content: 'x', attachments: attachments as never }));
    expect(sent).toHaveLength(1);
    expect(error).toBeInstanceOf(Digital99Error);
    expect((error as Digital99Error).mayHaveBeenDelivered).toBe(true);
    expect((error as Digital99Error & { sent: { attachments: number } }).sent.attachments).toBe(2);
  });
});

// messages.create with files: multipart/form-data with one `attachments[]` part per file, plain
// fields as text, content_attributes as JSON text.
import { describe, expect, it } from 'vitest';
import { createClient, InvalidInputError } from '../../src/index.js';
import { baseUrl, fakeFetch, messagesUrl, rejectionOf, token } from './fake-fetch.js';
import { sampleMessage } from '../support/sample-message.js';

function setup() {
  const server = fakeFetch();
  const client = createClient({ apiAccessToken: token, baseUrl, retry: false, fetch: server.fetch });
  return { client, sent: server.sent };
}

async function partsOf(form: FormData | undefined) {
  expect(form).toBeInstanceOf(FormData);
  const files = await Promise.all(
    (form as FormData).getAll('attachments[]').map(async (part) => {
      expect(part).toBeInstanceOf(File);
      const file = part as File;
      return { name: file.name, type: file.type, bytes: [...new Uint8Array(await file.arrayBuffer())] };
    }),
  );
  const fields: Record<string, string> = {};
  for (const [name, value] of (form as FormData).entries()) {
    if (name !== 'attachments[]') fields[name] = value as string;
  }
  return { files, fields };
}

const bytes = (text: string) => [...new TextEncoder().encode(text)];

describe('messages.create with attachments sends multipart/form-data', () => {
  it('sends a File, a Blob and {data, filename, contentType} inputs as attachments[] parts', async () => {
    const { client, sent } = setup();
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
    const message = await client.messages.create({
      account_id: 1,
      conversation_id: 42,
      content: 'Here are the files',
      attachments: [
        new File(['hello file'], 'hello.txt', { type: 'text/plain' }),
        new Blob(['{"a":1}'], { type: 'application/json' }),
        { data: 'some csv,text\n', filename: 'table.csv', contentType: 'text/csv' },
        { data: pdf, filename: 'invoice.pdf', contentType: 'application/pdf' },
        { data: pdf.buffer, filename: 'raw.bin' },
        { data: new Blob(['png bytes']), filename: 'photo.png', contentType: 'image/png' },
      ],
    });

    expect(message).toEqual(sampleMessage);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(messagesUrl(1, 42));
    expect(request?.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.headers.get('api_access_token')).toBe(token);
    const { files, fields } = await partsOf(request?.form);
    expect(fields).toEqual({ content: 'Here are the files' });
    expect(files).toEqual([
      { name: 'hello.txt', type: 'text/plain', bytes: bytes('hello file') },
      // A Blob has no name: the client names it after its position.
      { name: 'attachment-2', type: 'application/json', bytes: bytes('{"a":1}') },
      { name: 'table.csv', type: 'text/csv', bytes: bytes('some csv,text\n') },
      { name: 'invoice.pdf', type: 'application/pdf', bytes: [...pdf] },
      { name: 'raw.bin', type: 'application/octet-stream', bytes: [...pdf] },
      { name: 'photo.png', type: 'image/png', bytes: bytes('png bytes') },
    ]);
  });

  it('sends plain fields as text, private as "true"/"false" and content_attributes as JSON text', async () => {
    const { client, sent } = setup();
    const items = [
      { title: 'Yes', value: 'y' },
      { title: 'No', value: 'n' },
    ];
    await client.messages.create({
      account_id: 3,
      conversation_id: 9,
      content: 'Pick one',
      message_type: 'outgoing',
      private: false,
      content_type: 'input_select',
      content_attributes: { items },
      echo_id: 'echo-7',
      attachments: [new File(['x'], 'x.txt', { type: 'text/plain' })],
    });
    const { fields, files } = await partsOf(sent[0]?.form);
    expect(sent[0]?.url).toBe(messagesUrl(3, 9));
    expect(fields).toEqual({
      content: 'Pick one',
      message_type: 'outgoing',
      private: 'false',
      content_type: 'input_select',
      content_attributes: JSON.stringify({ items }),
      echo_id: 'echo-7',
    });
    expect(files.map((f) => f.name)).toEqual(['x.txt']);
  });

  it('sends private: true as the text "true" (a private note with a file)', async () => {
    const { client, sent } = setup();
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'note', private: true, attachments: [new Blob(['x'])] });
    const { fields } = await partsOf(sent[0]?.form);
    expect(fields).toEqual({ content: 'note', private: 'true' });
  });

  it('sends no account_id, conversation_id or attachments field in the form', async () => {
    const { client, sent } = setup();
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x', attachments: [new Blob(['x'])] });
    const form = sent[0]?.form as FormData;
    expect([...form.keys()].sort()).toEqual(['attachments[]', 'content']);
  });

  it('keeps unusual filenames intact without letting them add parts', async () => {
    const { client, sent } = setup();
    const names = ['חשבונית "1".pdf', 'evil\r\nContent-Disposition: form-data; name="private"\r\n\r\ntrue.txt'];
    await client.messages.create({
      account_id: 1,
      conversation_id: 42,
      content: 'x',
      attachments: names.map((filename) => ({ data: 'x', filename })),
    });
    const { files, fields } = await partsOf(sent[0]?.form);
    expect(files.map((f) => f.name)).toEqual(names);
    expect(fields).toEqual({ content: 'x' });
  });

  it('accepts 15 attachments, and sends them all', async () => {
    const { client, sent } = setup();
    const attachments = Array.from({ length: 15 }, (_, i) => ({ data: `file ${i}`, filename: `f${i}.txt`, contentType: 'text/plain' }));
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x', attachments });
    const { files } = await partsOf(sent[0]?.form);
    expect(files.map((f) => f.name)).toEqual(attachments.map((a) => a.filename));
  });

  it.each([
    ['not an object', 'report.pdf', 'attachments[0]'],
    ['no filename', { data: 'x' }, 'attachments[0].filename'],
    ['an empty filename', { data: 'x', filename: ' ' }, 'attachments[0].filename'],
    ['a contentType that is not a MIME type', { data: 'x', filename: 'a.txt', contentType: 'text' }, 'attachments[0].contentType'],
    ['data of a wrong kind', { data: 42, filename: 'a.txt' }, 'attachments[0].data'],
  ])('refuses an attachment with %s before sending', async (_name, attachment, field) => {
    const { client, sent } = setup();
    const error = await rejectionOf(
      client.messages.create({ account_id: 1, conversation_id: 42, content: 'x', attachments: [attachment as never] }),
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect((error as InvalidInputError).mayHaveBeenDelivered).toBe(false);
    expect(sent).toEqual([]);
  });

  it('names the position of the bad attachment', async () => {
    const { client, sent } = setup();
    const error = await rejectionOf(
      client.messages.create({ account_id: 1, conversation_id: 42, content: 'x', attachments: [new Blob(['ok']), { data: 'x' } as never] }),
    );
    expect((error as InvalidInputError).field).toBe('attachments[1].filename');
    expect((error as Error).message).toMatch(/attachments\[1\]\.filename: must be a non-empty string/);
    expect(sent).toEqual([]);
  });
});

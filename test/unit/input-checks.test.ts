// Bad input to messages.create is refused before anything is sent: the fetch is never called and
// the caller gets an InvalidInputError naming the field, what was wrong and how to fix it.
import { describe, expect, it } from 'vitest';
import { createClient, InvalidInputError } from '../../src/index.js';
import { baseUrl, fakeFetch, rejectionOf, token } from './fake-fetch.js';
import { checkCreateParams } from '../../src/messages/input-checks.js';

function setup() {
  const server = fakeFetch();
  const client = createClient({ apiAccessToken: token, baseUrl, retry: false, fetch: server.fetch });
  return { client, sent: server.sent };
}

const ids = { account_id: 1, conversation_id: 42 };

/** Sends `params` (typed loosely on purpose: these are what JavaScript callers can pass). */
async function refusal(params: unknown) {
  const { client, sent } = setup();
  const error = await rejectionOf(client.messages.create(params as never));
  expect(sent).toEqual([]);
  expect(error).toBeInstanceOf(InvalidInputError);
  const e = error as InvalidInputError;
  expect(e.mayHaveBeenDelivered).toBe(false);
  expect(e.name).toBe('InvalidInputError');
  return e;
}

describe('ids', () => {
  it.each([
    ['a numeric string', '1', /must be a positive whole number.*got "1" \(a string\)\. Pass a number: Number\("1"\)\./],
    ['a word', 'abc', /must be a positive whole number.*got "abc" \(a string\)\.$/],
    ['NaN', Number.NaN, /got NaN \(number\)/],
    ['a float', 1.5, /got 1\.5 \(number\)/],
    ['zero', 0, /got 0 \(number\)/],
    ['a negative number', -3, /got -3 \(number\)/],
    ['a number past MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER + 2, /got 9007199254740992 \(number\)/],
    ['Infinity', Number.POSITIVE_INFINITY, /got Infinity \(number\)/],
    ['a bigint', 1n, /got 1 \(bigint\)/],
    ['null', null, /got null/],
    ['missing', undefined, /got undefined/],
  ])('refuses account_id that is %s', async (_name, value, message) => {
    const error = await refusal({ account_id: value, conversation_id: 42, content: 'x' });
    expect(error.field).toBe('account_id');
    expect(error.message).toMatch(/^account_id: must be a positive whole number \(the numeric id of the account\)/);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['a string', '42'],
    ['zero', 0],
    ['a float', 4.2],
    ['NaN', Number.NaN],
  ])('refuses conversation_id that is %s, and says it is the display id', async (_name, value) => {
    const error = await refusal({ account_id: 1, conversation_id: value, content: 'x' });
    expect(error.field).toBe('conversation_id');
    expect(error.message).toMatch(/display id, as shown in the dashboard/);
  });

  it('accepts MAX_SAFE_INTEGER as an id', async () => {
    const { client, sent } = setup();
    await client.messages.create({ account_id: Number.MAX_SAFE_INTEGER, conversation_id: 1, content: 'x' });
    expect(sent[0]?.url).toContain(`/accounts/${Number.MAX_SAFE_INTEGER}/conversations/1/messages`);
  });
});

describe('params and fields', () => {
  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an array', []],
    ['undefined', undefined],
  ])('refuses params that are %s', async (_name, params) => {
    const error = await refusal(params);
    expect(error.field).toBe('params');
    expect(error.message).toMatch(
      /^messages\.create\(params\): params must be an object such as \{ account_id, conversation_id, content \}, got /,
    );
  });

  it.each([
    ['contnet', 'content'],
    ['Content', 'content'],
    ['mesage_type', 'message_type'],
    ['contentType', 'content_type'],
    ['echoId', 'echo_id'],
    ['privat', 'private'],
    ['attachment', 'attachments'],
  ])('refuses the unknown field %s and suggests %s', async (wrong, right) => {
    const error = await refusal({ ...ids, content: 'x', [wrong]: 'value' });
    expect(error.field).toBe(wrong);
    expect(error.message).toBe(`${wrong}: is not a field of Create a Message. Did you mean "${right}"?`);
  });

  it('sends an unknown field that is near no known one, as the spec allows (its body is open)', async () => {
    const { client, sent } = setup();
    await client.messages.create({ ...ids, content: 'x', colour: 'red' } as never);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ content: 'x', colour: 'red' });
  });

  it.each([
    ['in_reply_to', 5],
    ['items', [{ title: 'a', value: 'b' }]],
  ])('says that a top-level %s belongs in content_attributes', async (field, value) => {
    const error = await refusal({ ...ids, content: 'x', [field]: value });
    expect(error.field).toBe(field);
    expect(error.message).toMatch(
      new RegExp(`^${field}: is not a field of Create a Message\\. It goes in content_attributes: \\{ ${field} \\}`),
    );
  });

  it('ignores an unknown field that is undefined', async () => {
    const { client, sent } = setup();
    await client.messages.create({ ...ids, content: 'x', extra: undefined } as never);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ content: 'x' });
  });
});

describe('message_type, private, content_type', () => {
  it.each(['outgoin', 'OUTGOING', 'outbound', 2])('refuses message_type %j', async (value) => {
    const error = await refusal({ ...ids, content: 'x', message_type: value });
    expect(error.field).toBe('message_type');
    expect(error.message).toMatch(/^message_type: must be one of "incoming", "outgoing", "activity", "template", got /);
  });

  it.each(['html', 'carousel', 'Text', null])('refuses content_type %j', async (value) => {
    const error = await refusal({ ...ids, content: 'x', content_type: value });
    expect(error.field).toBe('content_type');
    expect(error.message).toMatch(
      /^content_type: must be one of "text", "input_select", "cards", "form", "article", "input_email", "input_text", "input_textarea", got /,
    );
  });

  it.each(['true', 1, 0, null])('refuses private %j', async (value) => {
    const error = await refusal({ ...ids, content: 'x', private: value });
    expect(error.field).toBe('private');
    expect(error.message).toMatch(/^private: must be true or false, got /);
  });
});

describe('content', () => {
  it('is required when the message has nothing else to post (the empty-message trap)', async () => {
    const error = await refusal({ ...ids });
    expect(error.field).toBe('content');
    expect(error.message).toMatch(/^content: is required: Send content, attachments, template_params or email addresses/);
    expect((await refusal({ ...ids, content: '' })).field).toBe('content');
  });

  it('is optional when the message carries something else (as the server takes it)', () => {
    const items = { items: [{ title: 'A', value: 'a' }] };
    expect(() => checkCreateParams({ ...ids, content_type: 'input_select', content_attributes: items })).not.toThrow();
    expect(() => checkCreateParams({ ...ids, content_type: 'input_email' })).not.toThrow();
    expect(() => checkCreateParams({ ...ids, template_params: { name: 'hello_world' } })).not.toThrow();
    expect(() => checkCreateParams({ ...ids, cc_emails: 'a@example.com' })).not.toThrow();
    expect(() => checkCreateParams({ ...ids, attachments: [new Blob(['x'])] })).not.toThrow();
  });

  it('refuses a NUL character, in content and source_id, saying what to do', async () => {
    for (const field of ['content', 'source_id']) {
      const error = await refusal({ ...ids, content: 'x', [field]: 'a\u0000b' });
      expect(error.field).toBe(field);
      expect(error.message).toMatch(/Remove the NUL characters/);
    }
  });

  it('refuses a ;-separated email list, saying to use commas', async () => {
    const error = await refusal({ ...ids, content: 'x', cc_emails: 'a@example.com; b@example.com' });
    expect(error.field).toBe('cc_emails');
    expect(error.message).toMatch(/Separate the addresses with commas/);
  });

  it.each([
    ['a number', 5],
    ['null', null],
    ['an object', { text: 'x' }],
  ])('refuses content that is %s', async (_name, value) => {
    const error = await refusal({ ...ids, content: value });
    expect(error.field).toBe('content');
    expect(error.message).toMatch(/^content: must be a string, got /);
  });

  it('accepts exactly 150,000 characters and sends them', async () => {
    const { client, sent } = setup();
    const content = 'a'.repeat(150_000);
    await client.messages.create({ ...ids, content });
    expect(JSON.parse(sent[0]?.body ?? '').content).toBe(content);
  });

  it('refuses 150,001 characters, with both numbers', async () => {
    const error = await refusal({ ...ids, content: 'a'.repeat(150_001) });
    expect(error.field).toBe('content');
    expect(error.message).toBe('content: must be at most 150,000 characters, got 150,001.');
  });

  it('counts an astral character (two UTF-16 units) as one: 150,000 emoji are accepted', async () => {
    const { client, sent } = setup();
    const content = '😀'.repeat(150_000);
    expect(content.length).toBe(300_000);
    await client.messages.create({ ...ids, content });
    expect(sent).toHaveLength(1);
  });

  it('refuses 150,001 emoji, counted as characters', async () => {
    const error = await refusal({ ...ids, content: '😀'.repeat(150_001) });
    expect(error.message).toMatch(/got 150,001\./);
  });
});

describe('content_attributes must fit content_type', () => {
  const select = { items: [{ title: 'Small', value: 's' }] };
  const cards = { items: [{ title: 'A', actions: [{ type: 'postback', text: 'Go', payload: 'GO' }] }] };
  const form = { items: [{ name: 'email', label: 'Email', type: 'email' }] };

  it.each([
    [
      'items on a text message',
      { content_attributes: select },
      'content_attributes.items',
      /^content_attributes\.items: is not accepted here; content_attributes takes in_reply_to[^.]*\. It belongs to content_type "input_select", .*: did you mean to set content_type\?$/,
    ],
    [
      'a string in_reply_to',
      { content_attributes: { in_reply_to: '5' } },
      'content_attributes.in_reply_to',
      /must be a whole number, got "5" \(a string\)\./,
    ],
    ['content_attributes that is not an object', { content_attributes: 'x' }, 'content_attributes', /must be an object or null, got "x"/],
    [
      'input_select without content_attributes',
      { content_type: 'input_select' },
      'content_attributes',
      /is required when content_type is "input_select"/,
    ],
    [
      'input_select with no items',
      { content_type: 'input_select', content_attributes: { items: [] } },
      'content_attributes.items',
      /must be a non-empty array, got an empty array/,
    ],
    [
      'input_select items shaped like cards',
      { content_type: 'input_select', content_attributes: cards },
      'content_attributes.items[0].value',
      /^content_attributes\.items\[0\]\.value: is required\.$/,
    ],
    [
      'input_select item with an empty title',
      { content_type: 'input_select', content_attributes: { items: [{ title: '', value: 'v' }] } },
      'content_attributes.items[0].title',
      /must not be empty/,
    ],
    [
      'cards item without actions',
      { content_type: 'cards', content_attributes: { items: [{ title: 'A' }] } },
      'content_attributes.items[0].actions',
      /is required\./,
    ],
    [
      'cards action of an unknown type',
      { content_type: 'cards', content_attributes: { items: [{ title: 'A', actions: [{ type: 'call', text: 'x' }] }] } },
      'content_attributes.items[0].actions[0].type',
      /must be one of "link", "postback"/,
    ],
    [
      'cards link action without uri',
      { content_type: 'cards', content_attributes: { items: [{ title: 'A', actions: [{ type: 'link', text: 'x' }] }] } },
      'content_attributes.items[0].actions[0].uri',
      /is required\./,
    ],
    [
      'input_select items under content_type form',
      { content_type: 'form', content_attributes: select },
      'content_attributes.items[0].type',
      /is required\./,
    ],
    [
      'form field of an unknown type',
      { content_type: 'form', content_attributes: { items: [{ name: 'n', label: 'N', type: 'date' }] } },
      'content_attributes.items[0].type',
      /must be one of "text", "email", "text_area", "select"/,
    ],
    [
      'form select without options',
      { content_type: 'form', content_attributes: { items: [{ name: 'n', label: 'N', type: 'select' }] } },
      'content_attributes.items[0].options',
      /is required\./,
    ],
    [
      'form items given to cards',
      { content_type: 'cards', content_attributes: form },
      'content_attributes.items[0].actions',
      /is required\./,
    ],
  ])('refuses %s', async (_name, extra, field, message) => {
    const error = await refusal({ ...ids, content: 'x', ...extra });
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });
});

describe('template_params, echo_id, attachments', () => {
  it.each([
    ['not an object', 'order_shipped', 'template_params'],
    ['without name', { language: 'en_US' }, 'template_params.name'],
    ['with a language that is not a string', { name: 'order_shipped', language: 5 }, 'template_params.language'],
    [
      'with processed_params as an array (the server wants an object)',
      { name: 'n', processed_params: ['Noa'] },
      'template_params.processed_params',
    ],
  ])('refuses template_params %s', async (_name, value, field) => {
    const error = await refusal({ ...ids, content: 'x', template_params: value });
    expect(error.field).toBe(field);
  });

  it('refuses echo_id that is not a string', async () => {
    expect((await refusal({ ...ids, content: 'x', echo_id: 5 })).field).toBe('echo_id');
  });

  it('refuses more than 15 attachments, and says to send the rest in another message', async () => {
    const attachments = Array.from({ length: 16 }, () => new Blob(['x']));
    const error = await refusal({ ...ids, content: 'x', attachments });
    expect(error.field).toBe('attachments');
    expect(error.message).toBe('attachments: at most 15 files per message, got 16. Send the rest in another message.');
  });

  it('refuses attachments that are not an array', async () => {
    const error = await refusal({ ...ids, content: 'x', attachments: new Blob(['x']) });
    expect(error.field).toBe('attachments');
    expect(error.message).toMatch(/must be an array of files or signed blob ids, got an object/);
  });

  it('refuses template_params together with files', async () => {
    const error = await refusal({ ...ids, content: 'x', template_params: { name: 'n', language: 'en' }, attachments: [new Blob(['x'])] });
    expect(error.field).toBe('template_params');
  });
});

describe('the wording of errors from the spec-compiled checks', () => {
  it.each([
    [
      'a cards action of an unknown type: the allowed tags together, not each alternative',
      { content_type: 'cards', content_attributes: { items: [{ title: 'A', actions: [{ type: 'call', text: 'Go' }] }] } },
      'content_attributes.items[0].actions[0].type: must be one of "link", "postback", got "call" (a string).',
    ],
    [
      'a link action without uri: the link alternative, chosen by its type',
      { content_type: 'cards', content_attributes: { items: [{ title: 'A', actions: [{ type: 'link', text: 'Go' }] }] } },
      'content_attributes.items[0].actions[0].uri: is required.',
    ],
    [
      'an input_select item without value: "is required", not "must be a string, got undefined"',
      { content_type: 'input_select', content_attributes: { items: [{ title: 'Small' }] } },
      'content_attributes.items[0].value: is required.',
    ],
    [
      'content_attributes left out of an interactive message',
      { content_type: 'input_select' },
      'content_attributes: is required when content_type is "input_select".',
    ],
    [
      'a form field of an unknown type: every field type, from both alternatives',
      { content_type: 'form', content_attributes: { items: [{ name: 'n', label: 'N', type: 'date' }] } },
      'content_attributes.items[0].type: must be one of "text", "email", "text_area", "select", got "date" (a string).',
    ],
    [
      'a message_type given as the response integer: the enum, not just the type',
      { message_type: 2 },
      'message_type: must be one of "incoming", "outgoing", "activity", "template", got 2 (number).',
    ],
    [
      'a template_params field at the top level: where it goes',
      { language: 'en_US' },
      'language: is not a field of Create a Message. It goes in template_params: { language }.',
    ],
  ])('%s', async (_name, extra, message) => {
    const error = await refusal({ ...ids, content: 'x', ...extra });
    expect(error.message).toBe(message);
    expect(error.field).toBe(message.slice(0, message.indexOf(':')));
  });

  it('a field the multipart body does not carry, sent with files: says so', async () => {
    const error = await refusal({ ...ids, content: 'x', template_params: { name: 'n', language: 'en' }, attachments: [new Blob(['x'])] });
    expect(error.message).toBe(
      'template_params: cannot be sent with files: a message with files (multipart/form-data) has no such field. Signed blob ids alone go in a JSON body, which has it.',
    );
  });
});

describe('typos in nested objects', () => {
  it('a misspelt required item key: "is required", and the key given instead', async () => {
    const error = await refusal({
      ...ids,
      content: 'x',
      content_type: 'input_select',
      content_attributes: { items: [{ titel: 'A', value: 'v' }] },
    });
    expect(error.message).toBe('content_attributes.items[0].title: is required ("titel" is given: did you mean "title"?).');
  });

  it('a misspelt optional key of a closed object: the keys it takes, and the nearest', async () => {
    const error = await refusal({
      ...ids,
      content: 'x',
      content_type: 'article',
      content_attributes: { items: [{ title: 'A', link: 'https://example.com/a', descripton: 'd' }] },
    });
    expect(error.field).toBe('content_attributes.items[0].descripton');
    expect(error.message).toBe(
      'content_attributes.items[0].descripton: is not accepted here; content_attributes.items[0] takes title, description, link. Did you mean "description"?',
    );
  });

  it('template parameters in neither form the spec allows: the error of the form that got furthest', async () => {
    const error = await refusal({ ...ids, content: 'x', template_params: { name: 'n', processed_params: ['a'] } });
    expect(error.message).toBe('template_params.processed_params: must be an object, got an array.');
  });
});

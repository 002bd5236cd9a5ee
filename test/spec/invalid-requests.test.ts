// Bodies that break the spec get 422 from the mock, each for the reason the spec gives: the test
// checks the violation Prism lists in `sl-violations`, not only the status, so a 422 for some other
// reason does not pass.
import { describe, expect, inject, it } from 'vitest';
import { formatViolations, postMessage, postMultipart, type Answer, type Json } from './openapi.js';
import { formatErrors, validatorFor } from './schemas.js';

const prismUrl = inject('prismUrl');

interface Expected {
  /** Where the violation is, e.g. `request.body.content_attributes.items.0.actions`. */
  at: string;
  /** A piece of Prism's message. */
  says: string;
}

function expectRefused(answer: Answer, ...expected: Expected[]): void {
  const listed = formatViolations(answer.violations);
  expect(answer.status, listed).toBe(422);
  for (const { at, says } of expected) {
    const found = answer.violations.some((v) => v.location.join('.') === at && v.message.includes(says));
    expect(found, `expected a violation at ${at} saying "${says}"; Prism listed:\n${listed}`).toBe(true);
  }
}

const card = (actions?: unknown[]): Json => ({ title: 'Basic', ...(actions === undefined ? {} : { actions }) });
const link = { type: 'link', text: 'See pricing', uri: 'https://online.99digital.co.il/pricing' };

describe('JSON bodies that break the spec get 422', () => {
  it("the 422 says the violation, in the server's { error } shape, as JSON (the mock's reason, not the spec's sample 422)", async () => {
    const answer = await postMessage(prismUrl, { content: 'x', message_type: 'two' });
    expect(answer.status).toBe(422);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toEqual({
      error:
        'Request body property message_type must be equal to one of the allowed values: incoming, outgoing, activity, template (at body.message_type; the request breaks openapi.yaml)',
    });
  });

  it.each<[string, Json, Expected[]]>([
    [
      'unknown message_type',
      { content: 'x', message_type: 'two' },
      [{ at: 'request.body.message_type', says: 'allowed values: incoming, outgoing, activity, template' }],
    ],
    [
      'unknown content_type',
      { content: 'x', content_type: 'video', content_attributes: {} },
      [{ at: 'request.body.content_type', says: 'must be equal to constant' }],
    ],
    [
      'missing content, and nothing else to post (the empty-message trap: our choice)',
      { message_type: 'outgoing' },
      [{ at: 'request.body', says: 'must NOT be valid' }],
    ],
    ['empty content, and nothing else to post (our choice)', { content: '' }, [{ at: 'request.body', says: 'must NOT be valid' }]],
    [
      'content over 150,000 characters',
      { content: 'x'.repeat(150_001) },
      [{ at: 'request.body.content', says: 'must NOT have more than 150000 characters' }],
    ],
    [
      'text content_attributes with items',
      { content: 'x', content_type: 'text', content_attributes: { items: [{ title: 'a', value: 'a' }] } },
      [{ at: 'request.body.content_attributes', says: "must NOT have additional properties; found 'items'" }],
    ],
    [
      'items with no content_type (text by default)',
      { content: 'x', content_attributes: { items: [{ title: 'a', value: 'a' }] } },
      [{ at: 'request.body.content_attributes', says: "found 'items'" }],
    ],
    [
      'input_select with empty items',
      { content: 'x', content_type: 'input_select', content_attributes: { items: [] } },
      [{ at: 'request.body.content_attributes.items', says: 'must NOT have fewer than 1 items' }],
    ],
    [
      'input_select without content_attributes',
      { content: 'x', content_type: 'input_select' },
      [{ at: 'request.body', says: "must have required property 'content_attributes'" }],
    ],
    [
      'cards with empty items',
      { content: 'x', content_type: 'cards', content_attributes: { items: [] } },
      [{ at: 'request.body.content_attributes.items', says: 'must NOT have fewer than 1 items' }],
    ],
    [
      'a card without actions',
      { content: 'x', content_type: 'cards', content_attributes: { items: [card()] } },
      [{ at: 'request.body.content_attributes.items.0', says: "must have required property 'actions'" }],
    ],
    [
      'a card with empty actions',
      { content: 'x', content_type: 'cards', content_attributes: { items: [card([])] } },
      [{ at: 'request.body.content_attributes.items.0.actions', says: 'must NOT have fewer than 1 items' }],
    ],
    [
      'a link action without uri',
      { content: 'x', content_type: 'cards', content_attributes: { items: [card([{ type: 'link', text: 'Go' }])] } },
      [{ at: 'request.body.content_attributes.items.0.actions.0', says: "must have required property 'uri'" }],
    ],
    [
      'an action of unknown type',
      { content: 'x', content_type: 'cards', content_attributes: { items: [card([{ type: 'call', text: 'Call', payload: 'p' }])] } },
      [{ at: 'request.body.content_attributes.items.0.actions.0', says: 'must match exactly one schema in oneOf' }],
    ],
    [
      'form with empty items',
      { content: 'x', content_type: 'form', content_attributes: { items: [] } },
      [{ at: 'request.body.content_attributes.items', says: 'must NOT have fewer than 1 items' }],
    ],
    [
      'a select field without options',
      { content: 'x', content_type: 'form', content_attributes: { items: [{ name: 'topic', label: 'Topic', type: 'select' }] } },
      [{ at: 'request.body.content_attributes.items.0', says: "must have required property 'options'" }],
    ],
    [
      'a select field with empty options',
      {
        content: 'x',
        content_type: 'form',
        content_attributes: { items: [{ name: 'topic', label: 'Topic', type: 'select', options: [] }] },
      },
      [{ at: 'request.body.content_attributes.items.0.options', says: 'must NOT have fewer than 1 items' }],
    ],
    [
      'a form field of unknown type',
      { content: 'x', content_type: 'form', content_attributes: { items: [{ name: 'n', label: 'N', type: 'checkbox' }] } },
      [{ at: 'request.body.content_attributes.items.0', says: 'must match exactly one schema in oneOf' }],
    ],
    [
      'private as the string "true" (JSON is not coerced)',
      { content: 'x', private: 'true' },
      [{ at: 'request.body.private', says: 'must be boolean' }],
    ],
  ])('%s', async (_case, body, expected) => {
    expectRefused(await postMessage(prismUrl, body), ...expected);
  });
});

// What the server's own checks refuse (ContentAttributeValidator, Message::TEMPLATE_PARAMS_SCHEMA,
// the enums of message.rb), one case each: the spec refuses the same, so the mock answers 422.
describe("the server's refusals are the spec's (422)", () => {
  const select = (item: unknown): Json => ({ content: 'x', content_type: 'input_select', content_attributes: { items: [item] } });
  const cards = (item: unknown): Json => ({ content: 'x', content_type: 'cards', content_attributes: { items: [item] } });
  const form = (item: unknown): Json => ({ content: 'x', content_type: 'form', content_attributes: { items: [item] } });
  const article = (items: unknown[]): Json => ({ content: 'x', content_type: 'article', content_attributes: { items } });
  const extra = (key: string) => `must NOT have additional properties; found '${key}'`;

  it.each<[string, Json, Expected[]]>([
    [
      'input_select item with a key other than title, value',
      select({ title: 'A', value: 'a', description: 'd' }),
      [{ at: 'request.body.content_attributes.items.0', says: extra('description') }],
    ],
    [
      'input_select item that is not an object',
      select('Sales'),
      [{ at: 'request.body.content_attributes.items.0', says: 'must be object' }],
    ],
    [
      'card with a key other than title, description, media_url, actions',
      cards({ title: 'C', subtitle: 's', actions: [link] }),
      [{ at: 'request.body.content_attributes.items.0', says: extra('subtitle') }],
    ],
    [
      'card action with a key other than text, type, payload, uri',
      cards({ title: 'C', actions: [{ ...link, style: 'primary' }] }),
      [{ at: 'request.body.content_attributes.items.0.actions.0', says: extra('style') }],
    ],
    ['card item that is not an object', cards(['Basic']), [{ at: 'request.body.content_attributes.items.0', says: 'must be object' }]],
    [
      "form item with a key outside the validator's ten",
      form({ name: 'n', label: 'N', type: 'text', min: 3 }),
      [{ at: 'request.body.content_attributes.items.0', says: extra('min') }],
    ],
    [
      'article item with a key other than title, description, link',
      article([{ title: 'T', link: 'https://online.99digital.co.il/hc/t', image: 'i.png' }]),
      [{ at: 'request.body.content_attributes.items.0', says: extra('image') }],
    ],
    ['article with empty items', article([]), [{ at: 'request.body.content_attributes.items', says: 'must NOT have fewer than 1 items' }]],
    [
      'article item that is not an object',
      article(['Track your order']),
      [{ at: 'request.body.content_attributes.items.0', says: 'must be object' }],
    ],
    [
      'article without content_attributes',
      { content: 'x', content_type: 'article' },
      [{ at: 'request.body', says: "must have required property 'content_attributes'" }],
    ],
    [
      'content_type the server has no such value for',
      { content: 'x', content_type: 'carousel' },
      [{ at: 'request.body.content_type', says: 'must be equal to constant' }],
    ],
    [
      'message_type the server has no such value for',
      { content: 'x', message_type: 'outbound' },
      [{ at: 'request.body.message_type', says: 'must be equal to one of the allowed values' }],
    ],
    [
      'template_params without name',
      { content: 'x', template_params: { language: 'en_US', processed_params: { '1': 'Noa' } } },
      [{ at: 'request.body.template_params', says: "must have required property 'name'" }],
    ],
    [
      'template_params.processed_params as an array (not an object)',
      { content: 'x', template_params: { name: 't', processed_params: ['Noa', '1234'] } },
      [{ at: 'request.body.template_params.processed_params', says: 'must be object' }],
    ],
    [
      'template_params.name that is not a string',
      { content: 'x', template_params: { name: 7 } },
      [{ at: 'request.body.template_params.name', says: 'must be string' }],
    ],
  ])('%s', async (_case, body, expected) => {
    expectRefused(await postMessage(prismUrl, body), ...expected);
  });

  it('accepts content of exactly 150,000 characters (the limit is inclusive)', async () => {
    const answer = await postMessage(prismUrl, { content: 'x'.repeat(150_000) });
    expect(answer.status, formatViolations(answer.violations)).toBe(200);
    expect(answer.violations).toEqual([]);
  });

  it("a missing api_access_token gets 401 (not 422) and the server's no-token body", async () => {
    const response = await fetch(`${prismUrl}/api/v1/accounts/1/conversations/42/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'x' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: ['You need to sign in or sign up before continuing.'] });
  });
});

describe('multipart/form-data bodies that break the spec get 422', () => {
  const file = ['invoice.pdf'];

  it.each<[string, Json, Expected[]]>([
    [
      'unknown message_type',
      { content: 'x', message_type: 'two', 'attachments[]': file },
      [{ at: 'request.body.message_type', says: 'allowed values' }],
    ],
    [
      'unknown content_type',
      { content: 'x', content_type: 'video', 'attachments[]': file },
      [{ at: 'request.body.content_type', says: 'allowed values' }],
    ],
    [
      'content over 150,000 characters',
      { content: 'x'.repeat(150_001), 'attachments[]': file },
      [{ at: 'request.body.content', says: 'must NOT have more than 150000 characters' }],
    ],
    [
      'private that is not a boolean',
      { content: 'x', private: 'yes', 'attachments[]': file },
      [{ at: 'request.body.private', says: 'must be boolean' }],
    ],
  ])('%s', async (_case, fields, expected) => {
    expectRefused(await postMultipart(prismUrl, fields), ...expected);
  });

  // Form fields are text: Prism coerces them to the schema's types before validating multipart.
  it('accepts private "true" / "false" as text parts (coerced to booleans)', async () => {
    for (const value of ['true', 'false']) {
      const answer = await postMultipart(prismUrl, { content: 'x', private: value, 'attachments[]': file });
      expect(answer.status, formatViolations(answer.violations)).toBe(200);
      expect(answer.violations).toEqual([]);
    }
  });

  // PRISM LIMITATION: Prism 5.14.2 reads multipart bodies into one value per part name (the last
  // part wins, always as text), so 16 `attachments[]` parts reach its validator as one file and
  // `maxItems: 15` cannot be enforced by the mock. The real server refuses more than 15 files; the
  // spec states the limit (checked with Ajv below) and the client checks it before sending.
  it('cannot refuse more than 15 attachments (Prism limitation, proven here)', async () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => `file-${i}.pdf`);
    const answer = await postMultipart(prismUrl, { content: 'x', 'attachments[]': sixteen });
    expect(answer.status).toBe(200);
    expect(answer.violations).toEqual([]);
  });

  it('the spec itself refuses more than 15 attachments (Ajv)', () => {
    const validate = validatorFor('#/components/schemas/CreateMessageMultipartRequest');
    const files = (n: number): string[] => Array.from({ length: n }, (_, i) => `file-${i}.pdf`);
    expect(validate({ content: 'x', 'attachments[]': files(15) }), formatErrors(validate.errors)).toBe(true);
    expect(validate({ content: 'x', 'attachments[]': files(16) })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/attachments[]', keyword: 'maxItems' });
  });
});

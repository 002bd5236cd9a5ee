// Prism's support of oneOf is known to be weak. This proves, with real requests, that every variant
// of every oneOf in openapi.yaml (CreateMessageRequest, CardAction, FormField, Sender, Attachment,
// ErrorBody)
// goes through the mock without a false 422 and without an `sl-violations` header. Each case names
// the variants it exercises, Ajv confirms it really matches them, and a coverage check fails when a
// oneOf gains a variant that no case exercises.
import { describe, expect, inject, it } from 'vitest';
import { formatViolations, getMessages, postMessage, spec, type Answer, type Json } from './openapi.js';
import { formatErrors, validatorFor } from './schemas.js';

const prismUrl = inject('prismUrl');

interface RequestCase {
  name: string;
  body: Json;
  variants: string[];
}

interface ResponseCase {
  name: string;
  prefer: string;
  status: number;
  /** Variants the served example exercises, and where in the body each is. */
  variants: Array<[variant: string, path: string]>;
  /** listMessages instead of createMessage: shapes only channel messages have are listed, not created. */
  list?: true;
}

const link = { type: 'link', text: 'See pricing', uri: 'https://online.99digital.co.il/pricing' };
const postback = { type: 'postback', text: 'Choose Basic', payload: 'PLAN_BASIC' };

const requestCases: RequestCase[] = [
  { name: 'text, nothing but content', body: { content: 'Hi' }, variants: ['TextMessageRequest'] },
  {
    name: 'text, every field',
    body: {
      content: 'Hi',
      message_type: 'incoming',
      private: true,
      content_type: 'text',
      content_attributes: { in_reply_to: 7 },
      echo_id: 'e-1',
      template_params: { name: 't', language: 'he' },
    },
    variants: ['TextMessageRequest'],
  },
  {
    name: 'input_select',
    body: { content: 'Pick', content_type: 'input_select', content_attributes: { items: [{ title: 'A', value: 'a' }] } },
    variants: ['InputSelectMessageRequest'],
  },
  {
    name: 'cards with a link action',
    body: { content: 'Cards', content_type: 'cards', content_attributes: { items: [{ title: 'C', actions: [link] }] } },
    variants: ['CardsMessageRequest', 'CardLinkAction'],
  },
  {
    name: 'cards with a postback action',
    body: { content: 'Cards', content_type: 'cards', content_attributes: { items: [{ title: 'C', actions: [postback] }] } },
    variants: ['CardsMessageRequest', 'CardPostbackAction'],
  },
  {
    name: 'cards mixing both actions on several cards',
    body: {
      content: 'Cards',
      content_type: 'cards',
      content_attributes: {
        items: [
          { title: 'A', actions: [postback, link] },
          { title: 'B', description: 'b', media_url: 'https://online.99digital.co.il/b.png', actions: [link] },
        ],
      },
    },
    variants: ['CardsMessageRequest', 'CardLinkAction', 'CardPostbackAction'],
  },
  {
    name: 'form with text, email and text_area fields',
    body: {
      content: 'Form',
      content_type: 'form',
      content_attributes: {
        items: [
          { name: 'a', label: 'A', type: 'text' },
          { name: 'b', label: 'B', type: 'email', required: true, placeholder: 'you@example.com' },
          { name: 'c', label: 'C', type: 'text_area', default: 'hi' },
        ],
      },
    },
    variants: ['FormMessageRequest', 'FormInputField'],
  },
  {
    name: 'form with only a select field',
    body: {
      content: 'Form',
      content_type: 'form',
      content_attributes: { items: [{ name: 's', label: 'S', type: 'select', options: [{ label: 'One', value: '1' }] }] },
    },
    variants: ['FormMessageRequest', 'FormSelectField'],
  },
  {
    name: 'article',
    body: {
      content: 'Read',
      content_type: 'article',
      content_attributes: { items: [{ title: 'T', description: 'd', link: 'https://online.99digital.co.il/hc/t' }] },
    },
    variants: ['ArticleMessageRequest'],
  },
  { name: 'input_email', body: { content: 'Your email?', content_type: 'input_email' }, variants: ['InputEmailMessageRequest'] },
  {
    name: 'input_text',
    body: { content: 'Order number?', content_type: 'input_text', content_attributes: { in_reply_to: 7 } },
    variants: ['InputTextMessageRequest'],
  },
  {
    name: 'input_textarea',
    body: { content: 'Tell us more', content_type: 'input_textarea', content_attributes: {} },
    variants: ['InputTextareaMessageRequest'],
  },
];

const responseCases: ResponseCase[] = [
  { name: 'a user sender (agent)', prefer: 'example=text', status: 200, variants: [['UserSender', 'sender']] },
  { name: 'a contact sender', prefer: 'example=incoming', status: 200, variants: [['ContactSender', 'sender']] },
  { name: 'an agent bot sender', prefer: 'example=bot', status: 200, variants: [['AgentBotSender', 'sender']] },
  { name: 'a contact sender on an activity message', prefer: 'example=activity', status: 200, variants: [['ContactSender', 'sender']] },
  { name: 'a file attachment', prefer: 'example=attachment', status: 200, variants: [['FileAttachment', 'attachments.0']] },
  {
    name: 'an analysed image attachment (listed)',
    prefer: 'example=from_channels',
    status: 200,
    variants: [['FileAttachment', 'payload.0.attachments.0']],
    list: true,
  },
  { name: 'an audio attachment', prefer: 'example=audio', status: 200, variants: [['AudioAttachment', 'attachments.0']] },
  {
    name: 'a location attachment (listed)',
    prefer: 'example=from_channels',
    status: 200,
    variants: [['LocationAttachment', 'payload.1.attachments.0']],
    list: true,
  },
  {
    name: 'a shared contact attachment (listed)',
    prefer: 'example=from_channels',
    status: 200,
    variants: [['ContactAttachment', 'payload.2.attachments.0']],
    list: true,
  },
  {
    name: 'fallback and embed attachments (listed)',
    prefer: 'example=from_channels',
    status: 200,
    variants: [
      ['FallbackAttachment', 'payload.3.attachments.0'],
      ['EmbedAttachment', 'payload.4.attachments.0'],
    ],
    list: true,
  },
  { name: '401 {"errors": [...]} (no token)', prefer: 'code=401, example=no_token', status: 401, variants: [['Errors', '']] },
  { name: '401 {"error": "..."} (bad token)', prefer: 'code=401, example=invalid_token', status: 401, variants: [['Error', '']] },
  { name: '401 {"error": "..."} (no access)', prefer: 'code=401, example=no_access', status: 401, variants: [['Error', '']] },
  { name: '422 {"error": "..."}', prefer: 'code=422', status: 422, variants: [['Error', '']] },
];

function oneOfVariants(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [name, schema] of Object.entries(spec.components.schemas as Json)) {
    const oneOf = (schema as Json).oneOf as Json[] | undefined;
    if (oneOf !== undefined)
      found.set(
        name,
        oneOf.map((variant) => String(variant.$ref).split('/').pop() ?? ''),
      );
  }
  return found;
}

function at(body: unknown, path: string): unknown {
  return path === '' ? body : path.split('.').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], body);
}

function expectClean(answer: Answer, status: number): void {
  expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
  expect(answer.status).toBe(status);
}

describe('oneOf variants go through Prism cleanly', () => {
  it('every variant of every oneOf in the spec is exercised by a case below', () => {
    const exercised = new Set([...requestCases.flatMap((c) => c.variants), ...responseCases.flatMap((c) => c.variants.map(([v]) => v))]);
    const variants = oneOfVariants();
    expect([...variants.keys()].sort()).toEqual(['Attachment', 'CardAction', 'CreateMessageRequest', 'ErrorBody', 'FormField', 'Sender']);
    for (const [oneOf, names] of variants) {
      for (const name of names) expect(exercised.has(name), `${oneOf} variant ${name} has no case`).toBe(true);
    }
  });

  it.each(requestCases.map((c) => [c.name, c] as const))('request: %s', async (_name, { body, variants }) => {
    // The case is what it claims: the body matches CreateMessageRequest and each variant named.
    const validate = validatorFor('#/components/schemas/CreateMessageRequest');
    expect(validate(body), formatErrors(validate.errors)).toBe(true);
    const requestVariant = variants.find((v) => v.endsWith('MessageRequest'));
    expect(requestVariant).toBeDefined();
    expect(validatorFor(`#/components/schemas/${requestVariant ?? ''}`)(body)).toBe(true);

    expectClean(await postMessage(prismUrl, body), 200);
  });

  it.each(responseCases.map((c) => [c.name, c] as const))('response: %s', async (_name, { prefer, status, variants, list }) => {
    const answer = list ? await getMessages(prismUrl, {}, { prefer }) : await postMessage(prismUrl, { content: 'x' }, { prefer });
    // Prism validates what it serves (--errors turns a violation into a 500): a clean answer with
    // the requested status means the example passed Prism's own oneOf check.
    expectClean(answer, status);
    for (const [variant, path] of variants) {
      const validate = validatorFor(`#/components/schemas/${variant}`);
      expect(validate(at(answer.body, path)), `${variant} at "${path}": ${formatErrors(validate.errors)}`).toBe(true);
    }
  });
});

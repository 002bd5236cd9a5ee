// Requests the server accepts (what Messages::MessageBuilder reads, Message::TEMPLATE_PARAMS_SCHEMA,
// ContentAttributeValidator's allowed keys), one case each: the spec accepts them too, so Ajv
// validates the body, the mock answers 200 with no `sl-violations`, and the answer is a Message.
import { describe, expect, inject, it } from 'vitest';
import { deref, formatViolations, postMessage, postMultipart, type Json } from './openapi.js';
import { formatErrors, validatorFor } from './schemas.js';

const prismUrl = inject('prismUrl');
const validateRequest = validatorFor('#/components/schemas/CreateMessageRequest');
const validateMultipart = validatorFor('#/components/schemas/CreateMessageMultipartRequest');
const validateMessage = validatorFor('#/components/schemas/Message');

const text = { content: 'Hello', message_type: 'outgoing' };

// The spec does not refuse unknown top-level fields (nor does the server: it ignores them), so
// "accepted" alone would pass for a field the spec never heard of; each field must be described.
const described = new Set([
  ...Object.keys(deref({ $ref: '#/components/schemas/MessageFields' })['properties']),
  'content_type',
  'content_attributes',
]);
const multipartDescribed = new Set(Object.keys(deref({ $ref: '#/components/schemas/CreateMessageMultipartRequest' })['properties']));

describe('JSON requests the server accepts are accepted by the spec and the mock', () => {
  it.each<[string, Json]>([
    [
      'content_attributes.in_reply_to_external_id (reply by the channel message id)',
      { ...text, content_attributes: { in_reply_to_external_id: 'wamid.HBgMOTcy' } },
    ],
    [
      'in_reply_to and in_reply_to_external_id together',
      { ...text, content_attributes: { in_reply_to: 1021, in_reply_to_external_id: 'wamid.HBgMOTcy' } },
    ],
    [
      'content_type article with title, description, link items',
      {
        ...text,
        content_type: 'article',
        content_attributes: {
          items: [{ title: 'Returns', description: 'How to return', link: 'https://online.99digital.co.il/hc/returns' }],
        },
      },
    ],
    ['content_type input_email', { ...text, content_type: 'input_email' }],
    ['content_type input_text', { ...text, content_type: 'input_text' }],
    ['content_type input_textarea', { ...text, content_type: 'input_textarea', content_attributes: {} }],
    ['source_id', { ...text, source_id: 'crm-msg-88412' }],
    ['external_created_at', { ...text, message_type: 'incoming', external_created_at: 1764090000 }],
    ['campaign_id', { ...text, campaign_id: 12 }],
    ['sender_type AgentBot with sender_id (post as a bot)', { ...text, sender_type: 'AgentBot', sender_id: 2 }],
    [
      'cc_emails, bcc_emails, to_emails as comma-separated strings',
      { ...text, cc_emails: 'a@example.com, b@example.com', bcc_emails: 'c@example.com', to_emails: 'd@example.com' },
    ],
    ['email_html_content', { ...text, email_html_content: '<p>Hello</p>' }],
    ['template_params with only name', { ...text, template_params: { name: 'hello_world' } }],
    [
      'template_params with category, language and namespace strings',
      { ...text, template_params: { name: 'order_shipped', category: 'UTILITY', language: 'he', namespace: 'b1c2d3e4_f5a6' } },
    ],
    [
      'template_params.processed_params, structured (header media, body, footer, buttons)',
      {
        ...text,
        template_params: {
          name: 'order_shipped',
          language: 'en_US',
          processed_params: {
            header: { media_url: 'https://online.99digital.co.il/a.pdf', media_type: 'document', media_name: 'invoice.pdf' },
            body: { '1': 'Noa', customer_name: 'Noa' },
            footer: { '1': 'Thanks' },
            buttons: [
              { type: 'url', parameter: 'track/1234' },
              { type: 'copy_code', parameter: 'SALE10' },
            ],
          },
        },
      },
    ],
    [
      'template_params.processed_params, legacy flat map',
      { ...text, template_params: { name: 'order_shipped', processed_params: { '1': 'Noa', '2': '1234' } } },
    ],
    [
      'form items with pattern, pattern_error and title',
      {
        ...text,
        content_type: 'form',
        content_attributes: {
          items: [
            { name: 'zip', label: 'ZIP', type: 'text', pattern: '^\\d{7}$', pattern_error: 'Seven digits', title: 'Israeli ZIP code' },
          ],
        },
      },
    ],
    ['echo_id longer than 255 characters (the server sets no limit)', { ...text, echo_id: 'e'.repeat(1000) }],
  ])('%s', async (_case, body) => {
    for (const key of Object.keys(body)) expect(described, `${key} is described in MessageFields`).toContain(key);
    expect(validateRequest(body), formatErrors(validateRequest.errors)).toBe(true);
    const answer = await postMessage(prismUrl, body);
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
    expect(validateMessage(answer.body), formatErrors(validateMessage.errors)).toBe(true);
  });
});

describe('multipart requests take the same new fields', () => {
  it.each<[string, Json]>([
    [
      'source_id, external_created_at, campaign_id',
      { content: 'x', source_id: 'crm-1', external_created_at: '1764090000', campaign_id: '12' },
    ],
    ['sender_type AgentBot with sender_id', { content: 'x', sender_type: 'AgentBot', sender_id: '2' }],
    [
      'cc_emails, bcc_emails, to_emails, email_html_content',
      { content: 'x', cc_emails: 'a@example.com', bcc_emails: 'b@example.com', to_emails: 'c@example.com', email_html_content: '<p>x</p>' },
    ],
    [
      'content_type article with JSON-encoded content_attributes',
      {
        content: 'x',
        content_type: 'article',
        content_attributes: { items: [{ title: 'T', link: 'https://online.99digital.co.il/hc/t' }] },
      },
    ],
  ])('%s', async (_case, fields) => {
    for (const key of Object.keys(fields)) expect(multipartDescribed, `${key} is a described part`).toContain(key);
    const answer = await postMultipart(prismUrl, { ...fields, 'attachments[]': ['invoice.pdf'] });
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
  });

  it('the spec lists them (Ajv, as the parts arrive: numbers coerced)', () => {
    const body = {
      content: 'x',
      source_id: 'crm-1',
      external_created_at: 1764090000,
      campaign_id: 12,
      sender_type: 'AgentBot',
      sender_id: 2,
      cc_emails: 'a@example.com',
      'attachments[]': ['f'],
    };
    expect(validateMultipart(body), formatErrors(validateMultipart.errors)).toBe(true);
    expect(validateMultipart({ ...body, sender_type: 'User' })).toBe(false);
  });
});

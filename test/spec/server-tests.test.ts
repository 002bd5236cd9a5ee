// The requests Chatwoot's own tests send (../shared/reference/chatwoot/spec_*.rb) and the points of
// issue 20, each judged three ways that must agree: the spec itself (Ajv over openapi.yaml), the
// mock (Prism) and the client's generated checks (generated/request-checks.ts). What those tests
// send successfully is accepted; what they expect refused is refused, at the field the server
// names; where the spec is stricter than the server by choice, the case says so.
import { describe, expect, inject, it } from 'vitest';
import { variantChecks } from '../../generated/request-checks.js';
import { formatViolations, postMessage, postMultipart, type Json } from './openapi.js';
import { formatErrors, validatorFor } from './schemas.js';

const prismUrl = inject('prismUrl');
const validateRequest = validatorFor('#/components/schemas/CreateMessageRequest');
const validateMessage = validatorFor('#/components/schemas/Message');

/** The client's compiled check of the variant the body picks (text when content_type is left out). */
function generatedCheck(body: Json): { valid: boolean; errors: string } {
  const check = variantChecks[(body['content_type'] as string | undefined) ?? 'text'];
  if (!check) return { valid: false, errors: 'no such content_type' };
  const valid = check(body);
  return { valid, errors: JSON.stringify(check.errors ?? []) };
}

const card = {
  title: 'Dune',
  description: 'A quote',
  media_url: 'https://chatwoot-assets.local/sample.png',
  actions: [
    { text: 'Select', type: 'postback', payload: 'TACOS' },
    { text: 'More info', type: 'link', uri: 'http://example.org' },
  ],
};

describe("requests Chatwoot's tests send successfully are accepted (spec, mock, client checks)", () => {
  it.each<[string, Json]>([
    // spec_controllers_..._messages_controller_spec.rb
    ['a private note', { content: 'test-message', private: true }],
    [
      'a bot sender with a string external_created_at (Time.now.utc.to_s)',
      { content: 'test-message', external_created_at: '2026-12-06 02:00:00 UTC', sender_type: 'AgentBot', sender_id: 5 },
    ],
    ['an incoming message (API inbox)', { content: 'test-message', private: false, message_type: 'incoming' }],
    ['input_select without content', { content_type: 'input_select', content_attributes: { items: [{ title: 'Dune', value: 'Dune' }] } }],
    ['cards without content', { content_type: 'cards', content_attributes: { items: [card] } }],
    // spec_builders_messages_message_builder_spec.rb
    ['content_attributes as an object', { content: 'test', content_attributes: { in_reply_to: 7 } }],
    ['content_attributes: null (taken as {})', { content: 'test', content_attributes: null }],
    ['attachments as signed blob ids', { content: 'test', attachments: ['eyJfcmFpbHMiOnsibWVzc2FnZSI6IkJBaHBCZz09In19--1f2e3d4c'] }],
    ['cc and bcc without content', { cc_emails: 'test_cc_mail@test.com', bcc_emails: 'test_bcc_mail@test.com' }],
    [
      'cc and bcc with spaces around the commas',
      {
        content: 'x',
        cc_emails: ' test1@test.com , test2@test.com, test3@test.com',
        bcc_emails: 'test1@test.com,test2@test.com, test3@test.com ',
      },
    ],
    ['custom email HTML', { content: 'Regular message content', email_html_content: '<p>Custom <strong>HTML</strong> content</p>' }],
    // issue 20's points
    ['external_created_at as a number', { content: 'x', external_created_at: 1764090000 }],
    ['external_created_at as an object (stored as sent)', { content: 'x', external_created_at: { at: '2025-11-25' } }],
    ['a template with no content', { template_params: { name: 'hello_world' } }],
    [
      'template values: number, currency, date_time (structured)',
      {
        content: 'x',
        template_params: {
          name: 'order_total',
          processed_params: {
            body: {
              '1': 12.5,
              '2': { type: 'currency', currency: { fallback_value: '$12.50', code: 'USD', amount_1000: 12500 } },
              '3': { type: 'date_time', date_time: { fallback_value: 'December 6' } },
            },
            buttons: [{ type: 'url', parameter: 1234 }],
          },
        },
      },
    ],
    ['template values: a number (legacy flat map)', { content: 'x', template_params: { name: 't', processed_params: { '1': 42 } } }],
    [
      'an input_select value that is a number',
      { content_type: 'input_select', content_attributes: { items: [{ title: 'One', value: 1 }] } },
    ],
    [
      'a card without title, a link uri that is not http',
      { content_type: 'cards', content_attributes: { items: [{ actions: [{ type: 'link', text: 'Call', uri: 'tel:+972501234567' }] }] } },
    ],
    ['an article without title', { content_type: 'article', content_attributes: { items: [{ link: '/hc/returns' }] } }],
    ['a form field without label', { content_type: 'form', content_attributes: { items: [{ name: 'email', type: 'email' }] } }],
    ['an input_email prompt without content', { content_type: 'input_email' }],
  ])('%s', async (_case, body) => {
    expect(validateRequest(body), formatErrors(validateRequest.errors)).toBe(true);
    const checked = generatedCheck(body);
    expect(checked.valid, checked.errors).toBe(true);
    const answer = await postMessage(prismUrl, body);
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
    expect(validateMessage(answer.body), formatErrors(validateMessage.errors)).toBe(true);
  });

  it.each<[string, Json]>([
    ['a file and no content', {}],
    ['content_attributes as a JSON string part', { content: 'test', content_attributes: '{"in_reply_to":7}' }],
    ['content_attributes text that is not JSON (taken as {})', { content: 'test', content_attributes: 'invalid_json' }],
    ['external_created_at as text', { content: 'x', external_created_at: '2026-12-06 02:00:00 UTC' }],
  ])('multipart: %s', async (_case, fields) => {
    const answer = await postMultipart(prismUrl, { ...fields, 'attachments[]': ['avatar.png'] });
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
  });
});

describe('what the server refuses (or would post broken) is refused, at the field concerned', () => {
  it.each<[string, Json, string, string]>([
    // [case, body, where Prism puts it (request.body...), the generated check's instancePath]
    ['content over 150,000 characters (the controller spec)', { content: `${'h'.repeat(150_000)}a` }, 'request.body.content', '/content'],
    [
      'cc/bcc that are not addresses (the builder spec: Invalid email address)',
      { content: 'x', cc_emails: 'test.com', bcc_emails: 'test_bcc.com' },
      'request.body.cc_emails',
      '/cc_emails',
    ],
    [
      'a ;-separated list (the server splits on commas only)',
      { content: 'x', to_emails: 'a@example.com; b@example.com' },
      'request.body.to_emails',
      '/to_emails',
    ],
    ['NUL in content (string contains null byte)', { content: 'a\u0000b' }, 'request.body.content', '/content'],
    ['NUL in source_id (string contains null byte)', { content: 'x', source_id: 'a\u0000b' }, 'request.body.source_id', '/source_id'],
    ['an empty message (our choice: the server would post it empty)', { message_type: 'outgoing' }, 'request.body', ''],
    ['empty content and nothing else (our choice)', { content: '' }, 'request.body', ''],
    [
      'a card without actions (contains items missing actions)',
      { content_type: 'cards', content_attributes: { items: [{ title: 'C' }] } },
      'request.body.content_attributes.items.0',
      '/content_attributes/items/0',
    ],
    [
      'an action key the validator refuses (invalid keys for actions:  [:url])',
      { content_type: 'cards', content_attributes: { items: [{ actions: [{ type: 'link', text: 'Go', url: 'x' }] }] } },
      'request.body.content_attributes.items.0.actions.0',
      '/content_attributes/items/0/actions/0',
    ],
    [
      'items missing (undefined method reject for nil)',
      { content_type: 'input_select', content_attributes: {} },
      'request.body.content_attributes',
      '/content_attributes',
    ],
    [
      'items that are not objects (undefined method keys)',
      { content_type: 'input_select', content_attributes: { items: ['Sales'] } },
      'request.body.content_attributes.items.0',
      '/content_attributes/items/0',
    ],
    [
      'template_params without name (Name is required)',
      { content: 'x', template_params: { language: 'en_US' } },
      'request.body.template_params',
      '/template_params',
    ],
    [
      'processed_params that is not an object (must be of type hash)',
      { content: 'x', template_params: { name: 't', processed_params: 'x' } },
      'request.body.template_params.processed_params',
      '/template_params/processed_params',
    ],
    ['message_type "" (422 on the server)', { content: 'x', message_type: '' }, 'request.body.message_type', '/message_type'],
    [
      'message_type 1 (the server takes it and skips its checks; our choice)',
      { content: 'x', message_type: 1 },
      'request.body.message_type',
      '/message_type',
    ],
  ])('%s', async (_case, body, at, instancePath) => {
    expect(validateRequest(body)).toBe(false);
    const checked = generatedCheck(body);
    expect(checked.valid).toBe(false);
    expect(checked.errors).toContain(`"instancePath":"${instancePath}"`);
    const answer = await postMessage(prismUrl, body);
    expect(answer.status, formatViolations(answer.violations)).toBe(422);
    expect(
      answer.violations.some((v) => v.location.join('.') === at),
      `expected a violation at ${at}; Prism listed:\n${formatViolations(answer.violations)}`,
    ).toBe(true);
  });
});

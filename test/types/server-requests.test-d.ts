// The requests the server accepts beyond the seed's fields (Messages::MessageBuilder,
// Message::TEMPLATE_PARAMS_SCHEMA, ContentAttributeValidator) compile; near misses do not.
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type CreateMessageParams, type SignedBlobId } from '../../src/index.js';

const client = createClient({ apiAccessToken: 'typeTestToken1234567' });
const ids = { account_id: 1, conversation_id: 42 };

describe('requests the server accepts compile', () => {
  it('reply by the channel message id', () => {
    void client.messages.create({ ...ids, content: 'x', content_attributes: { in_reply_to_external_id: 'wamid.1' } });
    void client.messages.create({ ...ids, content: 'x', content_attributes: { in_reply_to: 7, in_reply_to_external_id: 'wamid.1' } });
  });

  it('article, input_email, input_text, input_textarea', () => {
    void client.messages.create({
      ...ids,
      content: 'These may help',
      content_type: 'article',
      content_attributes: { items: [{ title: 'Returns', description: 'How', link: 'https://example.com/r' }] },
    });
    void client.messages.create({ ...ids, content: 'Email?', content_type: 'input_email' });
    void client.messages.create({ ...ids, content: 'Order?', content_type: 'input_text', content_attributes: { in_reply_to: 3 } });
    void client.messages.create({ ...ids, content: 'More?', content_type: 'input_textarea' });
  });

  it('source_id, external_created_at, campaign_id', () => {
    void client.messages.create({
      ...ids,
      content: 'x',
      message_type: 'incoming',
      source_id: 'crm-1',
      external_created_at: 1764090000,
      campaign_id: 12,
    });
  });

  it('sender_type AgentBot with sender_id', () => {
    void client.messages.create({ ...ids, content: 'x', sender_type: 'AgentBot', sender_id: 2 });
  });

  it('cc_emails, bcc_emails, to_emails, email_html_content', () => {
    void client.messages.create({
      ...ids,
      content: 'x',
      cc_emails: 'a@example.com, b@example.com',
      bcc_emails: 'c@example.com',
      to_emails: 'd@example.com',
      email_html_content: '<p>x</p>',
    });
  });

  it('template_params: only name required; structured and legacy processed_params', () => {
    void client.messages.create({ ...ids, content: 'x', template_params: { name: 'hello_world' } });
    void client.messages.create({
      ...ids,
      content: 'x',
      template_params: { name: 't', category: 'UTILITY', language: 'he', namespace: 'ns' },
    });
    void client.messages.create({
      ...ids,
      content: 'x',
      template_params: {
        name: 't',
        processed_params: {
          header: { media_url: 'https://example.com/a.jpg', media_type: 'image', media_name: 'a.jpg' },
          body: { '1': 'Noa', customer: 'Noa' },
          footer: { '1': 'Thanks' },
          buttons: [{ type: 'url', parameter: 'track/1' }],
        },
      },
    });
    void client.messages.create({ ...ids, content: 'x', template_params: { name: 't', processed_params: { '1': 'Noa', '2': '1234' } } });
  });

  it('form items with pattern, pattern_error and title', () => {
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'form',
      content_attributes: {
        items: [{ name: 'zip', label: 'ZIP', type: 'text', pattern: '^\\d{7}$', pattern_error: 'Seven digits', title: 'ZIP' }],
      },
    });
  });

  it('the fields are in the public params type', () => {
    expectTypeOf<CreateMessageParams>().toHaveProperty('source_id');
    expectTypeOf<Extract<CreateMessageParams, { content_type: 'article' }>['content_type']>().toEqualTypeOf<'article'>();
  });
});

describe("the requests Chatwoot's own tests send compile (issue 20)", () => {
  it('a bot sender with a string external_created_at', () => {
    void client.messages.create({
      ...ids,
      content: 'test-message',
      external_created_at: '2026-12-06 02:00:00 UTC',
      sender_type: 'AgentBot',
      sender_id: 5,
    });
    void client.messages.create({ ...ids, content: 'x', external_created_at: 1764090000 });
  });

  it('input_select and cards without content; a card without title, an option value that is a number', () => {
    void client.messages.create({
      ...ids,
      content_type: 'input_select',
      content_attributes: { items: [{ title: 'Dune', value: 'Dune' }] },
    });
    void client.messages.create({ ...ids, content_type: 'input_select', content_attributes: { items: [{ title: 'One', value: 1 }] } });
    void client.messages.create({
      ...ids,
      content_type: 'cards',
      content_attributes: { items: [{ actions: [{ text: 'More info', type: 'link', uri: 'http://example.org' }] }] },
    });
  });

  it('content_attributes: null; cc/bcc without content; a template without content', () => {
    void client.messages.create({ ...ids, content: 'test', content_attributes: null });
    void client.messages.create({ ...ids, cc_emails: 'test_cc_mail@test.com', bcc_emails: 'test_bcc_mail@test.com' });
    void client.messages.create({ ...ids, template_params: { name: 'hello_world' } });
  });

  it('template values: numbers, currency and date_time parameters', () => {
    void client.messages.create({
      ...ids,
      content: 'x',
      template_params: {
        name: 'order_total',
        processed_params: {
          body: { '1': 12.5, '2': { type: 'currency', currency: { fallback_value: '$12.50', code: 'USD', amount_1000: 12500 } } },
          buttons: [{ type: 'url', parameter: 1234 }],
        },
      },
    });
    void client.messages.create({ ...ids, content: 'x', template_params: { name: 't', processed_params: { '1': 42 } } });
  });

  it('files only, signed blob ids (create and client.api), and both', () => {
    void client.messages.create({ ...ids, attachments: [new Blob(['x'])] });
    void client.messages.create({ ...ids, content: 'test', attachments: ['eyJfcmFpbHMiOnt9fQ==--1f2e'] });
    void client.messages.create({ ...ids, attachments: ['eyJfcmFpbHMiOnt9fQ==--1f2e', new Blob(['x']), { data: 'x', filename: 'a.txt' }] });
    const signedIds: readonly SignedBlobId[] = ['eyJfcmFpbHMiOnt9fQ==--1f2e'];
    void client.messages.create({ ...ids, template_params: { name: 'hello_world' }, attachments: signedIds });
    void client.api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
      params: { path: ids },
      body: { content: 'test', attachments: ['eyJfcmFpbHMiOnt9fQ==--1f2e'] },
    });
  });

  it('refuses what the types can express', () => {
    // @ts-expect-error a typed template value needs type currency or date_time
    void client.messages.create({ ...ids, content: 'x', template_params: { name: 't', processed_params: { '1': { type: 'image' } } } });
    // @ts-expect-error a signed blob id is a string, not a number (the blob's numeric id)
    void client.messages.create({ ...ids, content: 'x', attachments: [17] });
    // @ts-expect-error nor an array of them
    void client.messages.create({ ...ids, content: 'x', attachments: [['eyJfcmFpbHMiOnt9fQ==--1f2e']] });
    // @ts-expect-error external_created_at is any value, but message_type is a name
    void client.messages.create({ ...ids, content: 'x', external_created_at: true, message_type: 1 });
  });
});

describe('near misses do not compile', () => {
  it('refuses what the server refuses', () => {
    // @ts-expect-error sender_type is only AgentBot
    void client.messages.create({ ...ids, content: 'x', sender_type: 'User', sender_id: 2 });
    // @ts-expect-error an article item needs a link
    void client.messages.create({ ...ids, content: 'x', content_type: 'article', content_attributes: { items: [{ title: 'T' }] } });
    // @ts-expect-error article without items
    void client.messages.create({ ...ids, content: 'x', content_type: 'article' });
    // @ts-expect-error processed_params is an object, not the legacy array
    void client.messages.create({ ...ids, content: 'x', template_params: { name: 't', processed_params: ['Noa'] } });
    void client.messages.create({
      ...ids,
      content: 'x',
      // @ts-expect-error a button needs a type
      template_params: { name: 't', processed_params: { buttons: [{ parameter: 'p' }] } },
    });
    // @ts-expect-error campaign_id is a number
    void client.messages.create({ ...ids, content: 'x', campaign_id: '12' });
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'input_email',
      // @ts-expect-error items on an input_email prompt
      content_attributes: { items: [{ title: 'a', value: 'a' }] },
    });
  });
});

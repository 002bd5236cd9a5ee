// The requests the server accepts beyond the seed's fields (Messages::MessageBuilder,
// Message::TEMPLATE_PARAMS_SCHEMA, ContentAttributeValidator) compile; near misses do not.
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type CreateMessageParams } from '../../src/index.js';

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

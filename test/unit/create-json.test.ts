// messages.create without files: what goes on the wire (method, URL, headers, JSON body) and what
// the caller gets back, for every content_type and the optional fields.
import { describe, expect, it } from 'vitest';
import { createClient, type CreateMessageParams } from '../../src/index.js';
import { baseUrl, fakeFetch, jsonResponse, messagesUrl, token } from './fake-fetch.js';
import { sampleMessage } from '../support/sample-message.js';

function setup(options: Parameters<typeof createClient>[0] = {}) {
  const server = fakeFetch();
  const client = createClient({ apiAccessToken: token, baseUrl, retry: false, fetch: server.fetch, ...options });
  return { client, sent: server.sent };
}

/** The body the server must see: the params without the path ids. */
function bodyOf(params: CreateMessageParams): Record<string, unknown> {
  const { account_id: _a, conversation_id: _c, ...body } = params;
  return body;
}

const cases: Array<[string, CreateMessageParams]> = [
  ['plain text (content_type omitted)', { account_id: 1, conversation_id: 42, content: 'Hello from the API' }],
  [
    'text with every optional field',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'Replying',
      message_type: 'outgoing',
      private: false,
      content_type: 'text',
      content_attributes: { in_reply_to: 99 },
      echo_id: 'my-echo-1',
    },
  ],
  ['incoming message', { account_id: 1, conversation_id: 42, content: 'From the contact', message_type: 'incoming' }],
  ['activity message', { account_id: 1, conversation_id: 42, content: 'Conversation resolved', message_type: 'activity' }],
  ['private note', { account_id: 1, conversation_id: 42, content: 'Only agents see this', private: true }],
  [
    'input_select',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'Pick a size',
      content_type: 'input_select',
      content_attributes: {
        items: [
          { title: 'Small', value: 's' },
          { title: 'Large', value: 'l' },
        ],
      },
    },
  ],
  [
    'cards with a link and a postback action',
    {
      account_id: 1,
      conversation_id: 42,
      content: '',
      content_type: 'cards',
      content_attributes: {
        items: [
          {
            title: 'Plan A',
            description: 'The cheap one',
            media_url: 'https://example.com/a.png',
            actions: [
              { type: 'link', text: 'Read more', uri: 'https://example.com/a' },
              { type: 'postback', text: 'Choose', payload: 'PLAN_A' },
            ],
          },
        ],
      },
    },
  ],
  [
    'form with input and select fields',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'Tell us about you',
      content_type: 'form',
      content_attributes: {
        items: [
          { name: 'email', label: 'Email', type: 'email', placeholder: 'you@example.com', required: true },
          { name: 'notes', label: 'Notes', type: 'text_area' },
          { name: 'size', label: 'Size', type: 'select', options: [{ label: 'Small', value: 's' }] },
        ],
      },
    },
  ],
  [
    'WhatsApp template, legacy flat processed_params',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'Your order 1234 has shipped',
      message_type: 'outgoing',
      template_params: { name: 'order_shipped', category: 'UTILITY', language: 'en_US', processed_params: { '1': '1234' } },
    },
  ],
  // What else the server accepts (Messages::MessageBuilder, Message::TEMPLATE_PARAMS_SCHEMA).
  [
    'WhatsApp template, structured processed_params',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'Your order 1234 has shipped',
      template_params: {
        name: 'order_shipped',
        namespace: 'b1c2d3e4',
        processed_params: {
          header: { media_url: 'https://example.com/p.jpg', media_type: 'image' },
          body: { '1': 'Noa' },
          footer: { '1': 'Thanks' },
          buttons: [{ type: 'url', parameter: 'track/1234' }],
        },
      },
    },
  ],
  [
    'WhatsApp template with only a name',
    { account_id: 1, conversation_id: 42, content: 'Hello', template_params: { name: 'hello_world' } },
  ],
  [
    'reply by the channel message id',
    { account_id: 1, conversation_id: 42, content: 'Got it', content_attributes: { in_reply_to_external_id: 'wamid.1' } },
  ],
  [
    'article',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'These may help',
      content_type: 'article',
      content_attributes: { items: [{ title: 'Returns', description: 'How to return', link: 'https://example.com/returns' }] },
    },
  ],
  ['input_email', { account_id: 1, conversation_id: 42, content: 'Your email?', content_type: 'input_email' }],
  ['input_text', { account_id: 1, conversation_id: 42, content: 'Order number?', content_type: 'input_text' }],
  [
    'input_textarea',
    { account_id: 1, conversation_id: 42, content: 'Tell us more', content_type: 'input_textarea', content_attributes: {} },
  ],
  [
    'imported: source_id and external_created_at',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'Old message',
      message_type: 'incoming',
      source_id: 'crm-1',
      external_created_at: 1764090000,
    },
  ],
  ['campaign_id', { account_id: 1, conversation_id: 42, content: 'Sale today', campaign_id: 12 }],
  ['as an agent bot', { account_id: 1, conversation_id: 42, content: 'Hi, I am a bot', sender_type: 'AgentBot', sender_id: 2 }],
  [
    'email inbox fields',
    {
      account_id: 1,
      conversation_id: 42,
      content: 'Invoice attached',
      cc_emails: 'a@example.com, b@example.com',
      bcc_emails: 'c@example.com',
      to_emails: 'd@example.com',
      email_html_content: '<p>Invoice attached</p>',
    },
  ],
  ['echo_id longer than 255 characters', { account_id: 1, conversation_id: 42, content: 'x', echo_id: 'e'.repeat(1000) }],
];

describe('messages.create sends JSON', () => {
  it.each(cases)('%s: the body on the wire is the params minus the path ids', async (_name, params) => {
    const { client, sent } = setup();
    const message = await client.messages.create(params);

    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(messagesUrl(1, 42));
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('api_access_token')).toBe(token);
    expect(JSON.parse(request?.body ?? '')).toEqual(bodyOf(params));
    expect(request?.form).toBeUndefined();
    expect(message).toEqual(sampleMessage);
  });

  it('builds the path from account_id and conversation_id', async () => {
    const { client, sent } = setup();
    await client.messages.create({ account_id: 7, conversation_id: 1234, content: 'x' });
    expect(sent.map((r) => r.url)).toEqual([messagesUrl(7, 1234)]);
  });

  it('keeps a path prefix of baseUrl and drops its trailing slash', async () => {
    const { client, sent } = setup({ baseUrl: 'https://chat.example.com/support/' });
    await client.messages.create({ account_id: 1, conversation_id: 2, content: 'x' });
    expect(sent.map((r) => r.url)).toEqual([messagesUrl(1, 2, 'https://chat.example.com/support')]);
  });

  it('sends the token as Api-Access-Token (and not as api_access_token) with authHeader', async () => {
    const { client, sent } = setup({ authHeader: 'Api-Access-Token' });
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' });
    // Headers are case-insensitive: what differs on the wire is the underscore.
    expect(sent[0]?.headers.get('api-access-token')).toBe(token);
    expect(sent[0]?.headers.has('api_access_token')).toBe(false);
  });

  it('asks fetch not to follow redirects', async () => {
    const { client, sent } = setup();
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' });
    expect(sent[0]?.redirect).toBe('manual');
  });

  it('leaves out fields that are undefined', async () => {
    const { client, sent } = setup();
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x', echo_id: undefined, private: undefined });
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ content: 'x' });
  });

  it('sends an empty array of attachments as JSON, without the attachments field', async () => {
    const { client, sent } = setup();
    await client.messages.create({ account_id: 1, conversation_id: 42, content: 'x', attachments: [] });
    expect(sent[0]?.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ content: 'x' });
  });

  it('sends unicode content unchanged', async () => {
    const { client, sent } = setup();
    const content = 'שלום 👋 — “quotes” \t and \n newlines';
    await client.messages.create({ account_id: 1, conversation_id: 42, content });
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ content });
  });

  it('returns the message the server answered with, including the optional sender and attachments', async () => {
    const answered = {
      ...sampleMessage,
      echo_id: 'e-1',
      sender: { id: 5, name: 'Bot', type: 'agent_bot' },
      attachments: [{ id: 9, message_id: 101, file_type: 'image', data_url: 'https://example.com/x.png' }],
    };
    const server = fakeFetch(() => jsonResponse(answered));
    const client = createClient({ apiAccessToken: token, baseUrl, retry: false, fetch: server.fetch });
    await expect(client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' })).resolves.toEqual(answered);
  });

  it('returns a message without sender and with null content as is', async () => {
    const { sender: _s, ...noSender } = sampleMessage;
    const answered = { ...noSender, content: null };
    const server = fakeFetch(() => jsonResponse(answered));
    const client = createClient({ apiAccessToken: token, baseUrl, retry: false, fetch: server.fetch });
    await expect(client.messages.create({ account_id: 1, conversation_id: 42, content: 'x' })).resolves.toEqual(answered);
  });
});

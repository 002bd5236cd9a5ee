// What messages.create accepts and returns, checked by the compiler. Each `@ts-expect-error` line
// must fail to compile; each call without one must compile. A loosened type breaks this file.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createClient,
  type MessageType,
  type ApiError,
  type AttachmentInput,
  type MessageWithResponse,
  type CreateMessageParams,
  type Message,
  type RequestOptions,
} from '../../src/index.js';

const client = createClient({ apiAccessToken: 'typeTestToken1234567' });
const ids = { account_id: 1, conversation_id: 42 };
const choice = { title: 'Small', value: 's' };
const button = { type: 'postback', text: 'Go', payload: 'GO' } as const;
const field = { name: 'email', label: 'Email', type: 'email' } as const;

describe('messages.create returns the typed Message', () => {
  it('resolves to Message', () => {
    expectTypeOf(client.messages.create).parameter(0).toEqualTypeOf<CreateMessageParams>();
    expectTypeOf(client.messages.create).parameter(1).toEqualTypeOf<RequestOptions | undefined>();
    expectTypeOf(client.messages.create).returns.resolves.toEqualTypeOf<Message>();
  });

  it('has the fields as the server returns them', () => {
    expectTypeOf<Message['id']>().toEqualTypeOf<number>();
    expectTypeOf<Message['content']>().toEqualTypeOf<string | null>();
    // The server's numbers: 0 incoming, 1 outgoing, 2 activity, 3 template.
    expectTypeOf<Message['message_type']>().toEqualTypeOf<0 | 1 | 2 | 3>();
    expectTypeOf<Message['message_type']>().toEqualTypeOf<(typeof MessageType)[keyof typeof MessageType]>();
    expectTypeOf<Message['created_at']>().toEqualTypeOf<number>();
    expectTypeOf<Message['private']>().toEqualTypeOf<boolean>();
    expectTypeOf<Message['source_id']>().toEqualTypeOf<string | null>();
    expectTypeOf<Message['content_type']>().toEqualTypeOf<
      | 'text'
      | 'input_text'
      | 'input_textarea'
      | 'input_email'
      | 'input_select'
      | 'cards'
      | 'form'
      | 'article'
      | 'incoming_email'
      | 'input_csat'
      | 'integrations'
      | 'sticker'
      | 'voice_call'
    >();
    expectTypeOf<Message['echo_id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Message['created_at_exact']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Message['status']>().toEqualTypeOf<'failed' | 'sent' | 'delivered' | 'read'>();
  });

  it('has an optional sender, a union told apart by `type`', async () => {
    const message = await client.messages.create({ ...ids, content: 'x' });
    expectTypeOf<Message>().toHaveProperty('sender');
    expectTypeOf(message.sender).toExtend<object | undefined>();
    // Optional: a message with no sender has no sender field.
    expectTypeOf<undefined>().toExtend<Message['sender']>();
    expectTypeOf<NonNullable<Message['sender']>['type']>().toEqualTypeOf<'contact' | 'user' | 'agent_bot'>();
    if (message.sender?.type === 'user') {
      expectTypeOf(message.sender.availability_status).toEqualTypeOf<'online' | 'busy' | 'offline' | null>();
      expectTypeOf(message.sender.available_name).toEqualTypeOf<string>();
      expectTypeOf(message.sender.thumbnail).toEqualTypeOf<string>();
    }
    if (message.sender?.type === 'contact') {
      expectTypeOf(message.sender.phone_number).toEqualTypeOf<string | null>();
      expectTypeOf(message.sender.email).toEqualTypeOf<string | null>();
      expectTypeOf(message.sender.identifier).toEqualTypeOf<string | null>();
      expectTypeOf(message.sender.blocked).toEqualTypeOf<boolean>();
      // @ts-expect-error a contact has no availability_status
      void message.sender.availability_status;
    }
    if (message.sender?.type === 'agent_bot') {
      expectTypeOf(message.sender.avatar_url).toEqualTypeOf<string>();
      // @ts-expect-error an agent bot has no thumbnail
      void message.sender.thumbnail;
    }
  });

  it('has optional attachments', async () => {
    const message = await client.messages.create({ ...ids, content: 'x' });
    expectTypeOf<undefined>().toExtend<Message['attachments']>();
    const first = message.attachments?.[0];
    expectTypeOf(first?.file_type).toEqualTypeOf<
      | 'image'
      | 'audio'
      | 'video'
      | 'file'
      | 'location'
      | 'fallback'
      | 'share'
      | 'story_mention'
      | 'contact'
      | 'ig_reel'
      | 'ig_post'
      | 'ig_story'
      | 'embed'
      | undefined
    >();
    expectTypeOf(first?.id).toEqualTypeOf<number | undefined>();
    // Told apart by file_type: audio has transcribed_text, a location its coordinates.
    if (first?.file_type === 'audio') expectTypeOf(first.transcribed_text).toEqualTypeOf<string>();
    if (first?.file_type === 'location') expectTypeOf(first.coordinates_lat).toEqualTypeOf<number>();
    if (first?.file_type === 'image') expectTypeOf(first.width).toEqualTypeOf<number | null>();
  });
});

describe('what compiles', () => {
  it('takes params built ahead as CreateMessageParams (any content_type), or narrowed to one', () => {
    const params: CreateMessageParams = {
      ...ids,
      content: 'x',
      content_type: 'cards',
      content_attributes: { items: [{ title: 'A', actions: [button] }] },
    };
    void client.messages.create(params);
    const cards: CreateMessageParams<'cards'> = {
      ...ids,
      content: 'x',
      content_type: 'cards',
      content_attributes: { items: [{ title: 'A', actions: [button] }] },
    };
    void client.messages.create(cards);
    const text: CreateMessageParams<undefined> = { ...ids, content: 'x', content_attributes: { in_reply_to: 7 } };
    void client.messages.create(text);
    // @ts-expect-error narrowed to cards: input_select items do not fit
    const wrong: CreateMessageParams<'cards'> = { ...ids, content: 'x', content_type: 'cards', content_attributes: { items: [choice] } };
    void wrong;
  });

  it('accepts every content_type with its own content_attributes', () => {
    // The README example: content_type may be left out (the server defaults it to text).
    void client.messages.create({ account_id: 1, conversation_id: 42, content: 'Hello from the API', message_type: 'outgoing' });
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'text',
      content_attributes: { in_reply_to: 7 },
      private: true,
      echo_id: 'e',
    });
    void client.messages.create({ ...ids, content: 'x', content_type: 'input_select', content_attributes: { items: [choice] } });
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'cards',
      content_attributes: { items: [{ title: 'A', actions: [button] }] },
    });
    void client.messages.create({ ...ids, content: 'x', content_type: 'form', content_attributes: { items: [field] } });
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'form',
      content_attributes: { items: [{ name: 's', label: 'S', type: 'select', options: [{ label: 'A', value: 'a' }] }] },
    });
    void client.messages.create({
      ...ids,
      content: 'x',
      message_type: 'template',
      template_params: { name: 'n', language: 'en_US', processed_params: { '1': 'v' } },
    });
    void client.messages.create({ ...ids, content: 'x' }, { signal: new AbortController().signal, timeoutMs: 5_000, retry: false });
  });

  it('accepts Blob, File and {data, filename, contentType} attachments', () => {
    void client.messages.create({
      ...ids,
      content: 'files',
      attachments: [
        new Blob(['x']),
        new File(['x'], 'a.txt'),
        { data: 'text', filename: 'a.txt' },
        { data: new Uint8Array([1]), filename: 'b.bin', contentType: 'application/octet-stream' },
        { data: new ArrayBuffer(1), filename: 'c.bin' },
      ],
    });
    expectTypeOf<Blob>().toExtend<AttachmentInput>();
    expectTypeOf<{ data: string; filename: string }>().toExtend<AttachmentInput>();
  });
});

describe('what must not compile', () => {
  it('refuses wrong content_attributes for the content_type', () => {
    // @ts-expect-error items on a text message
    void client.messages.create({ ...ids, content: 'x', content_type: 'text', content_attributes: { items: [choice] } });
    // @ts-expect-error items on a message with no content_type (a text message)
    void client.messages.create({ ...ids, content: 'x', content_attributes: { items: [choice] } });
    // @ts-expect-error input_select items under content_type form
    void client.messages.create({ ...ids, content: 'x', content_type: 'form', content_attributes: { items: [choice] } });
    // @ts-expect-error cards items without actions
    void client.messages.create({ ...ids, content: 'x', content_type: 'cards', content_attributes: { items: [{ title: 'A' }] } });
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'cards',
      // @ts-expect-error a link action needs a uri, not a payload
      content_attributes: { items: [{ title: 'A', actions: [{ type: 'link', text: 'Go', payload: 'GO' }] }] },
    });
    // @ts-expect-error form fields under content_type input_select
    void client.messages.create({ ...ids, content: 'x', content_type: 'input_select', content_attributes: { items: [field] } });
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'form',
      // @ts-expect-error a select form field needs options
      content_attributes: { items: [{ name: 's', label: 'S', type: 'select' }] },
    });
    // @ts-expect-error a form field key the server's validator does not allow
    void client.messages.create({ ...ids, content: 'x', content_type: 'form', content_attributes: { items: [{ ...field, min: 3 }] } });
    // @ts-expect-error input_select without content_attributes
    void client.messages.create({ ...ids, content: 'x', content_type: 'input_select' });
    void client.messages.create({
      ...ids,
      content: 'x',
      content_type: 'input_select',
      // @ts-expect-error in_reply_to on an input_select message
      content_attributes: { in_reply_to: 1, items: [choice] },
    });
    // @ts-expect-error in_reply_to must be a number
    void client.messages.create({ ...ids, content: 'x', content_attributes: { in_reply_to: '7' } });
  });

  it('refuses misspelt and unknown fields', () => {
    // @ts-expect-error contnet is not a field
    void client.messages.create({ ...ids, content: 'x', contnet: 'x' });
    // @ts-expect-error in_reply_to goes in content_attributes
    void client.messages.create({ ...ids, content: 'x', in_reply_to: 7 });
  });

  it('refuses wrong types and missing required fields', () => {
    // @ts-expect-error account_id is a number
    void client.messages.create({ account_id: '1', conversation_id: 42, content: 'x' });
    // @ts-expect-error conversation_id is a number
    void client.messages.create({ account_id: 1, conversation_id: '42', content: 'x' });
    // @ts-expect-error unknown message_type
    void client.messages.create({ ...ids, content: 'x', message_type: 'outbound' });
    // @ts-expect-error message_type is a string in requests, not the response's number
    void client.messages.create({ ...ids, content: 'x', message_type: 2 });
    // @ts-expect-error unknown content_type
    void client.messages.create({ ...ids, content: 'x', content_type: 'carousel' });
    // @ts-expect-error private is a boolean
    void client.messages.create({ ...ids, content: 'x', private: 'true' });
    // A message with nothing to post ({ ...ids } alone) compiles: content is optional in the
    // spec (interactive messages, files and templates need none); the run-time check refuses it.
    // @ts-expect-error account_id is required
    void client.messages.create({ conversation_id: 42, content: 'x' });
    // @ts-expect-error conversation_id is required
    void client.messages.create({ account_id: 1, content: 'x' });
    // @ts-expect-error template_params needs a name
    void client.messages.create({ ...ids, content: 'x', template_params: { language: 'en_US' } });
    // @ts-expect-error an attachment is a file or a signed blob id (a string), not a number
    void client.messages.create({ ...ids, content: 'x', attachments: [42] });
    // @ts-expect-error an attachment needs a filename
    void client.messages.create({ ...ids, content: 'x', attachments: [{ data: 'x' }] });
    // @ts-expect-error retry takes false or options, not true
    void client.messages.create({ ...ids, content: 'x' }, { retry: true });
  });

  it('create() is a Promise of the Message; .withResponse() adds the Response and request id', () => {
    const call = client.messages.create({ ...ids, content: 'x' });
    expectTypeOf(call).resolves.toEqualTypeOf<Message>();
    expectTypeOf(call).toMatchTypeOf<Promise<Message>>();
    expectTypeOf(call.withResponse()).resolves.toEqualTypeOf<MessageWithResponse>();
    expectTypeOf<MessageWithResponse['data']>().toEqualTypeOf<Message>();
    expectTypeOf<MessageWithResponse['response']>().toEqualTypeOf<Response>();
    expectTypeOf<MessageWithResponse['requestId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ApiError['requestId']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error withResponse is a method of the call, not an option
    void client.messages.create({ ...ids, content: 'x' }, { withResponse: true });
  });

  it('a stream is an attachment with a filename (and a size, optionally)', () => {
    const stream = new ReadableStream<Uint8Array>();
    expectTypeOf({ data: stream, filename: 'a.bin', size: 3 }).toMatchTypeOf<AttachmentInput>();
    // @ts-expect-error a bare stream has no filename
    void client.messages.create({ ...ids, content: 'x', attachments: [stream] });
  });
});

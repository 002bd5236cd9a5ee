// createClient's options, client.api's typing and the error classes' fields, checked by the compiler.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ApiError,
  type ConversationRateLimitError,
  createClient,
  type Digital99Error,
  type InvalidInputError,
  type RateLimitError,
  type RedirectError,
  type UnexpectedResponseError,
  type ClientOptions,
  type Message,
} from '../../src/index.js';

const client = createClient({ apiAccessToken: 'typeTestToken1234567' });
const path = '/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages';

describe('createClient options', () => {
  it('takes the documented options', () => {
    createClient({
      apiAccessToken: 'typeTestToken1234567',
      baseUrl: 'https://online.99digital.co.il',
      timeoutMs: 30_000,
      retry: { retries: 2, minDelayMs: 500, maxDelayMs: 8_000 },
      fetch: globalThis.fetch,
      authHeader: 'Api-Access-Token',
      allowInsecureHttp: false,
      debug: (line: string) => void line,
    });
    createClient();
    expectTypeOf<ClientOptions['authHeader']>().toEqualTypeOf<'api_access_token' | 'Api-Access-Token' | undefined>();
  });

  it('refuses what is not an option', () => {
    // @ts-expect-error only the two spellings the server accepts
    createClient({ authHeader: 'Authorization' });
    // @ts-expect-error misspelt option
    createClient({ apiKey: 'tok' });
    // @ts-expect-error the token is a string
    createClient({ apiAccessToken: 123 });
  });
});

describe('client.api', () => {
  it('is typed by the spec paths', async () => {
    const { data, error } = await client.api.POST(path, {
      params: { path: { account_id: 1, conversation_id: 42 } },
      body: { content: 'x', content_type: 'input_select', content_attributes: { items: [{ title: 'A', value: 'a' }] } },
    });
    // openapi-fetch maps the body through its Readable<> helper, which flattens the spec's allOf
    // intersections (attachments, content_attributes): the same type, not the identical one, so
    // sameness is checked both ways rather than with toEqualTypeOf.
    expectTypeOf(data).toExtend<Message | undefined>();
    expectTypeOf<Message | undefined>().toExtend<typeof data>();
    expectTypeOf(data).not.toBeAny();
    if (error !== undefined) expectTypeOf(error).not.toBeAny();
  });

  it('types the two GETs: the message list and the conversation', async () => {
    const list = await client.api.GET(path, { params: { path: { account_id: 1, conversation_id: 42 }, query: { after: 1021 } } });
    expectTypeOf(list.data?.payload).toExtend<Message[] | undefined>();
    expectTypeOf(list.data?.payload).not.toBeAny();
    expectTypeOf(list.data?.meta.contact.id).toEqualTypeOf<number | undefined>();
    const conversation = await client.api.GET('/api/v1/accounts/{account_id}/conversations/{conversation_id}', {
      params: { path: { account_id: 1, conversation_id: 42 } },
    });
    expectTypeOf(conversation.data?.meta.channel).toEqualTypeOf<string | undefined>();
  });

  it('refuses wrong paths, params and bodies', () => {
    // @ts-expect-error no such path
    void client.api.POST('/api/v1/messages', { body: { content: 'x' } });
    // @ts-expect-error path ids are numbers
    void client.api.POST(path, { params: { path: { account_id: '1', conversation_id: 42 } }, body: { content: 'x' } });
    // @ts-expect-error content is a string
    void client.api.POST(path, { params: { path: { account_id: 1, conversation_id: 42 } }, body: { content: 5 } });
    // @ts-expect-error after is a message id (a number)
    void client.api.GET(path, { params: { path: { account_id: 1, conversation_id: 42 }, query: { after: 'x' } } });
    // @ts-expect-error the conversation path has no POST
    void client.api.POST('/api/v1/accounts/{account_id}/conversations/{conversation_id}', {
      params: { path: { account_id: 1, conversation_id: 42 } },
    });
  });
});

describe('errors', () => {
  it('carry typed fields', () => {
    expectTypeOf<ApiError>().toExtend<Digital99Error>();
    expectTypeOf<ApiError['status']>().toEqualTypeOf<number>();
    expectTypeOf<ApiError['body']>().toEqualTypeOf<unknown>();
    expectTypeOf<ApiError['headers']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<Digital99Error['mayHaveBeenDelivered']>().toEqualTypeOf<boolean>();
    expectTypeOf<InvalidInputError['field']>().toEqualTypeOf<string>();
    expectTypeOf<RateLimitError['retryAfterMs']>().toEqualTypeOf<number>();
    expectTypeOf<ConversationRateLimitError>().toExtend<RateLimitError>();
    expectTypeOf<ConversationRateLimitError['retryAfterMs']>().toEqualTypeOf<number>();
    expectTypeOf<RedirectError['location']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<UnexpectedResponseError['body']>().toEqualTypeOf<string>();
  });
});

// The two reads (issue 22): listMessages and getConversation, served by the mock (Prism) from the
// spec, their answers valid against the spec's schemas, their query checked, and the 401s a bot
// token gets described.
import { describe, expect, inject, it } from 'vitest';
import { deref, formatViolations, getConversation, getMessages, spec, MESSAGES_PATH, type Json } from './openapi.js';
import { formatErrors, validatorFor } from './schemas.js';

const prismUrl = inject('prismUrl');
const validateList = validatorFor('#/components/schemas/MessageList');
const validateConversation = validatorFor('#/components/schemas/Conversation');

describe('listMessages', () => {
  it('serves the latest messages, oldest first, with the meta the dashboard shows', async () => {
    const answer = await getMessages(prismUrl);
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
    expect(validateList(answer.body), formatErrors(validateList.errors)).toBe(true);
    const { meta, payload } = answer.body as Json;
    expect(meta.contact.type).toBe('contact');
    const ids = (payload as Json[]).map((m) => m['created_at'] as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it.each([{ after: 1021 }, { before: 1050 }, { after: 1021, before: 1050 }])('takes the query %j', async (query) => {
    const answer = await getMessages(prismUrl, query);
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
  });

  it('refuses an after that is not a message id (the server would read it as 0: all messages)', async () => {
    // listMessages documents no 422, so Prism answers with its own problem+json listing the violation.
    const answer = await getMessages(prismUrl, { after: 'latest' });
    expect(answer.status).toBe(422);
    expect((answer.body as Json)['validation']).toEqual([expect.objectContaining({ location: ['query', 'after'], code: 'type' })]);
  });

  it('lists the shapes only channel messages have (the create answers do not)', async () => {
    const answer = await getMessages(prismUrl, {}, { prefer: 'example=from_channels' });
    expect(answer.status).toBe(200);
    expect(validateList(answer.body), formatErrors(validateList.errors)).toBe(true);
    const types = ((answer.body as Json)['payload'] as Json[]).map((m) => (m['attachments'] as Json[])[0]!['file_type']);
    expect(types).toEqual(['image', 'location', 'contact', 'fallback', 'embed']);
    const createExamples = Object.keys(spec.paths[MESSAGES_PATH].post.responses['200'].content['application/json'].examples);
    for (const name of ['image', 'location', 'shared_contact', 'fallback', 'embed']) expect(createExamples).not.toContain(name);
  });

  it("a bot token's 401 is described (bots may create messages, not list them)", async () => {
    const answer = await getMessages(prismUrl, {}, { prefer: 'code=401, example=bot_endpoint' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'Access to this endpoint is not authorized for bots' });
  });
});

describe('getConversation', () => {
  it("serves a conversation whose meta.channel names the inbox's channel", async () => {
    const answer = await getConversation(prismUrl);
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
    expect(validateConversation(answer.body), formatErrors(validateConversation.errors)).toBe(true);
    expect((answer.body as Json)['meta']['channel']).toBe('Channel::Api');
  });

  it('answers 401 without a token, with the no-token body', async () => {
    const answer = await getConversation(prismUrl, { api_access_token: '' });
    expect(answer.status).toBe(401);
  });

  it('a missing conversation is a 404, one the key cannot see a 401', () => {
    const notFound = deref({ $ref: '#/components/responses/NotFound' });
    expect(notFound['description']).toMatch(/cannot see is a 401/);
  });
});

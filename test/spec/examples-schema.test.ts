// Every example in openapi.yaml is valid against its own schema, checked by Ajv (JSON Schema
// 2020-12) rather than by Prism or redocly: responses (200 and every error response, including
// the examples under components/examples reached by $ref) and requests.
import { describe, expect, it } from 'vitest';
import { createMessage, deref, spec, type Json } from './openapi.js';
import { formatErrors, validatorFor } from './schemas.js';

interface ExampleCase {
  where: string;
  schemaPointer: string;
  value: unknown;
}

/** The JSON pointer of a media type's schema: its $ref target, or the inline schema's own place. */
function schemaPointer(mediaType: Json, inlinePointer: string): string {
  return typeof mediaType.schema?.$ref === 'string' ? mediaType.schema.$ref : inlinePointer;
}

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

const operationPointer = `#/paths/${escape('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages')}/post`;

function responseExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const [status, responseOrRef] of Object.entries(createMessage.responses as Json)) {
    const responseRef: string | undefined = (responseOrRef as Json).$ref;
    const responsePointer = responseRef ?? `${operationPointer}/responses/${status}`;
    const response = deref(responseOrRef as Json);
    for (const [mediaTypeName, mediaType] of Object.entries((response.content ?? {}) as Json)) {
      const pointer = schemaPointer(mediaType as Json, `${responsePointer}/content/${escape(mediaTypeName)}/schema`);
      for (const [name, example] of Object.entries(((mediaType as Json).examples ?? {}) as Json)) {
        const via = typeof (example as Json).$ref === 'string' ? ` (${(example as Json).$ref as string})` : '';
        cases.push({ where: `${status} ${mediaTypeName} ${name}${via}`, schemaPointer: pointer, value: deref(example as Json).value });
      }
    }
  }
  return cases;
}

function requestExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const [mediaTypeName, mediaType] of Object.entries(createMessage.requestBody.content as Json)) {
    const pointer = schemaPointer(mediaType as Json, `${operationPointer}/requestBody/content/${escape(mediaTypeName)}/schema`);
    for (const [name, example] of Object.entries(((mediaType as Json).examples ?? {}) as Json)) {
      cases.push({ where: `request ${mediaTypeName} ${name}`, schemaPointer: pointer, value: deref(example as Json).value });
    }
  }
  return cases;
}

const responses = responseExamples();
const requests = requestExamples();

describe('response examples match their schemas', () => {
  it('finds examples for every status the operation documents', () => {
    const statuses = new Set(responses.map((c) => c.where.split(' ')[0]));
    expect([...statuses].sort()).toEqual(Object.keys(createMessage.responses).sort());
    // Every example under components/examples is served by some response.
    const referenced = responses.map((c) => c.where).join('\n');
    for (const name of Object.keys(spec.components.examples)) expect(referenced).toContain(`#/components/examples/${name}`);
  });

  it.each(responses.map((c) => [c.where, c] as const))('%s', (_where, example) => {
    const validate = validatorFor(example.schemaPointer);
    expect(validate(example.value), formatErrors(validate.errors)).toBe(true);
  });
});

describe('request examples match their schemas', () => {
  it.each(requests.map((c) => [c.where, c] as const))('%s', (_where, example) => {
    const validate = validatorFor(example.schemaPointer);
    expect(validate(example.value), formatErrors(validate.errors)).toBe(true);
  });
});

describe('the check can fail', () => {
  const message = deref({ $ref: '#/components/examples/TextMessageResponse' }).value as Json;
  const validateMessage = validatorFor('#/components/schemas/Message');

  it('rejects a message whose message_type is "two"', () => {
    expect(validateMessage({ ...message, message_type: 'two' })).toBe(false);
    expect(validateMessage.errors?.map((e) => e.instancePath)).toContain('/message_type');
  });

  it('rejects a message_type outside 1-4 (the 99digital numbering), e.g. Chatwoot\'s 0', () => {
    expect(validateMessage({ ...message, message_type: 0 })).toBe(false);
    expect(validateMessage.errors?.[0]).toMatchObject({ instancePath: '/message_type', keyword: 'enum' });
  });

  it('rejects a message without a required field (source_id)', () => {
    const { source_id: _dropped, ...withoutSourceId } = message;
    expect(validateMessage(withoutSourceId)).toBe(false);
    expect(validateMessage.errors?.[0]).toMatchObject({ keyword: 'required', params: { missingProperty: 'source_id' } });
  });

  it('rejects a sender that is none of contact, user, agent_bot (oneOf)', () => {
    expect(validateMessage({ ...message, sender: { id: 1, type: 'robot' } })).toBe(false);
    expect(validateMessage.errors?.some((e) => e.instancePath === '/sender' && e.keyword === 'oneOf')).toBe(true);
  });

  it('rejects a bad created_at_exact (formats are checked)', () => {
    expect(validateMessage({ ...message, created_at_exact: 'yesterday' })).toBe(false);
    expect(validateMessage.errors?.[0]).toMatchObject({ instancePath: '/created_at_exact', keyword: 'format' });
  });

  it('rejects an error body with neither error nor errors', () => {
    const validateError = validatorFor('#/components/schemas/ErrorBody');
    expect(validateError({ message: 'nope' })).toBe(false);
    expect(validateError({ error: 'Resource could not be found' })).toBe(true);
  });
});

// Every named request example in openapi.yaml, sent to the Prism mock as a client would send it,
// is accepted: 200, the message back, and no `sl-violations` header. The examples are read from the
// spec, so a new one is tested as soon as it is written.
import { describe, expect, inject, it } from 'vitest';
import { createMessage, formatViolations, postMessage, postMultipart, requestExamples } from './openapi.js';
import { formatErrors, validatorFor } from './schemas.js';

const prismUrl = inject('prismUrl');
const validateMessage = validatorFor('#/components/schemas/Message');

describe('request examples are accepted by the mock', () => {
  it('covers every media type of the request body', () => {
    expect(Object.keys(createMessage.requestBody.content).sort()).toEqual(['application/json', 'multipart/form-data']);
    expect(requestExamples('application/json').length).toBeGreaterThanOrEqual(8);
    expect(requestExamples('multipart/form-data').map(([name]) => name)).toContain('attachment');
  });

  it.each(requestExamples('application/json'))('application/json %s', async (_name, body) => {
    const answer = await postMessage(prismUrl, body);
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
    expect(validateMessage(answer.body), formatErrors(validateMessage.errors)).toBe(true);
  });

  // Sent as real multipart/form-data (FormData, one Blob file part per attachments[] entry), as curl
  // -F and the client send it, not as JSON.
  it.each(requestExamples('multipart/form-data'))('multipart/form-data %s', async (_name, fields) => {
    const answer = await postMultipart(prismUrl, fields);
    expect(answer.violations, formatViolations(answer.violations)).toEqual([]);
    expect(answer.status).toBe(200);
    expect(validateMessage(answer.body), formatErrors(validateMessage.errors)).toBe(true);
  });

  it('serves the requested response example (Prefer: example=...) unchanged', async () => {
    const answer = await postMessage(prismUrl, { content: 'Here is your invoice' }, { prefer: 'example=attachment' });
    expect(answer.status).toBe(200);
    expect(answer.violations).toEqual([]);
    expect(answer.body).toMatchObject({ id: 1028, attachments: [{ file_type: 'file', file_size: 48213 }] });
  });
});

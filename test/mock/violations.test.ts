// How the mock picks its 422 reason from Prism's `sl-violations` header, on headers as Prism sends
// them (taken from real answers): oneOf noise dropped, a wrong value before a missing field, the
// complaint most branches agree on, and headers Prism cut short or percent-encoded.
import { describe, expect, it } from 'vitest';
import { parseViolations, type Violation, violationBody } from '../../src/testing/violations.js';

const required = (name: string): Violation => ({
  location: ['request', 'body'],
  code: 'required',
  message: `Request body must have required property '${name}'`,
});
const constant: Violation = {
  location: ['request', 'body', 'content_type'],
  code: 'const',
  message: 'Request body property content_type must be equal to constant',
};
const oneOf: Violation = { location: ['request', 'body'], code: 'oneOf', message: 'Request body must match exactly one schema in oneOf' };

describe('violationBody', () => {
  it("another branch's content_type and the oneOf summary say nothing: the missing content_attributes does", () => {
    const header = [constant, required('content_attributes'), constant, constant, required('content_attributes'), oneOf];
    expect(violationBody(header)).toEqual({
      error: "Request body must have required property 'content_attributes' (at body.content_attributes; the request breaks openapi.yaml)",
    });
  });

  it('missing fields only: the one most branches agree on', () => {
    const header = [
      required('content'),
      required('content_type'),
      required('content'),
      required('content_attributes'),
      required('content'),
      oneOf,
    ];
    expect(violationBody(header)?.error).toMatch(/^Request body must have required property 'content' \(at body\.content;/);
  });

  it('a value sent that is wrong comes before a field that is missing', () => {
    const wrong: Violation = {
      location: ['request', 'body', 'message_type'],
      code: 'enum',
      message: 'Request body property message_type must be equal to one of the allowed values: incoming, outgoing, activity, template',
    };
    expect(violationBody([required('content_type'), required('content_type'), wrong, oneOf])?.error).toMatch(
      /^Request body property message_type/,
    );
  });

  it('only the summary: it is still a reason', () => {
    expect(violationBody([oneOf])?.error).toBe(
      'Request body must match exactly one schema in oneOf (at body; the request breaks openapi.yaml)',
    );
  });

  it('no violation: no body of its own (Prism answer kept)', () => {
    expect(violationBody([])).toBeUndefined();
  });
});

describe('parseViolations', () => {
  const entries = [required('content'), oneOf];

  it('JSON as Prism sends it, or percent-encoded', () => {
    expect(parseViolations(JSON.stringify(entries))).toEqual(entries);
    expect(parseViolations(encodeURIComponent(JSON.stringify(entries)))).toEqual(entries);
  });

  it('cut short behind "Too many violations! ": the whole entries', () => {
    const text = JSON.stringify([...entries, required('content_type')]);
    expect(parseViolations(`Too many violations! ${text.slice(0, -30)}`)).toEqual(entries);
  });

  it('absent or not violations: none', () => {
    expect(parseViolations(undefined)).toEqual([]);
    expect(parseViolations('not json')).toEqual([]);
    expect(parseViolations('[{"x":1}]')).toEqual([]);
  });
});

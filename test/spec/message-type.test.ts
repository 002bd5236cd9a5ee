// MessageType, the package's names for the response's message_type numbers, is the spec's
// ResponseMessageType (enum + x-enum-varnames) exactly, and its names are the request's enum.
import { describe, expect, it } from 'vitest';
import { MessageType, messageTypeName } from '../../src/index.js';
import { deref } from './openapi.js';

describe('MessageType', () => {
  const response = deref({ $ref: '#/components/schemas/ResponseMessageType' });
  const request = deref({ $ref: '#/components/schemas/RequestMessageType' });

  it("is the spec's numbering: 0 incoming, 1 outgoing, 2 activity, 3 template", () => {
    const fromSpec = Object.fromEntries(
      (response['x-enum-varnames'] as string[]).map((name, i) => [name, (response['enum'] as number[])[i]]),
    );
    expect(MessageType).toEqual(fromSpec);
    expect(MessageType).toEqual({ incoming: 0, outgoing: 1, activity: 2, template: 3 });
    expect(Object.keys(MessageType)).toEqual(request['enum']);
  });

  it('names a number, and nothing for a number the server does not send', () => {
    expect([0, 1, 2, 3].map(messageTypeName)).toEqual(['incoming', 'outgoing', 'activity', 'template']);
    expect(messageTypeName(4)).toBeUndefined();
    expect(messageTypeName(-1)).toBeUndefined();
  });
});

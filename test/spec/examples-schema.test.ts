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

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

const operationPointer = `#/paths/${escapePointer('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages')}/post`;

/** Every operation of the spec: its id, JSON pointer and object. */
const operations: Array<{ id: string; pointer: string; operation: Json }> = Object.entries(spec.paths as Json).flatMap(([path, item]) =>
  ['get', 'post', 'put', 'patch', 'delete']
    .filter((method) => (item as Json)[method])
    .map((method) => ({
      id: (item as Json)[method].operationId as string,
      pointer: `#/paths/${escapePointer(path)}/${method}`,
      operation: (item as Json)[method] as Json,
    })),
);

function responseExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const { id, pointer: opPointer, operation } of operations) {
    for (const [status, responseOrRef] of Object.entries(operation.responses as Json)) {
      const responseRef: string | undefined = (responseOrRef as Json).$ref;
      const responsePointer = responseRef ?? `${opPointer}/responses/${status}`;
      const response = deref(responseOrRef as Json);
      for (const [mediaTypeName, mediaType] of Object.entries((response.content ?? {}) as Json)) {
        const pointer = schemaPointer(mediaType as Json, `${responsePointer}/content/${escapePointer(mediaTypeName)}/schema`);
        for (const [name, example] of Object.entries(((mediaType as Json).examples ?? {}) as Json)) {
          const via = typeof (example as Json).$ref === 'string' ? ` (${(example as Json).$ref as string})` : '';
          cases.push({
            where: `${id} ${status} ${mediaTypeName} ${name}${via}`,
            schemaPointer: pointer,
            value: deref(example as Json).value,
          });
        }
      }
    }
  }
  return cases;
}

function requestExamples(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const [mediaTypeName, mediaType] of Object.entries(createMessage.requestBody.content as Json)) {
    const pointer = schemaPointer(mediaType as Json, `${operationPointer}/requestBody/content/${escapePointer(mediaTypeName)}/schema`);
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
    expect(operations.map((o) => o.id).sort()).toEqual(['createMessage', 'getConversation', 'listMessages']);
    for (const { id, operation } of operations) {
      const statuses = new Set(responses.filter((c) => c.where.startsWith(`${id} `)).map((c) => c.where.split(' ')[1]));
      expect([...statuses].sort(), id).toEqual(Object.keys(operation.responses).sort());
    }
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

  it("rejects a message_type outside 0-3, e.g. the 99digital reference table's 4", () => {
    expect(validateMessage({ ...message, message_type: 4 })).toBe(false);
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

// The response shapes of the server (message.rb, _message.json.jbuilder and the push_event_data of
// user.rb, contact.rb, agent_bot.rb, attachment.rb), each accepted, and its near misses refused.
describe('response shapes the server sends', () => {
  const validateMessage = validatorFor('#/components/schemas/Message');
  const example = (name: string): Json => structuredClone(deref({ $ref: `#/components/examples/${name}` }).value as Json);
  const accepts = (value: unknown): void => {
    expect(validateMessage(value), formatErrors(validateMessage.errors)).toBe(true);
  };
  const refuses = (value: unknown, at: string, keyword: string): void => {
    expect(validateMessage(value)).toBe(false);
    const found = validateMessage.errors?.some((e) => e.instancePath === at && e.keyword === keyword);
    expect(found, `expected ${keyword} at ${at}, got:\n${formatErrors(validateMessage.errors)}`).toBe(true);
  };
  const user = example('TextMessageResponse');
  const contact = example('IncomingMessageResponse')['sender'] as Json;
  const bot = example('BotMessageResponse')['sender'] as Json;

  it('message_type is 0 incoming, 1 outgoing, 2 activity, 3 template (named in the spec)', () => {
    const schema = deref({ $ref: '#/components/schemas/ResponseMessageType' });
    expect(schema['enum']).toEqual([0, 1, 2, 3]);
    expect(schema['x-enum-varnames']).toEqual(['incoming', 'outgoing', 'activity', 'template']);
    for (const type of [0, 1, 2, 3]) accepts({ ...user, message_type: type });
    refuses({ ...user, message_type: -1 }, '/message_type', 'enum');
  });

  it('the named examples use the server numbering: outgoing 1, incoming 0, activity 2, template 3', () => {
    expect(example('TextMessageResponse')['message_type']).toBe(1);
    expect(example('BotMessageResponse')['message_type']).toBe(1);
    expect(example('IncomingMessageResponse')['message_type']).toBe(0);
    expect(example('ActivityMessageResponse')['message_type']).toBe(2);
    expect(example('TemplateMessageResponse')['message_type']).toBe(3);
  });

  it.each([
    'text',
    'input_text',
    'input_textarea',
    'input_email',
    'input_select',
    'cards',
    'form',
    'article',
    'incoming_email',
    'input_csat',
    'integrations',
    'sticker',
    'voice_call',
  ])('content_type %s', (contentType) => accepts({ ...user, content_type: contentType }));

  it('refuses a content_type the server does not have', () => {
    refuses({ ...user, content_type: 'video' }, '/content_type', 'enum');
  });

  it('user sender: the seven fields of User#push_event_data, availability_status may be null', () => {
    accepts({ ...user, sender: { ...(user['sender'] as Json), availability_status: null } });
    const { available_name: _dropped, ...withoutAvailableName } = user['sender'] as Json;
    refuses({ ...user, sender: withoutAvailableName }, '/sender', 'oneOf');
    refuses({ ...user, sender: { ...(user['sender'] as Json), availability_status: 'away' } }, '/sender', 'oneOf');
  });

  it('contact sender: the ten fields of Contact#push_event_data, email/identifier/phone_number may be null', () => {
    accepts({ ...user, message_type: 0, sender: { ...contact, email: null, identifier: null, phone_number: null } });
    const { blocked: _dropped, ...withoutBlocked } = contact;
    refuses({ ...user, sender: withoutBlocked }, '/sender', 'oneOf');
  });

  it('agent bot sender: id, name, avatar_url, type', () => {
    accepts({ ...user, sender: bot });
    const { avatar_url: _dropped, ...withoutAvatar } = bot;
    refuses({ ...user, sender: withoutAvatar }, '/sender', 'oneOf');
  });

  it('no sender at all is allowed (a message may have none)', () => {
    const { sender: _dropped, ...withoutSender } = user;
    accepts(withoutSender);
  });

  it('created_at_exact (a 99digital addition) and echo_id are optional; echo_id comes back as sent', () => {
    const { created_at_exact: _dropped, ...stock } = user;
    accepts(stock);
    accepts({ ...stock, echo_id: 'e'.repeat(1000) });
  });

  it('content_attributes come back whole, with keys the spec does not list', () => {
    accepts({
      ...user,
      content_attributes: { in_reply_to: null, in_reply_to_external_id: null, automation_rule_id: 4, anything: { nested: true } },
    });
    refuses({ ...user, content_attributes: { in_reply_to: 'x' } }, '/content_attributes/in_reply_to', 'type');
  });

  describe('attachments by file_type', () => {
    const file = (example('AttachmentMessageResponse')['attachments'] as Json[])[0] as Json;
    // Shapes only messages from channels have are examples of the list, not of create.
    const listed = example('ChannelMessageListResponse')['payload'] as Json[];
    const image = (listed[0]!['attachments'] as Json[])[0] as Json;
    const audio = (example('AudioMessageResponse')['attachments'] as Json[])[0] as Json;
    const location = (listed[1]!['attachments'] as Json[])[0] as Json;
    const withAttachment = (attachment: Json): Json => ({ ...user, attachments: [attachment] });

    it.each(['image', 'video', 'file', 'share', 'story_mention', 'ig_reel', 'ig_post', 'ig_story'])(
      '%s: the stored-file fields',
      (fileType) => {
        accepts(withAttachment({ ...file, file_type: fileType }));
      },
    );

    it('image: thumb_url, width and height', () => {
      expect(image).toMatchObject({ file_type: 'image', width: 1280, height: 960 });
      expect(image['thumb_url']).not.toBe('');
      accepts(withAttachment(image));
    });

    it('audio: the stored-file fields plus transcribed_text', () => {
      accepts(withAttachment(audio));
      const { transcribed_text: _dropped, ...withoutText } = audio;
      refuses(withAttachment(withoutText), '/attachments/0', 'oneOf');
    });

    it('location: coordinates and fallback_title, no file fields', () => {
      accepts(withAttachment(location));
      const { coordinates_lat: _dropped, ...withoutLat } = location;
      refuses(withAttachment(withoutLat), '/attachments/0', 'oneOf');
      // A location is not a stored file: its file_type does not fit the file variant.
      refuses(withAttachment({ ...file, file_type: 'location' }), '/attachments/0', 'oneOf');
    });

    it('fallback, contact and embed have their own fields', () => {
      accepts(withAttachment({ id: 1, message_id: 2, file_type: 'fallback', account_id: 1, fallback_title: null, data_url: null }));
      accepts(withAttachment({ id: 1, message_id: 2, file_type: 'contact', account_id: 1, fallback_title: '+972501234567', meta: {} }));
      accepts(withAttachment({ id: 1, message_id: 2, file_type: 'embed', account_id: 1, data_url: 'https://example.com/e' }));
      refuses(
        withAttachment({ id: 1, message_id: 2, file_type: 'contact', account_id: 1, fallback_title: 'x' }),
        '/attachments/0',
        'oneOf',
      );
    });

    it('refuses an unknown file_type and a stored file without file_size', () => {
      refuses(withAttachment({ ...file, file_type: 'sticker' }), '/attachments/0', 'oneOf');
      const { file_size: _dropped, ...withoutSize } = file;
      refuses(withAttachment(withoutSize), '/attachments/0', 'oneOf');
    });
  });

  describe('error bodies', () => {
    const validateError = validatorFor('#/components/schemas/Error');
    const validateErrorBody = validatorFor('#/components/schemas/ErrorBody');

    it('both 401 bodies: {"error": ...} for a bad token, {"errors": [...]} for none', () => {
      expect(validateErrorBody({ error: 'Invalid Access Token' })).toBe(true);
      expect(validateErrorBody({ errors: ['You need to sign in or sign up before continuing.'] })).toBe(true);
    });

    it('every 422 is {"error": ...}, the flood limit included; Rails\' {message, attributes} shape is not', () => {
      expect(validateError({ error: 'Validation failed: Too many messages' })).toBe(true);
      expect(validateError({ message: 'Too many messages', attributes: ['base'] })).toBe(false);
    });

    it('the 429 example is the exact text Rack::Attack sends, and no Retry-After is promised', () => {
      const tooMany = deref({ $ref: '#/components/responses/TooManyRequests' });
      expect(tooMany['content']['text/plain'].examples.retry_later.value).toBe('Retry later\n');
      expect(tooMany['headers']).toBeUndefined();
    });

    it('the 400 is Rails\' {"status": 400, "error": "Bad Request"}', () => {
      const validate = validatorFor('#/components/schemas/RailsError');
      expect(validate({ status: 400, error: 'Bad Request' })).toBe(true);
      expect(validate({ error: 'Bad Request' })).toBe(false);
    });
  });
});

// fast-check arbitraries for Create a Message bodies, built from the rules of openapi.yaml
// (components/schemas: CreateMessageRequest and what it references), and mutations that each break
// exactly one rule, saying where that rule is enforced: by the client's checks before anything is
// sent, or only by the server (Prism, here) with a 422.
import fc from 'fast-check';

/** Any Unicode code point (astral ones included), as the schema's plain `type: string` allows. */
const text = (maxLength = 40) => fc.string({ unit: 'binary', maxLength });
const nonEmpty = (maxLength = 40) => fc.string({ unit: 'binary', minLength: 1, maxLength });
const uri = fc.webUrl({ withQueryParameters: true, withFragments: true });

/** Content: usually short, sometimes at (or within 10 characters of) the 150,000 limit. */
const content = fc.oneof(
  // Never empty, never a NUL: both refused (an empty text message; PostgreSQL's "null byte").
  { weight: 12, arbitrary: text(300).map((s) => s.replaceAll('\u0000', '') || 'x') },
  {
    weight: 1,
    // The limit counts characters (code points): 150,000 emoji are 300,000 UTF-16 units.
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'ש', '😀', '\u{10FFFF}'), fc.integer({ min: 149_990, max: 150_000 }))
      .map(([char, count]) => char.repeat(count)),
  },
);

/** Any text of at most `max` characters, sometimes right at the limit (in code points). */
const upTo = (max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: text(max) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('e', 'ש', '😀'), fc.integer({ min: max - 5, max })).map(([char, count]) => char.repeat(count)),
    },
  );

const placeholders = fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), text(), { maxKeys: 4 });
/** processed_params: the structured form (by component) or the legacy flat map. */
const processedParams = fc.oneof(
  placeholders,
  fc.record(
    {
      header: fc.record(
        { media_url: uri, media_type: fc.constantFrom('image', 'video', 'document'), media_name: text() },
        { requiredKeys: [] },
      ),
      body: placeholders,
      footer: placeholders,
      buttons: fc.array(
        fc.record({ type: fc.constantFrom('url', 'copy_code', 'quick_reply'), parameter: text() }, { requiredKeys: ['type'] }),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
);
const emailList = fc.array(fc.emailAddress(), { minLength: 1, maxLength: 3 }).map((addresses) => addresses.join(', '));

const messageFields = {
  content,
  message_type: fc.constantFrom('incoming', 'outgoing', 'activity', 'template'),
  private: fc.boolean(),
  // The server sets no length limit on echo_id (it is echoed, never stored).
  echo_id: upTo(1000),
  template_params: fc.record(
    {
      name: nonEmpty(),
      language: fc.constantFrom('en_US', 'he', 'ar', 'pt_BR'),
      category: fc.constantFrom('UTILITY', 'MARKETING', 'AUTHENTICATION'),
      namespace: text(),
      processed_params: processedParams,
    },
    { requiredKeys: ['name'] },
  ),
  // What else Messages::MessageBuilder reads.
  source_id: text().map((s) => s.replaceAll('\u0000', '')),
  external_created_at: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  campaign_id: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  sender_type: fc.constant('AgentBot' as const),
  sender_id: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  cc_emails: emailList,
  bcc_emails: emailList,
  to_emails: emailList,
  email_html_content: text(),
};
const optionalFields = { requiredKeys: ['content'] as ['content'] };

const textMessage = fc.record(
  {
    ...messageFields,
    content_type: fc.constant('text' as const),
    content_attributes: fc.record(
      { in_reply_to: fc.integer({ min: 1, max: 2 ** 31 }), in_reply_to_external_id: nonEmpty() },
      { requiredKeys: [] },
    ),
  },
  optionalFields,
);

const inputSelectMessage = fc.record(
  {
    ...messageFields,
    content_type: fc.constant('input_select' as const),
    content_attributes: fc.record({
      items: fc.array(fc.record({ title: nonEmpty(), value: nonEmpty() }), { minLength: 1, maxLength: 5 }),
    }),
  },
  { requiredKeys: ['content', 'content_type', 'content_attributes'] },
);

const cardAction = fc.oneof(
  fc.record({ type: fc.constant('link' as const), text: nonEmpty(), uri }),
  fc.record({ type: fc.constant('postback' as const), text: nonEmpty(), payload: nonEmpty() }),
);
const card = fc.record(
  { title: nonEmpty(), description: text(), media_url: uri, actions: fc.array(cardAction, { minLength: 1, maxLength: 3 }) },
  { requiredKeys: ['title', 'actions'] },
);
const cardsMessage = fc.record(
  {
    ...messageFields,
    content_type: fc.constant('cards' as const),
    content_attributes: fc.record({ items: fc.array(card, { minLength: 1, maxLength: 3 }) }),
  },
  { requiredKeys: ['content', 'content_type', 'content_attributes'] },
);

const fieldCommon = { name: nonEmpty(), label: text(), placeholder: text(), default: text(), required: fc.boolean() };
const formField = fc.oneof(
  fc.record(
    { ...fieldCommon, type: fc.constantFrom('text' as const, 'email' as const, 'text_area' as const) },
    {
      requiredKeys: ['name', 'label', 'type'],
    },
  ),
  fc.record(
    {
      ...fieldCommon,
      type: fc.constant('select' as const),
      options: fc.array(fc.record({ label: text(), value: text() }), { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: ['name', 'label', 'type', 'options'] },
  ),
);
const formMessage = fc.record(
  {
    ...messageFields,
    content_type: fc.constant('form' as const),
    content_attributes: fc.record({ items: fc.array(formField, { minLength: 1, maxLength: 4 }) }),
  },
  { requiredKeys: ['content', 'content_type', 'content_attributes'] },
);

const articleMessage = fc.record(
  {
    ...messageFields,
    content_type: fc.constant('article' as const),
    content_attributes: fc.record({
      items: fc.array(fc.record({ title: nonEmpty(), description: text(), link: uri }, { requiredKeys: ['title', 'link'] }), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
  },
  { requiredKeys: ['content', 'content_type', 'content_attributes'] },
);

/** input_email, input_text, input_textarea: a prompt whose content_attributes are a text message's. */
const promptMessage = fc.record(
  {
    ...messageFields,
    content_type: fc.constantFrom('input_email' as const, 'input_text' as const, 'input_textarea' as const),
    content_attributes: fc.record(
      { in_reply_to: fc.integer({ min: 1, max: 2 ** 31 }), in_reply_to_external_id: nonEmpty() },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['content', 'content_type'] },
);

export type Body = Record<string, unknown>;

/** A valid CreateMessageRequest of any content_type. */
export const validBody: fc.Arbitrary<Body> = fc.oneof(
  textMessage,
  inputSelectMessage,
  cardsMessage,
  formMessage,
  articleMessage,
  promptMessage,
);

/** A valid interactive body (it has content_attributes.items). */
export const interactiveBody: fc.Arbitrary<Body> = fc.oneof(inputSelectMessage, cardsMessage, formMessage, articleMessage);

/** A valid text body (content_type `text` or absent). */
export const textBody: fc.Arbitrary<Body> = textMessage;

export interface Mutation {
  name: string;
  /**
   * Who refuses the broken body: `both` (the client before sending, and Prism with a 422 when sent
   * anyway), `client only` (a deliberate extra check: the spec allows it and Prism answers 200) or
   * `server only` (the client sends it and Prism answers 422).
   */
  caughtBy: 'both' | 'client only' | 'server only';
  /** The bodies it applies to. */
  base: fc.Arbitrary<Body>;
  /** Returns a copy with exactly one rule broken. */
  apply: (body: Body) => Body;
  /** Mutations of the path ids rather than the body. */
  ids?: { account_id: unknown; conversation_id: unknown };
}

const clone = (body: Body): Body => structuredClone(body);

function withAttributes(body: Body, change: (attributes: { items: Record<string, unknown>[] }) => void): Body {
  const copy = clone(body);
  change(copy['content_attributes'] as { items: Record<string, unknown>[] });
  return copy;
}

const cardsWithLink = cardsMessage.filter((body) =>
  (body.content_attributes.items as Array<{ actions: Array<{ type: string }> }>)[0]!.actions.some((a) => a.type === 'link'),
);
const formWithSelect = formMessage.filter((body) =>
  (body.content_attributes.items as Array<{ type: string }>).some((f) => f.type === 'select'),
);

export const mutations: Mutation[] = [
  { name: 'message_type outside the enum', caughtBy: 'both', base: validBody, apply: (b) => ({ ...b, message_type: 'outgoin' }) },
  { name: 'message_type as the response integer', caughtBy: 'both', base: validBody, apply: (b) => ({ ...b, message_type: 2 }) },
  { name: 'content_type outside the enum', caughtBy: 'both', base: validBody, apply: (b) => ({ ...b, content_type: 'carousel' }) },
  {
    name: 'a text message with nothing to post (no content, files, template or email addresses)',
    caughtBy: 'both',
    base: validBody,
    apply: ({ content: _c, template_params: _t, cc_emails: _cc, bcc_emails: _bcc, to_emails: _to, ...rest }) => ({
      ...rest,
      content_type: 'text',
      content_attributes: {},
    }),
  },
  { name: 'content with a NUL character', caughtBy: 'both', base: validBody, apply: (b) => ({ ...b, content: 'a\u0000b' }) },
  { name: 'content not a string', caughtBy: 'both', base: validBody, apply: (b) => ({ ...b, content: 12345 }) },
  {
    name: 'content over 150,000 characters',
    caughtBy: 'both',
    base: validBody,
    apply: (b) => ({ ...b, content: '😀'.repeat(150_001) }),
  },
  { name: 'private not a boolean', caughtBy: 'both', base: validBody, apply: (b) => ({ ...b, private: 'yes' }) },
  {
    name: 'template_params without name',
    caughtBy: 'both',
    base: validBody,
    apply: (b) => ({ ...b, template_params: { language: 'en_US' } }),
  },
  {
    name: 'extra field in text content_attributes',
    caughtBy: 'both',
    base: textBody,
    apply: (b) => ({ ...b, content_attributes: { ...(b['content_attributes'] as object), buttons: ['Yes'] } }),
  },
  {
    name: 'in_reply_to as a string',
    caughtBy: 'both',
    base: textBody,
    apply: (b) => ({ ...b, content_attributes: { in_reply_to: '1021' } }),
  },
  { name: 'in_reply_to zero', caughtBy: 'both', base: textBody, apply: (b) => ({ ...b, content_attributes: { in_reply_to: 0 } }) },
  {
    name: 'content_attributes missing on an interactive message',
    caughtBy: 'both',
    base: interactiveBody,
    apply: ({ content_attributes: _dropped, ...rest }) => rest,
  },
  {
    name: 'empty items',
    caughtBy: 'both',
    base: interactiveBody,
    apply: (b) => ({ ...b, content_attributes: { items: [] } }),
  },
  {
    name: 'input_select item with an empty title',
    caughtBy: 'both',
    base: inputSelectMessage,
    apply: (b) => withAttributes(b, (a) => void (a.items[0]!['title'] = '')),
  },
  {
    // ContentAttributeValidator refuses any item key outside its list; the spec says the same
    // (additionalProperties: false), and so do the client's checks, compiled from it.
    name: 'item with a key the server validator does not allow',
    caughtBy: 'both',
    base: interactiveBody,
    apply: (b) => withAttributes(b, (a) => void (a.items[0]!['subtitle'] = 'not allowed')),
  },
  {
    name: 'template_params.processed_params as an array (the legacy array form the server refuses)',
    caughtBy: 'both',
    base: validBody,
    apply: (b) => ({ ...b, template_params: { name: 'order_shipped', processed_params: ['Noa', '1234'] } }),
  },
  {
    name: 'card without actions',
    caughtBy: 'both',
    base: cardsMessage,
    apply: (b) => withAttributes(b, (a) => void delete a.items[0]!['actions']),
  },
  {
    name: 'card with empty actions',
    caughtBy: 'both',
    base: cardsMessage,
    apply: (b) => withAttributes(b, (a) => void (a.items[0]!['actions'] = [])),
  },
  {
    name: 'card action of an unknown type',
    caughtBy: 'both',
    base: cardsMessage,
    apply: (b) => withAttributes(b, (a) => void ((a.items[0]!['actions'] as Array<Record<string, unknown>>)[0]!['type'] = 'call')),
  },
  {
    name: 'link action without uri',
    caughtBy: 'both',
    base: cardsWithLink,
    apply: (b) =>
      withAttributes(b, (a) => {
        const link = (a.items[0]!['actions'] as Array<Record<string, unknown>>).find((x) => x['type'] === 'link')!;
        delete link['uri'];
      }),
  },
  {
    name: 'form field of an unknown type',
    caughtBy: 'both',
    base: formMessage,
    apply: (b) => withAttributes(b, (a) => void (a.items[0]!['type'] = 'checkbox')),
  },
  {
    name: 'form select without options',
    caughtBy: 'both',
    base: formWithSelect,
    apply: (b) => withAttributes(b, (a) => void delete a.items.find((f) => f['type'] === 'select')!['options']),
  },
  {
    name: 'form field without name',
    caughtBy: 'both',
    base: formMessage,
    apply: (b) => withAttributes(b, (a) => void delete a.items[0]!['name']),
  },
  // Stricter than the spec on purpose: the spec leaves the body open (the server ignores unknown
  // fields), but a field within two edits of a known one is a typo that would otherwise be dropped
  // silently; a string id is a bug in the caller even though it reads the same in the URL.
  {
    name: 'misspelt top-level field',
    caughtBy: 'client only',
    base: validBody,
    apply: (b) => ({ ...b, mesage_type: 'outgoing' }),
  },
  {
    name: 'account_id as a string',
    caughtBy: 'client only',
    base: validBody,
    apply: clone,
    ids: { account_id: '1', conversation_id: 42 },
  },
  {
    name: 'conversation_id zero',
    caughtBy: 'both',
    base: validBody,
    apply: clone,
    ids: { account_id: 1, conversation_id: 0 },
  },
  // (No format rule is left to the server any more: it does not check URLs, and neither does the spec.)
  // Caught by the client since its checks are compiled from the whole request schema.
  {
    name: 'form select option without value',
    caughtBy: 'both',
    base: formWithSelect,
    apply: (b) =>
      withAttributes(
        b,
        (a) => void delete (a.items.find((f) => f['type'] === 'select')!['options'] as Array<Record<string, unknown>>)[0]!['value'],
      ),
  },
];

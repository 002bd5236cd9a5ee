// Checks of messages.create's input, made before anything is sent, so that a mistake costs an
// exception with a fix in it rather than a 422 (or worse, a wrong message in a customer's chat).
// TypeScript catches most of these at compile time; these catch the rest (JavaScript callers,
// values from JSON, `as any`).
import { closestName } from './closest-name.js';
import { InvalidInputError } from '../errors/classes.js';

export const maxContentLength = 150_000;
export const maxAttachments = 15;
export const messageTypes = ['incoming', 'outgoing', 'activity', 'template'] as const;
export const contentTypes = ['text', 'input_select', 'cards', 'form', 'article', 'input_email', 'input_text', 'input_textarea'] as const;
/** Content types whose content_attributes are a text message's (what it replies to), not items. */
const textLikeTypes = new Set(['text', 'input_email', 'input_text', 'input_textarea']);
const replyFields = new Set(['in_reply_to', 'in_reply_to_external_id']);
const formFieldTypes = ['text', 'email', 'text_area', 'select'] as const;
const cardActionTypes = ['link', 'postback'] as const;

const knownFields = new Set([
  'account_id',
  'conversation_id',
  'content',
  'message_type',
  'private',
  'content_type',
  'content_attributes',
  'template_params',
  'echo_id',
  'source_id',
  'external_created_at',
  'campaign_id',
  'sender_type',
  'sender_id',
  'cc_emails',
  'bcc_emails',
  'to_emails',
  'email_html_content',
  'attachments',
]);

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}" (a string)`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${String(value)} (${typeof value})`;
}

function fail(field: string, message: string): never {
  throw new InvalidInputError(field, `${field}: ${message}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkId(value: unknown, field: string, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    const hint = typeof value === 'string' && /^\d+$/.test(value) ? ` Pass a number: Number("${value}").` : '';
    fail(field, `must be a positive whole number (${what}), got ${describe(value)}.${hint}`);
  }
  return value;
}

function checkEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): void {
  if (!allowed.includes(value as T)) {
    fail(field, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(value)}.`);
  }
}

function checkString(value: unknown, field: string, options: { nonEmpty?: boolean; max?: number } = {}): void {
  if (typeof value !== 'string') fail(field, `must be a string, got ${describe(value)}.`);
  if (options.nonEmpty && value.length === 0) fail(field, 'must not be empty.');
  // Characters as the spec (JSON Schema maxLength) counts them: code points, not UTF-16 units.
  if (options.max !== undefined && value.length > options.max && codePointLength(value) > options.max) {
    fail(field, `must be at most ${options.max} characters, got ${codePointLength(value)}.`);
  }
}

/** Characters as the server counts them (code points); a surrogate pair is one character. */
function codePointLength(text: string): number {
  return [...text].length;
}

export function checkContent(value: unknown): void {
  if (value === undefined) fail('content', 'is required (the text of the message; it may be empty for interactive messages).');
  checkString(value, 'content');
  const text = value as string;
  // Only strings long enough to matter are counted character by character.
  if (text.length > maxContentLength && codePointLength(text) > maxContentLength) {
    fail('content', `must be at most ${maxContentLength.toLocaleString('en-US')} characters, got ${codePointLength(text).toLocaleString('en-US')}. Split it into several messages.`);
  }
}

function checkItems(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail(field, `must be a non-empty array, got ${Array.isArray(value) ? 'an empty array' : describe(value)}.`);
  }
  return value;
}

function checkObject(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) fail(field, `must be an object, got ${describe(value)}.`);
  return value;
}

function checkCardAction(action: unknown, field: string): void {
  const a = checkObject(action, field);
  checkEnum(a.type, `${field}.type`, cardActionTypes);
  checkString(a.text, `${field}.text`, { nonEmpty: true });
  if (a.type === 'link') checkString(a.uri, `${field}.uri`, { nonEmpty: true });
  else checkString(a.payload, `${field}.payload`, { nonEmpty: true });
}

export function checkContentAttributes(contentType: string, value: unknown): void {
  const field = 'content_attributes';
  const attrs = checkObject(value, field);
  if (textLikeTypes.has(contentType)) {
    for (const key of Object.keys(attrs)) {
      if (!replyFields.has(key)) {
        fail(`${field}.${key}`, `is not accepted for a ${contentType} message; only in_reply_to and in_reply_to_external_id are. Did you mean to set content_type?`);
      }
    }
    if (attrs.in_reply_to !== undefined) checkId(attrs.in_reply_to, `${field}.in_reply_to`, 'the id of the message replied to');
    if (attrs.in_reply_to_external_id !== undefined) checkString(attrs.in_reply_to_external_id, `${field}.in_reply_to_external_id`, { nonEmpty: true });
    return;
  }
  const items = checkItems(attrs.items, `${field}.items`);
  items.forEach((raw, i) => {
    const at = `${field}.items[${i}]`;
    const item = checkObject(raw, at);
    if (contentType === 'input_select') {
      checkString(item.title, `${at}.title`, { nonEmpty: true });
      checkString(item.value, `${at}.value`, { nonEmpty: true });
    } else if (contentType === 'article') {
      checkString(item.title, `${at}.title`, { nonEmpty: true });
      checkString(item.link, `${at}.link`, { nonEmpty: true });
    } else if (contentType === 'cards') {
      checkString(item.title, `${at}.title`, { nonEmpty: true });
      checkItems(item.actions, `${at}.actions`).forEach((action, j) => checkCardAction(action, `${at}.actions[${j}]`));
    } else {
      checkString(item.name, `${at}.name`, { nonEmpty: true });
      checkString(item.label, `${at}.label`);
      checkEnum(item.type, `${at}.type`, formFieldTypes);
      if (item.type === 'select') checkItems(item.options, `${at}.options`);
    }
  });
}

function checkTemplateParams(value: unknown): void {
  const params = checkObject(value, 'template_params');
  checkString(params.name, 'template_params.name', { nonEmpty: true });
  for (const key of ['language', 'category', 'namespace']) {
    if (params[key] !== undefined) checkString(params[key], `template_params.${key}`);
  }
  // Structured ({ header, body, footer, buttons }) or the legacy flat map: the spec says which.
  if (params.processed_params !== undefined) checkObject(params.processed_params, 'template_params.processed_params');
}

/** Fields of content_attributes that callers put at the top level by mistake. */
const attributeFields = new Set(['in_reply_to', 'items']);

function suggest(key: string): string {
  if (attributeFields.has(key)) return ` It goes in content_attributes: { ${key} }.`;
  const best = closestName(key.toLowerCase(), knownFields);
  return best ? ` Did you mean "${best}"?` : '';
}

/** Checks everything create() takes except the attachments' contents (see multipart.ts). */
export function checkCreateParams(params: unknown): Record<string, unknown> {
  if (!isPlainObject(params)) {
    throw new InvalidInputError('params', `messages.create expects an object such as { account_id, conversation_id, content }, got ${describe(params)}.`);
  }
  for (const key of Object.keys(params)) {
    if (!knownFields.has(key) && params[key] !== undefined) {
      fail(key, `is not a field of Create a Message.${suggest(key)}`);
    }
  }
  checkId(params.account_id, 'account_id', 'the numeric id of the account');
  checkId(params.conversation_id, 'conversation_id', "the conversation's display id, as shown in the dashboard");
  checkContent(params.content);
  if (params.message_type !== undefined) checkEnum(params.message_type, 'message_type', messageTypes);
  if (params.private !== undefined && typeof params.private !== 'boolean') {
    fail('private', `must be true or false, got ${describe(params.private)}.`);
  }
  const contentType = params.content_type ?? 'text';
  if (params.content_type !== undefined) checkEnum(params.content_type, 'content_type', contentTypes);
  if (params.content_attributes !== undefined) {
    checkContentAttributes(contentType as string, params.content_attributes);
  } else if (!textLikeTypes.has(contentType as string)) {
    fail('content_attributes', `is required when content_type is "${String(contentType)}" (it holds the items to show).`);
  }
  if (params.template_params !== undefined) checkTemplateParams(params.template_params);
  if (params.echo_id !== undefined) checkString(params.echo_id, 'echo_id');
  if (params.attachments !== undefined) {
    if (!Array.isArray(params.attachments)) fail('attachments', `must be an array of files, got ${describe(params.attachments)}.`);
    if (params.attachments.length > maxAttachments) {
      fail('attachments', `at most ${maxAttachments} files per message, got ${params.attachments.length}. Send the rest in another message.`);
    }
    if (params.attachments.length > 0 && params.template_params !== undefined) {
      fail('template_params', 'cannot be sent with attachments (a template message carries no files).');
    }
  }
  return params;
}

// Checks of messages.create's input, made before anything is sent, so that a mistake costs an
// exception with a fix in it rather than a 422 (or worse, a wrong message in a customer's chat).
// The rules are the spec's: generated/request-checks.ts is Ajv's code compiled from openapi.yaml,
// and this file only words its verdicts (the field's path, what was expected, "did you mean").
// What is not schema stays here: the path ids, the files, and which fields a multipart body carries
// (signed blob ids are the spec's: checked as the JSON body's `attachments`).
import { requestFacts, variantChecks, type SchemaError } from '../../generated/request-checks.js';
import { InvalidInputError } from '../errors/classes.js';
import { closestName } from '../internal/closest-name.js';
import { isPlainObject } from '../internal/plain-object.js';

const { hints, discriminator, defaultVariant, fields, defaultRequired, names, maxFiles, multipartFields, blobIdExample } = requestFacts;

/** At most this many files per message (the spec's limit on the multipart body's files). */
export const maxAttachments = maxFiles ?? Number.POSITIVE_INFINITY;
/** The allowed values of the request's top-level enums (message_type, content_type, ...), from the spec. */
export { requestEnums } from '../../generated/request-checks.js';

/** Names create() takes besides the body: the path ids (and `attachments`, files as well as ids). */
const pathIds = ['account_id', 'conversation_id'];
const known = new Set([...fields, ...pathIds, 'attachments']);

/** Names of nested objects one level down ("items" → "content_attributes"): a top-level one is misplaced. */
const homes = new Map<string, string>();
for (const byPath of [names.shared, ...Object.values(names.byVariant)]) {
  for (const [path, keys] of Object.entries(byPath)) {
    if (/^\w+$/.test(path)) for (const key of keys) if (!known.has(key) && !homes.has(key)) homes.set(key, path);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}" (a string)`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${String(value)} (${typeof value})`;
}

function fail(field: string, message: string): never {
  throw new InvalidInputError(field, `${field}: ${message}`);
}

/** A call's params must be an object (`call`: "messages.list"; `example`: its other fields, ", after"). */
export function checkParamsObject(params: unknown, call: string, example: string): asserts params is Record<string, unknown> {
  if (!isPlainObject(params)) {
    throw new InvalidInputError(
      'params',
      `${call}(params): params must be an object such as { account_id, conversation_id${example} }, got ${describe(params)}.`,
    );
  }
}

/** The path ids every call takes, checked before anything is sent. */
export function checkPathIds(params: Record<string, unknown>): { account_id: number; conversation_id: number } {
  return {
    account_id: checkId(params.account_id, 'account_id', 'the numeric id of the account'),
    conversation_id: checkId(params.conversation_id, 'conversation_id', "the conversation's display id, as shown in the dashboard"),
  };
}

function checkId(value: unknown, field: string, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    const hint = typeof value === 'string' && /^\d+$/.test(value) ? ` Pass a number: Number("${value}").` : '';
    fail(field, `must be a positive whole number (${what}), got ${describe(value)}.${hint}`);
  }
  return value;
}

const quoted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
const count = (n: number) => n.toLocaleString('en-US');
/** Characters as the spec (JSON Schema) counts them: code points, not UTF-16 units. */
const characters = (text: string) => [...text].length;

const typeWords: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** The segments of an Ajv instancePath (a JSON pointer). */
const segments = (pointer: string) =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** `content_attributes.items[0].value` for ["content_attributes", "items", "0", "value"] of `body`. */
function pathOf(body: unknown, parts: readonly string[]): { field: string; shape: string; value: unknown } {
  let field = '';
  let shape = '';
  let value = body;
  for (const part of parts) {
    if (Array.isArray(value)) {
      field += `[${part}]`;
      shape += '[]';
    } else {
      field += field ? `.${part}` : part;
      shape += shape ? `.${part}` : part;
    }
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return { field, shape, value };
}

/** The property names the spec gives the object at `shape` in `variant`. */
const namesAt = (variant: string, shape: string) => names.byVariant[variant]?.[shape] ?? names.shared[shape] ?? [];

/**
 * The one error worth reporting. Ajv stops at the first failure; a oneOf told apart by a tag is
 * compiled as Ajv's discriminator or an if/then/else chain (see scripts/request-checks.mjs), so its
 * failure is the chosen alternative's errors (followed by `if` errors for a chain). An untagged
 * oneOf/anyOf reports each alternative's failure and then its own: the one that got furthest into
 * the value is the one the caller most likely meant.
 */
function mainError(errors: readonly SchemaError[]): SchemaError | undefined {
  // "Not all of these absent" that the spec words itself (x-error-hint): its first field is required.
  const not = errors.find((e) => e.keyword === 'not');
  const field = Object.keys(hints).find((key) => key.startsWith('not:'));
  if (not && field) return { ...not, keyword: 'required', params: { missingProperty: field.slice(4), hint: hints[field] } };
  let end = errors.length;
  while (end > 0 && errors[end - 1]!.keyword === 'if') end--;
  const last = errors[end - 1];
  if (!last || (last.keyword !== 'oneOf' && last.keyword !== 'anyOf')) return last;
  const depth = (e: SchemaError) => segments(e.instancePath).length;
  const candidates = errors
    .slice(0, end - 1)
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.instancePath.startsWith(last.instancePath));
  return candidates.reduce((best, e) => (depth(e) > depth(best) ? e : best), candidates[0] ?? last);
}

/** Words an Ajv error about `body` (of `variant`) as a field and a sentence. */
function explain(error: SchemaError, body: Record<string, unknown>, variant: string): never {
  const parts = segments(error.instancePath);
  const at = pathOf(body, parts);
  const { params } = error;
  const got = `got ${describe(at.value)}`;
  switch (error.keyword) {
    case 'required': {
      const child = pathOf(body, [...parts, params.missingProperty as string]);
      if (params.hint) fail(child.field, `is required: ${params.hint}`);
      const onlyHere = discriminator && parts.length === 0 && variant !== defaultVariant && !defaultRequired.includes(child.field);
      // A key beside it that is one typo away ("titel") is the likely cause.
      const missing = String(params.missingProperty);
      const typo = isPlainObject(at.value)
        ? Object.keys(at.value).find((key) => key !== missing && closestName(key, [missing]))
        : undefined;
      const hint = typo === undefined ? '' : ` ("${typo}" is given: did you mean "${missing}"?)`;
      fail(child.field, `is required${onlyHere ? ` when ${discriminator} is "${variant}"` : ''}${hint}.`);
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const child = pathOf(body, [...parts, key]);
      if (parts.length === 0) fail(child.field, 'is not a field of Create a Message.');
      const accepted = namesAt(variant, at.shape);
      let message = `is not accepted here; ${at.field} takes ${accepted.join(', ') || 'no other keys'}.`;
      const elsewhere = discriminator ? Object.keys(variantChecks).filter((v) => v !== variant && namesAt(v, at.shape).includes(key)) : [];
      if (elsewhere.length > 0) {
        message += ` It belongs to ${discriminator} ${quoted(elsewhere).replace(/, ([^,]*)$/, ' or $1')}: did you mean to set ${discriminator}?`;
      } else {
        const best = closestName(key, accepted);
        if (best) message += ` Did you mean "${best}"?`;
      }
      fail(child.field, message);
    }
    case 'type': {
      // (An enum's own type is not compiled, see scripts/request-checks.mjs: its errors are `enum`.)
      const words = String(params.type)
        .split(',')
        .map((t) => typeWords[t] ?? t);
      fail(at.field, `must be ${words.join(' or ')}, ${got}.`);
    }
    case 'enum':
      fail(at.field, `must be one of ${quoted(params.allowedValues as unknown[])}, ${got}.`);
    case 'const':
      fail(at.field, `must be ${JSON.stringify(params.allowedValue)}, ${got}.`);
    case 'minLength':
      fail(
        at.field,
        params.limit === 1
          ? 'must not be empty.'
          : `must be at least ${count(params.limit)} characters, got ${count(characters(String(at.value)))}.`,
      );
    case 'pattern': {
      fail(at.field, `${hints[params.pattern] ?? `must match ${params.pattern}.`} (${got})`);
    }
    case 'maxLength':
      fail(at.field, `must be at most ${count(params.limit)} characters, got ${count(characters(String(at.value)))}.`);
    case 'minItems':
      fail(
        at.field,
        params.limit === 1
          ? `must be a non-empty array, ${got}.`
          : `must have at least ${params.limit} items, got ${(at.value as unknown[]).length}.`,
      );
    case 'maxItems':
      fail(at.field, `must have at most ${params.limit} items, got ${(at.value as unknown[]).length}.`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      fail(at.field, `must be ${String(params.comparison)} ${params.limit}, ${got}.`);
    default:
      fail(at.field || 'params', `breaks the spec's "${error.keyword}" rule (${JSON.stringify(params)}), ${got}.`);
  }
}

/** A field near a known one (or one that belongs in a nested object) is a typo, whatever the spec allows. */
function checkNames(params: Record<string, unknown>): void {
  for (const key of Object.keys(params)) {
    if (known.has(key) || params[key] === undefined) continue;
    const home = homes.get(key);
    if (home) fail(key, `is not a field of Create a Message. It goes in ${home}: { ${key} }.`);
    const best = closestName(key.toLowerCase(), known);
    if (best) fail(key, `is not a field of Create a Message. Did you mean "${best}"?`);
  }
}

/** Whether an item of `attachments` is a signed blob id (a string) rather than a file. */
export const isBlobId = (item: unknown): item is string => typeof item === 'string';

function checkFiles(attachments: unknown, body: Record<string, unknown>): void {
  if (!Array.isArray(attachments)) fail('attachments', `must be an array of files or signed blob ids, got ${describe(attachments)}.`);
  // Only ids: they go in the JSON body, whose rules the spec check above applied.
  if (attachments.every(isBlobId)) return;
  if (attachments.length > maxAttachments) {
    fail('attachments', `at most ${maxAttachments} files per message, got ${attachments.length}. Send the rest in another message.`);
  }
  if (!multipartFields) fail('attachments', 'this API takes no files.');
  // A field of the JSON body that the multipart body lacks (template_params) cannot travel with files.
  for (const key of Object.keys(body)) {
    if (fields.includes(key) && !multipartFields.includes(key)) {
      fail(
        key,
        'cannot be sent with files: a message with files (multipart/form-data) has no such field. Signed blob ids alone go in a JSON body, which has it.',
      );
    }
  }
}

/** Checks everything create() takes except the files' contents (see multipart.ts). */
export function checkCreateParams(params: unknown): Record<string, unknown> {
  checkParamsObject(params, 'messages.create', ', content');
  checkNames(params);
  checkPathIds(params);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && key !== 'attachments' && !pathIds.includes(key)) body[key] = value;
  }
  let variant = '';
  if (discriminator) {
    const chosen = discriminator in body ? body[discriminator] : defaultVariant;
    if (chosen === null && !(discriminator in body)) fail(discriminator, 'is required.');
    if (typeof chosen !== 'string' || !Object.hasOwn(variantChecks, chosen)) {
      fail(discriminator, `must be one of ${quoted(Object.keys(variantChecks))}, got ${describe(chosen)}.`);
    }
    variant = chosen;
  }
  const check = variantChecks[variant]!;
  // The spec's rules see every item as the JSON body's `attachments`: a signed blob id as itself
  // (its rules are the spec's), a file as an id the spec's examples give, so that the rules that
  // count attachments (a text message needs content or attachments, ...) count files too. Files
  // themselves are checked in multipart.ts.
  const { attachments } = params;
  const checked =
    Array.isArray(attachments) && attachments.length > 0
      ? { ...body, attachments: attachments.map((item) => (isBlobId(item) ? item : (blobIdExample ?? 'file'))) }
      : body;
  if (!check(checked)) {
    const error = mainError(check.errors ?? []);
    if (error) explain(error, checked, variant);
    fail(discriminator ?? 'params', 'does not match the spec.');
  }
  if (attachments !== undefined) checkFiles(attachments, body);
  return params;
}

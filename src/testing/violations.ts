// The reason the mock gives for a request that breaks the spec. Prism answers such a request with
// the spec's own 422 example (whatever it says) and puts the real reasons in its `sl-violations`
// header: one entry per oneOf branch that failed, so the same complaint comes 12–20 times, mixed
// with complaints that only say "this is another branch". This picks the one that says what is
// wrong, for the server's `{"error": …}` body.

import { requestFacts } from '../../generated/request-checks.js';

/** One entry of Prism's `sl-violations` header. */
export interface Violation {
  location: string[];
  code?: string;
  message: string;
}

const TOO_MANY = 'Too many violations! ';

/**
 * Parses Prism's `sl-violations` header (JSON, possibly percent-encoded); [] when it is not one.
 * Past ~8 KB Prism cuts the JSON short behind "Too many violations! ": the whole entries are kept.
 */
export function parseViolations(header: string | undefined): Violation[] {
  if (header === undefined || header === '') return [];
  for (const candidate of [header, safeDecode(header)]) {
    const text = candidate.startsWith(TOO_MANY) ? candidate.slice(TOO_MANY.length) : candidate;
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.filter(isViolation);
    } catch {
      const whole = wholeEntries(text);
      if (whole.length > 0) return whole;
    }
  }
  return [];
}

/** The complete `{…}` entries of a JSON array cut short (entries hold no nested objects). */
function wholeEntries(text: string): Violation[] {
  const found: Violation[] = [];
  for (const match of text.matchAll(/\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\}/g)) {
    try {
      const entry: unknown = JSON.parse(match[0]);
      if (isViolation(entry)) found.push(entry);
    } catch {
      // Not an entry after all.
    }
  }
  return found;
}

/**
 * The most specific violation: a value sent that is wrong (deepest location first) before a field
 * that is missing, the complaint most branches agree on before a rarer one. "Must match exactly
 * one schema in oneOf" and "must be equal to constant" (a branch for another content_type) say
 * nothing of their own, so they count only when nothing else is left.
 */
export function mostSpecificViolation(violations: readonly Violation[]): Violation | undefined {
  const telling = violations.filter((violation) => violation.code !== 'oneOf' && violation.code !== 'const');
  const pool = telling.length > 0 ? telling : violations.filter((violation) => violation.code !== 'oneOf');
  const candidates = pool.length > 0 ? pool : violations;
  const counts = new Map<string, number>();
  for (const violation of candidates) counts.set(keyOf(violation), (counts.get(keyOf(violation)) ?? 0) + 1);
  let best: Violation | undefined;
  for (const violation of candidates) {
    if (best === undefined || rank(violation, counts) > rank(best, counts)) best = violation;
  }
  return best;
}

/** The 422 body the mock sends: `{ error: "<what is wrong> (at <where>)" }`, in the server's shape. */
export function violationBody(violations: readonly Violation[]): { error: string } | undefined {
  const violation = mostSpecificViolation(violations);
  if (violation === undefined) return undefined;
  // A `not` rule (the empty-message trap) says only "must NOT be valid": the spec's hint for it says what to send.
  const notRule = violation.code === 'not' ? Object.keys(requestFacts.hints).find((key) => key.startsWith('not:')) : undefined;
  if (notRule !== undefined) {
    return { error: `${requestFacts.hints[notRule]} (at body.${notRule.slice(4)}; the request breaks openapi.yaml)` };
  }
  return { error: `${violation.message} (at ${whereOf(violation)}; the request breaks openapi.yaml)` };
}

/** `body.content_attributes`, `path.account_id`: the location without "request", plus the missing property's name. */
export function whereOf(violation: Violation): string {
  const parts = violation.location[0] === 'request' ? violation.location.slice(1) : [...violation.location];
  const missing = violation.code === 'required' ? /'([^']+)'/.exec(violation.message)?.[1] : undefined;
  if (missing !== undefined) parts.push(missing);
  return parts.length > 0 ? parts.join('.') : 'request';
}

function rank(violation: Violation, counts: ReadonlyMap<string, number>): number {
  // A wrong value beats a missing field at any depth; then depth; then how many branches agree.
  const wrongValue = violation.code === 'required' ? 0 : 1;
  return wrongValue * 1_000_000 + violation.location.length * 10_000 + (counts.get(keyOf(violation)) ?? 0);
}

function keyOf(violation: Violation): string {
  return `${violation.location.join('\u0000')}\u0001${violation.message}`;
}

function isViolation(value: unknown): value is Violation {
  if (value === null || typeof value !== 'object') return false;
  const { location, message } = value as { location?: unknown; message?: unknown };
  return Array.isArray(location) && location.every((part) => typeof part === 'string') && typeof message === 'string';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

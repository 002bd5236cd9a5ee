// createMany's options and input, checked before anything is read or sent, with messages that say
// how to fix them.
import { ConfigurationError } from '../errors/classes.js';
import { checkSignal } from '../core/retry-options.js';
import { defaultConcurrency, maxAutoConcurrency } from './concurrency.js';
import type { BatchLimiter, CreateManyItem, CreateManyOptions } from './types.js';

export const defaultPerMinute = 2_400;
export const serverWindowMs = 60_000;

export interface ResolvedManyOptions<T extends CreateManyItem> {
  /** 0: unpaced. */
  perWindow: number;
  windowMs: number;
  /** The caller's, or the starting point when `autoConcurrency`. */
  concurrency: number;
  /** No `concurrency` given and a pace to follow: the number in flight follows the latency (concurrency.ts). */
  autoConcurrency: boolean;
  signal: AbortSignal | undefined;
  skip: ((item: T, index: number) => boolean | Promise<boolean>) | undefined;
  beforeSend: ((item: T, index: number) => void | Promise<void>) | undefined;
  continueAfterFailure: boolean;
  limiter: BatchLimiter | undefined;
  /** Items read ahead of the ones in flight: bounds memory whatever the input's length. */
  lookahead: number;
}

function fail(message: string): never {
  throw new ConfigurationError(`createMany: ${message}`);
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(
      `${name} must be a whole number from ${min} to ${max}, got ${typeof value === 'string' ? `"${value}" (a string)` : String(value)}.`,
    );
  }
  return value;
}

function optionalFunction<F>(value: unknown, name: string, example: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function, e.g. ${example}.`);
  return value as F | undefined;
}

export function resolveManyOptions<T extends CreateManyItem>(options: CreateManyOptions<T> = {}): ResolvedManyOptions<T> {
  if (typeof options !== 'object' || options === null) fail('options must be an object, e.g. { perMinute: 1200, concurrency: 4 }.');
  const { limiter } = options;
  if (limiter !== undefined && (typeof limiter !== 'object' || limiter === null || typeof limiter.schedule !== 'function')) {
    fail('limiter must have a schedule(fn) method, like a Bottleneck instance.');
  }
  if (limiter !== undefined && options.perMinute !== undefined) {
    fail('give either perMinute or limiter, not both: with a limiter, the limiter sets the pace (e.g. Bottleneck minTime).');
  }
  const concurrency = wholeNumber(options.concurrency ?? defaultConcurrency, 'concurrency', 1, 1_000);
  const signal = checkSignal(options.signal, 'createMany: signal');
  if (options.continueAfterFailure !== undefined && typeof options.continueAfterFailure !== 'boolean') {
    fail('continueAfterFailure must be true or false.');
  }
  const perWindow = limiter ? 0 : wholeNumber(options.perMinute ?? defaultPerMinute, 'perMinute', 0, 1_000_000);
  const autoConcurrency = options.concurrency === undefined && perWindow > 0;
  return {
    perWindow,
    windowMs: wholeNumber(options.windowMs ?? serverWindowMs, 'windowMs', 1, 3_600_000),
    concurrency,
    autoConcurrency,
    signal,
    skip: optionalFunction(options.skip, 'skip', '(item) => alreadySent.has(item.key)'),
    beforeSend: optionalFunction(options.beforeSend, 'beforeSend', '(item) => journal.markSending(item.key)'),
    continueAfterFailure: options.continueAfterFailure === true,
    limiter,
    lookahead: Math.max(64, (autoConcurrency ? maxAutoConcurrency : concurrency) * 16),
  };
}

/** The items' iterator, sync or async; a wrong argument is named before anything is read. */
export function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  const source = items as Partial<Iterable<T> & AsyncIterable<T>> | null | undefined;
  if (source && typeof source[Symbol.asyncIterator] === 'function') return source[Symbol.asyncIterator]!();
  if (source && typeof source[Symbol.iterator] === 'function' && typeof source !== 'string') return source[Symbol.iterator]!();
  return fail(
    'items must be an array, an iterable or an async iterable of create params, e.g. [{ account_id, conversation_id, content }].',
  );
}

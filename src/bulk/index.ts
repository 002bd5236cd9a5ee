// 99digital-client/bulk: createMany, its own entry point, so that an app that sends one message
// does not carry bulk sending (pacing, per-conversation queues, the result stream). It reaches the
// client's create through the key the client keeps it under (messages/create.ts createWithHooks).
export { createMany } from './create-many.js';
export type { BatchLimiter, CreateManyInput, CreateManyItem, CreateManyOptions, CreateManyResult } from './types.js';

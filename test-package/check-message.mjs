// What every run checks about a created message: the typed 200 body itself (not a wrapper, not
// undefined), with the types the spec gives a response. Plain JavaScript, no node: imports, so that
// Node, Bun and Deno all run it.
export function checkMessage(message) {
  const problems = [];
  if (typeof message !== 'object' || message === null) {
    throw new Error(`messages.create returned ${message === null ? 'null' : typeof message}, not a message`);
  }
  if (!Number.isSafeInteger(message.id) || message.id < 1) problems.push(`id is ${JSON.stringify(message.id)}`);
  if (!Number.isSafeInteger(message.conversation_id)) problems.push(`conversation_id is ${JSON.stringify(message.conversation_id)}`);
  // message_type is a string in requests but an integer in responses.
  if (typeof message.message_type !== 'number') problems.push(`message_type is ${JSON.stringify(message.message_type)}`);
  if (typeof message.created_at !== 'number') problems.push(`created_at is ${JSON.stringify(message.created_at)}`);
  if (message.content !== null && typeof message.content !== 'string') problems.push(`content is ${typeof message.content}`);
  if (typeof message.private !== 'boolean') problems.push(`private is ${typeof message.private}`);
  // openapi-fetch's { data, error, response } must not leak through.
  for (const key of ['data', 'error', 'response']) if (key in message) problems.push(`it has a "${key}" key`);
  if (problems.length > 0) throw new Error(`not a Message: ${problems.join('; ')}\n${JSON.stringify(message)}`);
  return message;
}

/** `node 22.23.3`, `bun 1.4.5`, `deno 2.9.6`: printed by each run, so the harness sees which runtime ran. */
export function runtimeName() {
  if (globalThis.Deno?.version?.deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun?.version) return `bun ${globalThis.Bun.version}`;
  return `node ${globalThis.process?.versions?.node ?? 'unknown'}`;
}

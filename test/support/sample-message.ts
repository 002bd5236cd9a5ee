// The one sample message of the tests: the spec's TextMessageResponse example (what the server
// answers to a create), read from openapi.yaml as the benches read it (scripts/bench.mjs).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Message } from '../../src/index.js';

const spec = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
  components: { examples: { TextMessageResponse: { value: Message } } };
};

export const sampleMessage: Message = spec.components.examples.TextMessageResponse.value;

/** The sample message as the server's JSON body, with another content or id when a test needs one. */
export function messageJson(content = sampleMessage.content ?? '', id = sampleMessage.id): string {
  return JSON.stringify({ ...sampleMessage, content, id });
}

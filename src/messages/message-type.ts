// The response's message_type numbers by name (0 incoming, 1 outgoing, 2 activity, 3 template), so
// that nobody writes the numbers by hand. The compiler ties the names to the request's enum and the
// numbers to the response's; test/spec/message-type.test.ts ties both to openapi.yaml's x-enum-varnames.
import type { components } from '../../generated/schema.js';

type MessageTypeName = components['schemas']['RequestMessageType'];
type MessageTypeNumber = components['schemas']['ResponseMessageType'];

/** `message.message_type === MessageType.outgoing`: the server's numbers, by the names requests use. */
export const MessageType = {
  incoming: 0,
  outgoing: 1,
  activity: 2,
  template: 3,
} as const satisfies Record<MessageTypeName, MessageTypeNumber>;

const names = Object.fromEntries(Object.entries(MessageType).map(([name, number]) => [number, name])) as Record<number, MessageTypeName>;

/** The name of a response's message_type number (`1` → `"outgoing"`); undefined for a number the server does not send. */
export function messageTypeName(type: number): MessageTypeName | undefined {
  return names[type];
}

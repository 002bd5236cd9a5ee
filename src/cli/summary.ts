// The created message, in a few lines a person reads at a glance.
import { messageTypeName } from '../messages/message-type.js';
import type { Message } from '../messages/types.js';

export function preview(text: string | null | undefined, max = 80): string {
  if (text === null || text === undefined || text === '') return '(no text)';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function createdTime(message: Pick<Message, 'created_at' | 'created_at_exact'>): string {
  if (typeof message.created_at_exact === 'string' && message.created_at_exact !== '') return message.created_at_exact;
  return new Date(message.created_at * 1000).toISOString();
}

export function summarize(message: Message): string {
  const type = messageTypeName(message.message_type);
  const kind = [`${type ?? 'type'} (${message.message_type})`, message.content_type];
  if (message.private) kind.push('private note');
  const lines = [
    `Message ${message.id} created in conversation ${message.conversation_id}`,
    `  type     ${kind.join(', ')}`,
    `  status   ${message.status}`,
    `  created  ${createdTime(message)}`,
    `  content  ${preview(message.content)}`,
  ];
  if (message.attachments && message.attachments.length > 0) {
    lines.push(`  files    ${message.attachments.length} attached`);
  }
  return lines.join('\n');
}

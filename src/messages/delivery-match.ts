// Whether a message whose answer was lost is in the conversation: what create sent, reduced to what
// the server keeps of it (a fingerprint), and the rule that compares it with the listed messages.
// Pure: reading the conversation, and waiting for the server to settle, are reconcile.ts's.
//
// What the server keeps (Messages::MessageBuilder, Liquidable): message_type (outgoing unless
// given), private, content_type (text unless given), content (Liquid rendered before saving for
// outgoing and template messages), source_id as sent, the sender (the agent bot named by
// sender_type/sender_id; else the token's user for outgoing; the contact otherwise), the
// attachments, and created_at in whole seconds by the server's clock. echo_id is not stored.
import type { SentFingerprint } from '../errors/sent-record.js';

/** The fields of a listed message that the match reads. */
export interface ListedMessage {
  id: number;
  content?: string | null;
  message_type: number;
  content_type?: string | null;
  private?: boolean;
  source_id?: string | null;
  created_at: number;
  sender?: { id?: number | null; type?: string } | null;
  attachments?: readonly unknown[] | null;
}

const messageTypes: Record<string, number> = { incoming: 0, outgoing: 1, activity: 2, template: 3 };

/**
 * A 53-bit hash of the content (cyrb53): the fingerprint keeps this, never the text, so an error
 * never carries what was sent (which could quote anything). A collision would need the same
 * sender, type and second as well.
 */
export function contentHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * Whether the server may change the content before saving it: Liquid (`{{ … }}`, `{% … %}`) is
 * rendered in outgoing and template messages, so such content cannot be compared.
 */
function mayBeRendered(messageType: number, content: string | null): boolean {
  return (messageType === 1 || messageType === 3) && content !== null && /\{\{|\{%/.test(content);
}

/** The fingerprint of create's params (already checked), for attempts that ran from `startedAt` to `endedAt`. */
export function fingerprintOf(params: Record<string, unknown>, startedAt: number, endedAt: number): SentFingerprint {
  const type = params.message_type;
  const botId = params.sender_type === 'AgentBot' ? Number(params.sender_id) : Number.NaN;
  const content = typeof params.content === 'string' ? params.content : null;
  // Left out or null, the server uses outgoing; anything else was refused before sending.
  const messageType = typeof type === 'number' ? type : (messageTypes[String(type)] ?? 1);
  return {
    account_id: params.account_id as number,
    conversation_id: params.conversation_id as number,
    message_type: messageType,
    private: params.private === true || params.private === 'true',
    content_type: typeof params.content_type === 'string' ? params.content_type : 'text',
    contentHash: content === null ? null : contentHash(content),
    contentMayBeRendered: mayBeRendered(messageType, content),
    source_id: typeof params.source_id === 'string' ? params.source_id : null,
    attachments: Array.isArray(params.attachments) ? params.attachments.length : 0,
    agentBotId: Number.isSafeInteger(botId) ? botId : null,
    startedAt,
    endedAt,
  };
}

export type MatchResult<M extends ListedMessage = ListedMessage> =
  | { found: 'one'; message: M }
  | { found: 'none' }
  | { found: 'several'; candidates: M[]; reason: string };

/** The window, on the server's clock, in which the server could have saved the message. */
export interface MatchWindow {
  /** The server's clock minus ours, in ms (from the listing's Date header). */
  offsetMs: number;
  /** How far that estimate may be off, in ms. */
  skewMs: number;
  /** When the listing was read, our clock. */
  until: number;
}

/** The window's first and last second on the server's clock (created_at is in whole seconds). */
export function windowSeconds(sent: SentFingerprint, window: MatchWindow): { from: number; to: number } {
  return {
    from: Math.floor((sent.startedAt + window.offsetMs - window.skewMs) / 1000),
    to: Math.ceil((window.until + window.offsetMs + window.skewMs) / 1000),
  };
}

/**
 * The listed messages that could be the one sent. With a source_id sent, that alone decides (the
 * server stores it as sent). Otherwise every stored field must agree, and created_at must fall in
 * the window the server could have saved it in.
 */
export function matchSent<M extends ListedMessage>(sent: SentFingerprint, messages: readonly M[], window: MatchWindow): MatchResult<M> {
  const { from, to } = windowSeconds(sent, window);
  const compareContent = !sent.contentMayBeRendered;
  const matches = messages.filter((m) => {
    if (sent.source_id !== null) return m.source_id === sent.source_id;
    return (
      m.message_type === sent.message_type &&
      (m.private ?? false) === sent.private &&
      (m.content_type ?? 'text') === sent.content_type &&
      (m.attachments?.length ?? 0) === sent.attachments &&
      senderAgrees(sent, m) &&
      m.created_at >= from &&
      m.created_at <= to &&
      (!compareContent || (typeof m.content === 'string' ? contentHash(m.content) : null) === sent.contentHash)
    );
  });
  if (matches.length === 1) return { found: 'one', message: matches[0]! };
  if (matches.length === 0) return { found: 'none' };
  const reason =
    sent.source_id !== null
      ? `${matches.length} messages in the conversation carry source_id ${JSON.stringify(sent.source_id)}`
      : `${matches.length} messages in the conversation match what was sent${compareContent ? '' : ' (its content has Liquid, so it was not compared)'} within the time it was sent; give each message a source_id (API inboxes) to tell them apart`;
  return { found: 'several', candidates: matches, reason };
}

function senderAgrees(sent: SentFingerprint, message: ListedMessage): boolean {
  const type = message.sender?.type;
  if (sent.agentBotId !== null) return type === 'agent_bot' && message.sender?.id === sent.agentBotId;
  // Outgoing: the token's user (whose id the client does not know); otherwise the contact.
  if (sent.message_type === 1) return type === undefined || type === 'user';
  return type === undefined || type === 'contact';
}

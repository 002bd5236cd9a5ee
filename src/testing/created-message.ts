// The message the mock answers with: built from the request as the server's builder builds it
// (Chatwoot's Messages::MessageBuilder, rendered by its _message.json.jbuilder and the senders'
// push_event_data), so that a test sees what it sent, numbered and shaped as the server answers.
import { MessageType } from '../messages/message-type.js';

/** The agent the mock's token belongs to: the sender of outgoing messages (User#push_event_data). */
export const MOCK_USER = {
  id: 1,
  name: 'Mock Agent',
  available_name: 'Mock Agent',
  avatar_url: '',
  type: 'user',
  availability_status: 'offline',
  thumbnail: '',
} as const;

/** The conversation's contact: the sender of incoming, activity and template messages (Contact#push_event_data). */
export const MOCK_CONTACT = {
  additional_attributes: {},
  custom_attributes: {},
  email: null,
  id: 1,
  identifier: null,
  name: 'Mock Contact',
  phone_number: null,
  thumbnail: '',
  blocked: false,
  type: 'contact',
} as const;

/** The agent bot named by `sender_type: 'AgentBot'` and `sender_id` (AgentBot#push_event_data); the id is the one sent. */
export const MOCK_AGENT_BOT = { id: 0, name: 'Mock Bot', avatar_url: '', type: 'agent_bot' } as const;

/** The inbox every mocked conversation belongs to (an API inbox, so incoming messages are allowed). */
export const MOCK_INBOX_ID = 1;

/** A file part of a multipart request, as the builder needs it. */
export interface UploadedFile {
  filename: string;
  /** The part's media type ('' when the part had none). */
  type: string;
  size: number;
}

/** An attachment as the server renders it (Attachment#push_event_data for a file upload). */
export interface CreatedAttachment {
  id: number;
  message_id: number;
  file_type: 'image' | 'audio' | 'video' | 'file';
  account_id: number;
  extension: null;
  data_url: string;
  thumb_url: string;
  file_size: number;
  width: null;
  height: null;
  transcribed_text?: string;
}

/** The created message, field for field as the server's jbuilder view renders it. */
export interface CreatedMessage {
  id: number;
  content: string | null;
  inbox_id: number;
  echo_id?: string;
  conversation_id: number;
  message_type: number;
  content_type: string;
  status: 'sent';
  content_attributes: Record<string, unknown>;
  created_at: number;
  /** 99digital's addition: created_at to the millisecond, ISO 8601 in UTC (`2025-11-25T18:40:00.123Z`). */
  created_at_exact: string;
  private: boolean;
  source_id: string | null;
  sender: typeof MOCK_USER | typeof MOCK_CONTACT | { id: number; name: string; avatar_url: string; type: 'agent_bot' };
  attachments?: CreatedAttachment[];
}

export interface MessageRequest {
  account_id: number;
  conversation_id: number;
  /** The request's fields: the JSON body, or the text parts of a multipart body (all strings). */
  fields: Record<string, unknown>;
  /** The `attachments[]` file parts, in order. */
  files: readonly UploadedFile[];
}

export interface BuildContext {
  id: number;
  nextAttachmentId(): number;
  now: Date;
  /** The mock's origin, for the attachments' URLs. */
  origin: string;
  /** A message the mock created in this conversation, by id or by source_id (for in_reply_to). */
  findInConversation(by: { id: number } | { source_id: string }): { id: number; source_id: string | null } | undefined;
}

/** Builds the message the server would create from this request. */
export function buildCreatedMessage(request: MessageRequest, context: BuildContext): CreatedMessage {
  const { fields } = request;
  const messageType = typeof fields['message_type'] === 'string' && fields['message_type'] !== '' ? fields['message_type'] : 'outgoing';
  const contentAttributes = contentAttributesOf(fields['content_attributes']);
  // Messages::InReplyToMessageBuilder: the message replied to is looked up in this conversation
  // by in_reply_to (its id), else by in_reply_to_external_id (its source_id); both keys are then
  // set from what was found, null when nothing was.
  const inReplyTo = contentAttributes['in_reply_to'];
  const inReplyToExternal = contentAttributes['in_reply_to_external_id'];
  if (present(inReplyTo) || present(inReplyToExternal)) {
    const target = present(inReplyTo)
      ? context.findInConversation({ id: Number(inReplyTo) })
      : context.findInConversation({ source_id: String(inReplyToExternal) });
    contentAttributes['in_reply_to_external_id'] = target?.source_id ?? null;
    contentAttributes['in_reply_to'] = target?.id ?? null;
  }
  // external_created_at is kept in content_attributes (MessageBuilder#external_created_at).
  if (present(fields['external_created_at'])) contentAttributes['external_created_at'] = fields['external_created_at'];
  const echoId = fields['echo_id'];
  const message: CreatedMessage = {
    id: context.id,
    content: typeof fields['content'] === 'string' ? fields['content'] : null,
    inbox_id: MOCK_INBOX_ID,
    ...(echoId === undefined || echoId === null ? {} : { echo_id: String(echoId) }),
    conversation_id: request.conversation_id,
    message_type: Object.hasOwn(MessageType, messageType) ? MessageType[messageType as keyof typeof MessageType] : MessageType.outgoing,
    content_type: typeof fields['content_type'] === 'string' && fields['content_type'] !== '' ? fields['content_type'] : 'text',
    status: 'sent',
    content_attributes: contentAttributes,
    created_at: Math.floor(context.now.getTime() / 1000),
    created_at_exact: context.now.toISOString(),
    private: booleanOf(fields['private']),
    source_id: typeof fields['source_id'] === 'string' ? fields['source_id'] : null,
    sender: senderOf(messageType, fields),
  };
  if (request.files.length > 0) {
    message.attachments = request.files.map((file) => attachmentOf(file, message.id, request.account_id, context));
  }
  return message;
}

/**
 * MessageBuilder#sender: for outgoing messages the agent bot named by sender_type/sender_id (the
 * mock has every bot), else the token's user; the conversation's contact for the other types.
 */
function senderOf(messageType: string, fields: Record<string, unknown>): CreatedMessage['sender'] {
  if (messageType !== 'outgoing') return MOCK_CONTACT;
  const botId = Number(fields['sender_id']);
  if (fields['sender_type'] === 'AgentBot' && Number.isInteger(botId)) return { ...MOCK_AGENT_BOT, id: botId };
  return MOCK_USER;
}

/** Ruby's `present?` for the values a request carries. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== false;
}

/** FileTypeHelper#file_type: a few image and video types, anything audio/, else file. */
export function fileTypeOf(mediaType: string): CreatedAttachment['file_type'] {
  const type = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/webp'].includes(type)) return 'image';
  if (['video/ogg', 'video/mp4', 'video/webm', 'video/quicktime'].includes(type)) return 'video';
  if (type.includes('audio/')) return 'audio';
  return 'file';
}

/** The path the mock serves an attachment's bytes at (where Active Storage would redirect from). */
export function blobPath(attachmentId: number, filename: string, kind: 'blobs' | 'representations' = 'blobs'): string {
  return `/rails/active_storage/${kind}/redirect/mock-${attachmentId}/${encodeURIComponent(filename)}`;
}

function attachmentOf(file: UploadedFile, messageId: number, accountId: number, context: BuildContext): CreatedAttachment {
  const id = context.nextAttachmentId();
  const fileType = fileTypeOf(file.type);
  const attachment: CreatedAttachment = {
    id,
    message_id: messageId,
    file_type: fileType,
    account_id: accountId,
    // Only some channels set an extension; an upload through the API leaves it empty.
    extension: null,
    data_url: `${context.origin}${blobPath(id, file.filename)}`,
    // A thumbnail only for images; width and height come later, when the file has been analysed.
    thumb_url: fileType === 'image' ? `${context.origin}${blobPath(id, file.filename, 'representations')}` : '',
    file_size: file.size,
    width: null,
    height: null,
  };
  if (fileType === 'audio') attachment.transcribed_text = '';
  return attachment;
}

/** content_attributes as the builder reads it: a hash, or a JSON string of one; anything else is {}. */
function contentAttributesOf(value: unknown): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...(parsed as Record<string, unknown>) } : {};
}

/** A boolean column's cast (ActiveModel::Type::Boolean): multipart sends "true"/"false" as text. */
function booleanOf(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (typeof value === 'string') return !['0', 'f', 'false', 'off'].includes(value.toLowerCase());
  return value !== false && value !== 0;
}

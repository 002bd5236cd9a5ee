// What an error of messages.create remembers of the message it may have posted: enough for
// messages.reconcile to look for it in the conversation, and nothing that could show the token
// (the content is kept only as a hash). Attached by messages/create.ts, read by messages/reconcile.ts.

/** What create sent, reduced to what the server keeps of it, and when its attempts ran (ms since the epoch, our clock). */
export interface SentFingerprint {
  account_id: number;
  conversation_id: number;
  /** 0 incoming, 1 outgoing, 2 activity, 3 template. */
  message_type: number;
  private: boolean;
  content_type: string;
  /** A hash of the content sent (null: none), compared with the hash of each listed message's content. */
  contentHash: string | null;
  /** The content has Liquid (`{{ }}`, `{% %}`) the server renders before saving: it cannot be compared. */
  contentMayBeRendered: boolean;
  source_id: string | null;
  /** How many files were attached. */
  attachments: number;
  /** The agent bot it was posted as (sender_type AgentBot), if any. */
  agentBotId: number | null;
  /** When the first attempt was about to start. */
  startedAt: number;
  /** When the last attempt ended (failed). */
  endedAt: number;
}

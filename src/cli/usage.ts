// The help texts. Kept beside the option table (send-args.ts) they describe; the choices and the
// files limit come from the spec (generated/request-checks.ts), like the checks they describe.
import { maxAttachments, requestEnums } from '../messages/input-checks.js';

/** `a | b | c`, wrapped under the option's description column. */
function choices(values: readonly string[] | undefined, tail: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of [...(values ?? []).flatMap((v, i) => (i === 0 ? [v] : ['|', v])), ...tail.split(' ')]) {
    if (line && line.length + word.length + 1 > 70) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n                            ');
}

export const globalUsage = `Usage: 99digital <command> [options]

Send messages into 99digital (Chatwoot) conversations from the shell.

Commands:
  send         Post a message into a conversation          (99digital send --help)
  send-batch   Post many, from a JSONL file, resumable    (99digital send-batch --help)

Options:
  -h, --help       Show this help
  -v, --version    Show the version of 99digital-client and of its API description

Environment:
  DIGITAL99_API_ACCESS_TOKEN   Your API access token (profile page). Read only from the
                               environment: a flag would end up in shell history and in ps.
  DIGITAL99_BASE_URL           The server (default https://online.99digital.co.il)
  DIGITAL99_DEBUG=1            Same as --debug

Try it without an account:
  99digital send --mock --account 1 --conversation 42 "Hello"
`;

export const sendUsage = `Usage: 99digital send --account <id> --conversation <id> [options] <text>

Posts <text> into a conversation and prints the created message.
<text> may be "" for interactive messages; "-" reads it from stdin.

Message:
  --account <id>            The numeric account id (required)
  --conversation <id>       The conversation's display id, the #number in the dashboard (required)
  --type <type>             ${choices(requestEnums['message_type'], '(server default: outgoing)')}
  --private                 A private note: seen by agents only, never sent to the customer
  --content-type <type>     ${choices(requestEnums['content_type'], '(default text)')}
  --attributes <json|@file> content_attributes: the items of an interactive message, or
                            {"in_reply_to": <message id>} for text. @file reads a JSON file, @- stdin
  --template-params <json|@file>
                            template_params of a WhatsApp template message
  --attach <file>           Attach a file (repeat for more, at most ${maxAttachments}); sent as multipart/form-data
  --echo-id <id>            Your own id for the message, echoed back by the server

Connection:
  --base-url <url>          The server (default: DIGITAL99_BASE_URL, else https://online.99digital.co.il)
  --timeout <seconds>       Per attempt (default 30)
  --auth-header <name>      The header the token goes in: api_access_token (default) or
                            Api-Access-Token, for a proxy (e.g. nginx) that drops underscored headers
  --no-retry                Do not retry. By default a request is retried (twice) only when the
                            server cannot have posted it: 429, the flood-limit 422, a 503 with
                            Retry-After, connection refused
  --mock                    Send to a built-in mock server (Prism) with a dummy token, then stop it.
                            Needs @stoplight/prism-cli installed

Output:
  --json                    Print the created message as JSON
  --debug                   Print each request and response line on stderr (token redacted)
  -h, --help                Show this help

The token is read from DIGITAL99_API_ACCESS_TOKEN only.

Exit codes:
  0  sent
  2  bad usage or invalid input (nothing was sent)
  3  the server answered with an error (401, 404, 422, 429, 5xx)
  4  no usable answer: connection failed, timed out, or the answer was not a message
     (stderr says whether the message may have been delivered)
  130 interrupted (Ctrl-C)

Examples:
  99digital send --account 1 --conversation 42 "Hello"
  99digital send --account 1 --conversation 42 --private "Called the customer back"
  99digital send --account 1 --conversation 42 --content-type input_select \\
    --attributes '{"items":[{"title":"Sales","value":"sales"},{"title":"Support","value":"support"}]}' \\
    "Which department do you need?"
  99digital send --account 1 --conversation 42 --attach invoice.pdf "Here is your invoice"
`;

export const sendBatchUsage = `Usage: 99digital send-batch <file.jsonl> [options]

Posts one message per line of <file.jsonl>, paced under the server's limits, one at a time per
conversation in file order. Every line is checked first: if one is wrong, nothing is sent.

Each line is a JSON object: "conversation_id", the message fields ("content", "message_type",
"private", "content_type", "content_attributes", "template_params", "echo_id"), optional
"account_id" (else --account) and an optional "key" of yours, e.g.
  {"conversation_id": 42, "content": "Hello", "key": "crm-1001"}

Journal and resume:
  --journal <path>          The journal (default <file.jsonl>.journal.jsonl, with --mock
                            <file.jsonl>.mock.journal.jsonl): each line is recorded
                            before it is sent and after, flushed to disk. Run the same command again
                            to resume: lines already sent are skipped, lines that failed (not
                            delivered) are sent again, lines whose outcome is unknown (in flight
                            when a run was killed) are listed and not sent again, nor the later
                            lines of their conversations (order), unless
  --resend-unknown          is given.
                            Before that, a resume looks for each unknown line in its conversation
                            (the server's message list): found → recorded as sent; not there once
                            the server can no longer be saving it → sent again, in order; several
                            that could be it → kept back and listed with their message ids. Needs a
                            user's token (agent-bot tokens cannot list messages).
  --no-reconcile            Do not look: unknown lines stay unknown.
  --settle-ms <n>           How long after a line's last attempt the server may still save it
                            (default 60000: the server's 30 s queue and 15 s request timeouts, plus
                            margin). A line found missing is sent again only after this.
  --dry-run                 Check every line and print, for each, its conversation, the start of
                            its content and what a run would do with it; send nothing.
  A line is known by its number, its text and where it goes (the server's origin and the account):
  the same file sent to another account or server is sent in full. One run at a time per journal:
  a second run refuses at once (exit 6); a lock left by a killed run is taken over.

Sending:
  --account <id>            The account of lines without "account_id"
  --per-minute <n>          Requests started in any 60 s (default 2400, under the server's 3000 per
                            IP). 0 turns pacing off: for a local server only
  --concurrency <n>         Requests in flight at once (default: as many as the latency needs for
                            the pace, 8 to 64)
  --continue-after-failure  Send a conversation's later lines even after one of its lines failed
                            (by default they are not sent, so a conversation never gets them out of order)
  --base-url <url>          The server (default: DIGITAL99_BASE_URL, else https://online.99digital.co.il)
  --timeout <seconds>       Per attempt (default 30)
  --auth-header <name>      api_access_token (default) or Api-Access-Token (see 99digital send --help)
  --mock                    Send to a built-in mock server (Prism) with a dummy token; the
                            mock's journal is kept apart, so a real run afterwards sends every line

Output:
  --json                    One JSON row per (non-blank) line on stdout, on every run:
                            {"line": N, "key": ..., "status": ..., "message_id": ..., "error": "..."}
                            with "reconciled": true where looking in the conversation decided it
                            status: sent (by this run), already_sent (by an earlier run), failed
                            (not delivered: a re-run sends it), unknown (may have been posted: not
                            sent again without --resend-unknown), held (behind an unknown line of
                            its conversation), not_started (Ctrl-C came first: a re-run sends it)
  --debug                   Print each request and response line on stderr (token redacted);
                            DIGITAL99_DEBUG=1 does the same
  -h, --help                Show this help
  Progress goes to stderr: a bar on a terminal, else a line every few seconds.
  Ctrl-C stops starting lines, waits for those in flight, writes the journal and says how to resume.

The token is read from DIGITAL99_API_ACCESS_TOKEN only.

Exit codes:
  0  every line sent, or skipped as sent before
  2  bad usage or an invalid line (nothing was sent)
  5  some lines failed or have an unknown outcome (listed on stderr, or in --json)
  6  another run is sending this batch (its journal is locked); nothing was sent
  130 interrupted (Ctrl-C); run the same command again to resume
`;

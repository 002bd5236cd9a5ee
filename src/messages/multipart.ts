// Messages with files go as multipart/form-data, the way the Chatwoot dashboard sends them:
// one `attachments[]` part per file, plain fields as text, content_attributes as JSON. Each file's
// size is checked before anything is sent.
import { InvalidInputError } from '../errors/classes.js';
import { isPlainObject } from './input-checks.js';

/**
 * The server's limit on one file: Chatwoot's Attachment#validate_file_size refuses a file over
 * MAXIMUM_FILE_UPLOAD_SIZE megabytes, default 40 (app/models/attachment.rb). There is no separate
 * limit on the total: a message carries at most 15 files, so at most 15 × 40 MB.
 */
export const maxFileBytes = 40 * 1024 * 1024;

/**
 * A file to attach: a Blob/File (on Node, `await fs.openAsBlob(path)` is one that stays on disk
 * until it is sent), or its bytes with a name. Not a ReadableStream: a multipart form holds Blobs,
 * and a retry must send the same bytes again, so a stream would have to be read into memory first,
 * which `await new Response(stream).blob()` does in one line where the caller can see it.
 */
export type AttachmentInput =
  | Blob
  | {
      data: Blob | ArrayBuffer | Uint8Array | string;
      filename: string;
      /** MIME type, e.g. "application/pdf" (default application/octet-stream). */
      contentType?: string;
    };

function checkSize(bytes: number, field: string, filename: string): void {
  if (bytes > maxFileBytes) {
    throw new InvalidInputError(field, `${field}: "${filename}" is ${bytes} bytes; the server takes at most 40 MB (${maxFileBytes}) a file.`);
  }
}

function toFile(input: unknown, index: number): { blob: Blob; filename: string } {
  const field = `attachments[${index}]`;
  if (input instanceof Blob) {
    const name = (input as Blob & { name?: unknown }).name;
    const filename = typeof name === 'string' && name !== '' ? name : `attachment-${index + 1}`;
    checkSize(input.size, field, filename);
    return { blob: input, filename };
  }
  if (!isPlainObject(input)) {
    throw new InvalidInputError(field, `${field}: must be a Blob/File or { data, filename, contentType? }.`);
  }
  const { data, filename, contentType } = input;
  if (typeof filename !== 'string' || filename.trim() === '') {
    throw new InvalidInputError(`${field}.filename`, `${field}.filename: must be a non-empty string, e.g. "invoice.pdf".`);
  }
  if (contentType !== undefined && (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(contentType))) {
    throw new InvalidInputError(`${field}.contentType`, `${field}.contentType: must be a MIME type such as "application/pdf".`);
  }
  const type = (contentType as string | undefined) ?? 'application/octet-stream';
  let blob: Blob;
  if (data instanceof Blob) {
    // A Blob re-typed this way still refers to the same bytes (a file-backed Blob stays on disk).
    blob = contentType ? new Blob([data], { type }) : data;
  } else if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Uint8Array) {
    blob = new Blob([data as BlobPart], { type });
  } else {
    // A stream cannot go in a form as is (FormData holds Blobs, and a retry needs the bytes again).
    throw new InvalidInputError(`${field}.data`, `${field}.data: must be a Blob, ArrayBuffer, Uint8Array or string (a stream: new Response(stream).blob()).`);
  }
  checkSize(blob.size, `${field}.data`, filename);
  return { blob, filename };
}

/** Builds the form once, before anything is sent; FormData can be sent again as is on a retry. */
export function buildFormData(fields: Record<string, unknown>, attachments: readonly unknown[]): FormData {
  const files = attachments.map(toFile);
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  for (const { blob, filename } of files) form.append('attachments[]', blob, filename);
  return form;
}

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
 * until it is sent), or its bytes with a name. A ReadableStream is read into memory before the
 * upload starts (up to the 40 MB limit): a multipart form holds Blobs, and a retry must be able to
 * send the same bytes again.
 */
export type AttachmentInput =
  | Blob
  | {
      data: Blob | ArrayBuffer | Uint8Array | string | ReadableStream<Uint8Array>;
      filename: string;
      /** MIME type, e.g. "application/pdf" (default application/octet-stream). */
      contentType?: string;
      /** A stream's length in bytes, when known: a stream over the limit is then refused before it is read. */
      size?: number;
    };

function checkSize(bytes: number, field: string, filename: string): void {
  if (bytes > maxFileBytes) {
    throw new InvalidInputError(field, `${field}: "${filename}" is ${bytes} bytes; the server takes at most 40 MB (${maxFileBytes}) per file.`);
  }
}

/**
 * The stream's bytes, read no further than the limit (a stream can be endless): leaving the loop
 * by a throw cancels the stream.
 */
async function readStream(stream: ReadableStream<Uint8Array>, field: string, filename: string, type: string): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      checkSize((total += chunk.byteLength), field, filename);
    }
  } catch (error) {
    throw error instanceof InvalidInputError ? error : new InvalidInputError(field, `${field}: reading the stream of "${filename}" failed: ${String(error)}`);
  }
  return new Blob(chunks as BlobPart[], { type });
}

async function toFile(input: unknown, index: number): Promise<{ blob: Blob; filename: string }> {
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
  const { data, filename, contentType, size } = input;
  if (typeof filename !== 'string' || filename.trim() === '') {
    throw new InvalidInputError(`${field}.filename`, `${field}.filename: must be a non-empty string, e.g. "invoice.pdf".`);
  }
  if (contentType !== undefined && (typeof contentType !== 'string' || !/^[\w.+-]+\/[\w.+-]+/.test(contentType))) {
    throw new InvalidInputError(`${field}.contentType`, `${field}.contentType: must be a MIME type such as "application/pdf".`);
  }
  const type = (contentType as string | undefined) ?? 'application/octet-stream';
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) {
    if (typeof size === 'number') checkSize(size, `${field}.size`, filename);
    return { blob: await readStream(data as ReadableStream<Uint8Array>, `${field}.data`, filename, type), filename };
  }
  let blob: Blob;
  // A Blob re-typed this way still refers to the same bytes (a file-backed Blob stays on disk).
  if (data instanceof Blob) blob = contentType ? new Blob([data], { type }) : data;
  else if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Uint8Array) blob = new Blob([data as BlobPart], { type });
  else throw new InvalidInputError(`${field}.data`, `${field}.data: must be a Blob, ArrayBuffer, Uint8Array, string or ReadableStream.`);
  checkSize(blob.size, `${field}.data`, filename);
  return { blob, filename };
}

/** Builds the form once, before anything is sent; FormData can be sent again as is on a retry. */
export async function buildFormData(fields: Record<string, unknown>, attachments: readonly unknown[]): Promise<FormData> {
  const files: Array<{ blob: Blob; filename: string }> = [];
  // One after another: a stream over the limit stops the rest from being read.
  for (const [index, input] of attachments.entries()) files.push(await toFile(input, index));
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  for (const { blob, filename } of files) form.append('attachments[]', blob, filename);
  return form;
}

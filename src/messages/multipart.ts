// Messages with files go as multipart/form-data, the way the Chatwoot dashboard sends them:
// one `attachments[]` part per file (a signed blob id among them as a text part of that name, which
// the server reads as it reads one in JSON), plain fields as text, content_attributes as JSON.
// Each file's size is checked before anything is sent.
import { InvalidInputError } from '../errors/classes.js';
import { isPlainObject } from '../internal/plain-object.js';

/**
 * The server's limit on one file: Chatwoot's Attachment#validate_file_size refuses a file over
 * MAXIMUM_FILE_UPLOAD_SIZE megabytes, default 40 (app/models/attachment.rb). There is no separate
 * limit on the total: a message carries at most 15 files, so at most 15 × 40 MB.
 */
export const maxFileBytes = 40 * 1024 * 1024;

/**
 * A file to attach: a Blob/File (on Node, `await fs.openAsBlob(path)` is one that stays on disk
 * until it is sent), or its bytes with a name. A ReadableStream (where the runtime has them) is read
 * into memory before the upload starts, no further than the 40 MB limit: a multipart form holds
 * Blobs, and a retry must be able to send the same bytes again.
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

/** A file ready for the form, a stream still to be read into one, or a signed blob id (a text part). */
type Part =
  | { blob: Blob; filename: string }
  | { stream: ReadableStream<Uint8Array>; field: string; filename: string; type: string }
  | { blobId: string };

function checkSize(bytes: number, field: string, filename: string): void {
  if (bytes > maxFileBytes) {
    throw new InvalidInputError(
      field,
      `${field}: "${filename}" is ${bytes} bytes; the server takes at most 40 MB (${maxFileBytes}) a file.`,
    );
  }
}

function toPart(input: unknown, index: number): Part {
  const field = `attachments[${index}]`;
  // Checked against the spec with the rest of the body (input-checks.ts).
  if (typeof input === 'string') return { blobId: input };
  if (input instanceof Blob) {
    const name = (input as Blob & { name?: unknown }).name;
    const filename = typeof name === 'string' && name !== '' ? name : `attachment-${index + 1}`;
    checkSize(input.size, field, filename);
    return { blob: input, filename };
  }
  if (!isPlainObject(input)) {
    throw new InvalidInputError(field, `${field}: must be a Blob/File, { data, filename, contentType? } or a signed blob id (a string).`);
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
    return { stream: data as ReadableStream<Uint8Array>, field: `${field}.data`, filename, type };
  }
  let blob: Blob;
  if (data instanceof Blob) {
    // A Blob re-typed this way still refers to the same bytes (a file-backed Blob stays on disk).
    blob = contentType ? new Blob([data], { type }) : data;
  } else if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Uint8Array) {
    blob = new Blob([data as BlobPart], { type });
  } else {
    throw new InvalidInputError(`${field}.data`, `${field}.data: must be a Blob, ArrayBuffer, Uint8Array, string or ReadableStream.`);
  }
  checkSize(blob.size, `${field}.data`, filename);
  return { blob, filename };
}

/**
 * The stream's bytes, read no further than the limit (a stream can be endless): leaving the loop by
 * a throw cancels the stream.
 */
async function readStream({ stream, field, filename, type }: Extract<Part, { stream: unknown }>): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as unknown as AsyncIterable<unknown>) {
      // A string has no byteLength (the cap would count NaN) and an object would be posted as
      // "[object Object]": only bytes are a file's content.
      if (!(chunk instanceof Uint8Array)) {
        throw new InvalidInputError(
          field,
          `${field}: the stream of "${filename}" gave a chunk of type ${typeof chunk}, not bytes (Uint8Array).`,
        );
      }
      chunks.push(chunk);
      checkSize((total += chunk.byteLength), field, filename);
    }
  } catch (error) {
    throw error instanceof InvalidInputError
      ? error
      : new InvalidInputError(field, `${field}: reading the stream of "${filename}" failed: ${String(error)}`);
  }
  return new Blob(chunks as BlobPart[], { type });
}

/**
 * Builds the form once, before anything is sent; FormData can be sent again as is on a retry. The
 * `attachments[]` parts keep the caller's order, files and ids alike: the server attaches them in it.
 */
export async function buildFormData(fields: Record<string, unknown>, attachments: readonly unknown[]): Promise<FormData> {
  // Every check that needs no reading comes first, so a bad file is refused before any stream is read.
  const parts = attachments.map(toPart);
  const ready: Array<Exclude<Part, { stream: unknown }>> = [];
  for (const part of parts) ready.push('stream' in part ? { blob: await readStream(part), filename: part.filename } : part);
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    form.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  for (const part of ready) {
    if ('blobId' in part) form.append('attachments[]', part.blobId);
    else form.append('attachments[]', part.blob, part.filename);
  }
  return form;
}

// Messages with files go as multipart/form-data, the way the Chatwoot dashboard sends them:
// one `attachments[]` part per file, plain fields as text, content_attributes as JSON.
import { InvalidInputError } from '../errors/classes.js';
import { isPlainObject } from './input-checks.js';

/** A file to attach: a Blob/File, or its bytes with a name. */
export type AttachmentInput =
  | Blob
  | {
      data: Blob | ArrayBuffer | Uint8Array | string;
      filename: string;
      /** MIME type, e.g. "application/pdf" (default application/octet-stream). */
      contentType?: string;
    };

function toFile(input: unknown, index: number): { blob: Blob; filename: string } {
  const field = `attachments[${index}]`;
  if (input instanceof Blob) {
    const name = (input as Blob & { name?: unknown }).name;
    return { blob: input, filename: typeof name === 'string' && name !== '' ? name : `attachment-${index + 1}` };
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
  if (data instanceof Blob) return { blob: contentType ? new Blob([data], { type }) : data, filename };
  if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Uint8Array) {
    return { blob: new Blob([data as BlobPart], { type }), filename };
  }
  throw new InvalidInputError(`${field}.data`, `${field}.data: must be a Blob, ArrayBuffer, Uint8Array or string.`);
}

/** Builds the form once; FormData can be sent again as is on a retry. */
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

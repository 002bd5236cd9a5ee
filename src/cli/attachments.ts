// `--attach <file>`: the file's bytes, its name, and a MIME type guessed from its extension (the
// server shows images, audio and video inline by that type).
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { maxAttachments } from '../messages/input-checks.js';
import type { AttachmentInput } from '../messages/multipart.js';
import { UsageError } from './exit-codes.js';

const typesByExtension: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.bmp': 'image/bmp',
  '.heic': 'image/heic',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.zip': 'application/zip',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/opus',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
};

export function contentTypeOf(filename: string): string {
  return typesByExtension[extname(filename).toLowerCase()] ?? 'application/octet-stream';
}

export function readAttachments(paths: readonly string[]): AttachmentInput[] {
  if (paths.length > maxAttachments) {
    throw new UsageError(`--attach: at most ${maxAttachments} files per message, got ${paths.length}. Send the rest in another message.`);
  }
  return paths.map((path) => {
    let data: Uint8Array;
    try {
      if (statSync(path).isDirectory()) throw new UsageError(`--attach ${path}: is a directory, not a file.`);
      data = readFileSync(path);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`--attach ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
    const filename = basename(path);
    return { data, filename, contentType: contentTypeOf(filename) };
  });
}

import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidInputError } from './heed-error.ts';

const chunkBytes = 65_536;

function ioCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

function tooLarge(what: string, path: string, limit: number, size?: number): InvalidInputError {
  const measured = size === undefined ? `more than ${limit} bytes (reading stopped there)` : `${size} bytes`;
  return new InvalidInputError(`${what} ${path} is ${measured}; the limit is ${limit} bytes.`, { code: 'oversized' });
}

/**
 * Reads at most `limit` bytes of a file, failing as soon as there are more: the size of a regular file is checked
 * before reading, and everything else (a device such as /dev/zero, a pipe, a file still growing) is read in chunks
 * that stop one byte past the limit. A FIFO is read like a pipe once a writer opens it.
 */
export function readBoundedFile(path: string, what: string, limit: number): Buffer {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${what} ${path}: ${ioCode(error)}`, { cause: error, code: 'io' });
  }
  try {
    const stats = fstatSync(descriptor);
    if (stats.isDirectory()) throw new InvalidInputError(`${what} ${path} is a folder, not a file.`, { code: 'io' });
    if (stats.isFile() && stats.size > limit) throw tooLarge(what, path, limit, stats.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, limit + 1 - total));
      let read: number;
      try {
        read = readSync(descriptor, chunk, 0, chunk.length, null);
      } catch (error) {
        if (ioCode(error) === 'EAGAIN') continue;
        throw new InvalidInputError(`Cannot read ${what} ${path}: ${ioCode(error)}`, { cause: error, code: 'io' });
      }
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) throw tooLarge(what, path, limit);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(descriptor);
  }
}

/** The first line of a file (without its line break), read only as far as it goes and at most `limit` bytes. */
export function readFirstLine(path: string, what: string, limit: number): string {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${what} ${path}: ${ioCode(error)}`, { cause: error, code: 'io' });
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, limit + 1 - total));
      const read = readSync(descriptor, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const end = chunk.subarray(0, read).indexOf(10);
      chunks.push(chunk.subarray(0, end === -1 ? read : end));
      total += end === -1 ? read : end;
      if (end !== -1) break;
      if (total > limit)
        throw new InvalidInputError(`${what} ${path}: line 1 is longer than ${limit} bytes.`, { code: 'oversized' });
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`Cannot read ${what} ${path}: ${ioCode(error)}`, { cause: error, code: 'io' });
  } finally {
    closeSync(descriptor);
  }
}

/** `readBoundedFile` as UTF-8 text. */
export function readBoundedText(path: string, what: string, limit: number): string {
  return readBoundedFile(path, what, limit).toString('utf8');
}

/**
 * The lines of a file of any length, each at most `maxLineBytes`: a file with no line breaks (/dev/zero) fails at
 * the first over-long line instead of filling memory. A trailing `\r` is dropped, like readline with crlfDelay.
 */
export async function* readBoundedLines(path: string, what: string, maxLineBytes: number): AsyncIterable<string> {
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const line = (bytes: Buffer): string => {
    number += 1;
    const text = bytes.toString('utf8');
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, end);
        if (pendingBytes + piece.length > maxLineBytes) throw longLine(what, path, number + 1, maxLineBytes);
        yield line(pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]));
        pending = [];
        pendingBytes = 0;
        start = end + 1;
      }
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes) throw longLine(what, path, number + 1, maxLineBytes);
      if (rest.length > 0) pending.push(Buffer.from(rest));
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`Cannot read ${what} ${path}: ${ioCode(error)}`, { cause: error, code: 'io' });
  } finally {
    stream.destroy();
  }
  if (pendingBytes > 0) yield line(Buffer.concat(pending));
}

function longLine(what: string, path: string, number: number, limit: number): InvalidInputError {
  return new InvalidInputError(`${what} ${path}: line ${number} is longer than ${limit} bytes.`, { code: 'oversized' });
}

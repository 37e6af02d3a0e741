import { closeSync, constants, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { AnchorRecord, AuditAnchor } from './audit-anchor.ts';

/**
 * Appends each record as one JSON line to `path`, opened with O_APPEND (mode 0600 when created): the process can add
 * lines but every write goes to the end. To keep the writer from truncating it too, make the file append-only for it
 * (`chattr +a`, a file owned by another user and writable through a group, or a witness on another machine).
 */
export function openFileAnchor(path: string): AuditAnchor {
  let descriptor: number;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    descriptor = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    if (!fstatSync(descriptor).isFile()) {
      closeSync(descriptor);
      throw new Error('not a regular file');
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`Cannot open the audit anchor ${path}: ${code}`, { cause: error, code: 'io' });
  }
  let open = true;
  return {
    append(record: AnchorRecord): void {
      // One write of one line: a line is never interleaved with another writer's, and never half there after a crash.
      writeSync(descriptor, `${JSON.stringify(record)}\n`);
    },
    async close(): Promise<void> {
      if (!open) return;
      open = false;
      closeSync(descriptor);
    },
  };
}

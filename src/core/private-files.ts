import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { InvalidInputError } from './heed-error.ts';

const privateFolderMode = 0o700;
const privateFileMode = 0o600;

/**
 * Makes `folder` heed's own: created with mode 0700 when missing, and narrowed to 0700 when it exists with access for
 * others. A folder every user may write to (such as /tmp) is refused: others could swap the files inside it.
 */
export function ensurePrivateFolder(folder: string, what: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: privateFolderMode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`Cannot create the ${what} ${folder}: ${code}`, { cause: error, code: 'io' });
  }
  const stats = statSync(folder);
  if (!stats.isDirectory()) throw new InvalidInputError(`The ${what} ${folder} is not a folder.`, { code: 'io' });
  if ((stats.mode & 0o002) !== 0) {
    throw new InvalidInputError(
      `The ${what} ${folder} is writable by every user (mode ${(stats.mode & 0o7777).toString(8)}); give heed a folder of its own inside it, e.g. ${folder.replace(/\/$/, '')}/heed.`,
      { code: 'shared-folder' },
    );
  }
  narrow(folder, stats.mode, privateFolderMode, what);
}

/** Creates `file` empty with mode 0600 when missing, and narrows an existing one to 0600. */
export function ensurePrivateFile(file: string, what: string): void {
  try {
    closeSync(openSync(file, 'a', privateFileMode));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(`Cannot create the ${what} ${file}: ${code}`, { cause: error, code: 'io' });
  }
  narrow(file, statSync(file).mode, privateFileMode, what);
}

function narrow(path: string, mode: number, wanted: number, what: string): void {
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(path, wanted);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidInputError(
      `The ${what} ${path} is open to other users (mode ${(mode & 0o777).toString(8)}) and cannot be narrowed to ${wanted.toString(8)}: ${code}.`,
      { cause: error, code: 'io' },
    );
  }
}

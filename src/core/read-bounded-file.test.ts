import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './heed-error.ts';
import { ensurePrivateFile, ensurePrivateFolder } from './private-files.ts';
import { readBoundedLines, readBoundedText, readFirstLine } from './read-bounded-file.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-bounded-'));

async function lines(path: string, limit = 1024): Promise<string[]> {
  const read: string[] = [];
  for await (const line of readBoundedLines(path, 'test file', limit)) read.push(line);
  return read;
}

describe('bounded reading', () => {
  it('reads a file up to exactly its limit and refuses one byte more', () => {
    const file = join(folder, 'exact.txt');
    writeFileSync(file, 'x'.repeat(100));
    expect(readBoundedText(file, 'test file', 100)).toHaveLength(100);
    expect(() => readBoundedText(file, 'test file', 99)).toThrow(/is 100 bytes; the limit is 99 bytes/);
    expect(() => readBoundedText(folder, 'test file', 99)).toThrow(/is a folder/);
    expect(() => readBoundedText(join(folder, 'absent'), 'test file', 99)).toThrow(/ENOENT/);
  });

  it('splits lines across chunks, drops a CR before LF, keeps a last line without a break', async () => {
    const file = join(folder, 'lines.txt');
    const long = 'y'.repeat(200_000);
    writeFileSync(file, `a\r\n${long}\n\nlast`);
    expect(await lines(file, 300_000)).toEqual(['a', long, '', 'last']);
    await expect(lines(file, 100_000)).rejects.toThrow(/line 2 is longer than 100000 bytes/);
    await expect(lines('/dev/zero', 1000)).rejects.toThrow(InvalidInputError);
  });
});

describe('private files', () => {
  it('narrows an existing folder to 0700 and a file to 0600, and refuses a folder every user may write to', () => {
    const wide = join(folder, 'wide');
    mkdirSync(wide);
    chmodSync(wide, 0o755);
    ensurePrivateFolder(wide, 'state folder');
    expect(statSync(wide).mode & 0o777).toBe(0o700);
    const file = join(wide, 'state.db');
    writeFileSync(file, 'x');
    chmodSync(file, 0o644);
    ensurePrivateFile(file, 'state store');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const shared = join(folder, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(() => ensurePrivateFolder(shared, 'state folder')).toThrow(/writable by every user \(mode 1777\)/);
    const created = join(folder, 'new', 'nested');
    ensurePrivateFolder(created, 'state folder');
    expect(statSync(created).mode & 0o777).toBe(0o700);
  });
});

describe('the first line', () => {
  it('reads only as far as the first line break, and refuses a first line past the limit', () => {
    const file = join(folder, 'first.txt');
    writeFileSync(file, `header\n${'z'.repeat(500_000)}`);
    expect(readFirstLine(file, 'sample', 100)).toBe('header');
    writeFileSync(file, 'no break at all');
    expect(readFirstLine(file, 'sample', 100)).toBe('no break at all');
    expect(() => readFirstLine('/dev/zero', 'sample', 1000)).toThrow(/line 1 is longer than 1000 bytes/);
  });
});

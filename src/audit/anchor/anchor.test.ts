import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../core/heed-error.ts';
import { type AnchorRecord, anchorSchemaVersion } from './audit-anchor.ts';
import { openFileAnchor } from './file-anchor.ts';
import { readAnchorFile } from './read-anchor-file.ts';
import { createWitnessAnchor } from './witness-anchor.ts';

const folder = mkdtempSync(join(tmpdir(), 'heed-anchor-'));
const record = (seq: number): AnchorRecord => ({
  schemaVersion: anchorSchemaVersion,
  agent: 'agent-1',
  seq,
  hash: 'a'.repeat(64),
  publicKey: null,
  at: '2026-01-01T00:00:00.000Z',
});

describe('audit anchors', () => {
  it('appends one line per record to a 0600 file, and reads them back', async () => {
    const path = join(folder, 'nested', 'agent-1.anchor.jsonl');
    const anchor = openFileAnchor(path);
    anchor.append(record(11));
    anchor.append(record(22));
    await anchor.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    expect(await readAnchorFile(path)).toEqual({ records: [record(11), record(22)], tornLastLine: false });
  });

  it('leaves out a torn last line, and names any other bad line', async () => {
    const torn = join(folder, 'torn.jsonl');
    writeFileSync(torn, `${JSON.stringify(record(1))}\n{"schemaVersion":1,"agent":"age`);
    expect(await readAnchorFile(torn)).toEqual({ records: [record(1)], tornLastLine: true });
    const backwards = join(folder, 'backwards.jsonl');
    writeFileSync(backwards, `${JSON.stringify(record(5))}\n${JSON.stringify(record(3))}\n`);
    await expect(readAnchorFile(backwards)).rejects.toThrow(/line 2: records must name one agent with increasing seq/);
    const junk = join(folder, 'junk.jsonl');
    writeFileSync(junk, `not json\n${JSON.stringify(record(1))}\n`);
    await expect(readAnchorFile(junk)).rejects.toThrow(/line 1: not JSON/);
  });

  it('refuses to anchor into a folder', () => {
    mkdirSync(join(folder, 'a-folder'));
    expect(() => openFileAnchor(join(folder, 'a-folder'))).toThrow(InvalidInputError);
  });

  it('reports what a witness did not take, in order, without failing', async () => {
    const seen: number[] = [];
    const failures: string[] = [];
    const anchor = createWitnessAnchor('http://witness.invalid/anchors', {
      fetch: async (_url, init) => {
        const seq = (JSON.parse(String(init?.body)) as AnchorRecord).seq;
        seen.push(seq);
        return new Response('no', { status: seq === 2 ? 503 : 200 });
      },
      onError: (error, failed) => failures.push(`${failed.seq}: ${error.message}`),
    });
    for (const seq of [1, 2, 3]) anchor.append(record(seq));
    await anchor.close();
    expect(seen).toEqual([1, 2, 3]);
    expect(failures).toEqual(['2: the witness answered HTTP 503']);
    expect(() => createWitnessAnchor('ftp://x')).toThrow(/not an http\(s\) URL/);
  });
});

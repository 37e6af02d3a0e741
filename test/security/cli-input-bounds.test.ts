// Every file the CLI reads is bounded while it is read: a device that never ends (/dev/zero), a FIFO fed for ever
// and a huge file all get a clear error and exit 2 instead of a process that reads until memory runs out.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { runHeed } from '../helpers/run-heed.ts';

let folder: string;
const path = (name: string) => join(folder, name);
const writers: ChildProcess[] = [];

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'heed-input-bounds-'));
  const alice = generateKeyPair();
  mkdirSync(path('keys'));
  writeFileSync(path('keys/alice.key.jwk'), JSON.stringify(alice.privateJwk), { mode: 0o600 });
  writeFileSync(
    path('charter.yaml'),
    `agent: agent-1\ntarget: if-ranked\nprincipals:\n  - { id: alice, key: ${alice.publicKeyText}, roles: [owner] }\n`,
  );
  mkdirSync(path('workspace'));
});

afterAll(() => {
  for (const writer of writers) writer.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

/** A FIFO with a writer that never stops. */
function endlessFifo(name: string): string {
  const fifo = path(name);
  const made = spawn('mkfifo', [fifo], { stdio: 'ignore' });
  return new Promise<string>((resolve, reject) => {
    made.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`mkfifo exited ${code}`));
      const writer = spawn('sh', ['-c', `exec yes heed > '${fifo}'`], { stdio: 'ignore' });
      writers.push(writer);
      resolve(fifo);
    });
  }) as unknown as string;
}

const heed = (...args: string[]) => runHeed(args, { cwd: folder, timeoutMs: 30_000 });

describe('the CLI reads every file with a bound', () => {
  const cases: Array<[string, (file: string) => string[], RegExp]> = [
    [
      'order verify ENVELOPE',
      (file) => ['order', 'verify', '--charter', 'charter.yaml', file],
      /envelope .* limit is 65536/,
    ],
    [
      'order sign --key',
      (file) => ['order', 'sign', '--key', file, '--principal', 'alice', '--agent', 'agent-1', '--kind', 'stop'],
      /key file .* limit is 65536/,
    ],
    ['order cosign ENVELOPE', (file) => ['order', 'cosign', file, '--key', 'keys/alice.key.jwk'], /envelope .* limit/],
    ['order send ENVELOPE', (file) => ['order', 'send', 'http://127.0.0.1:9', file], /envelope .* limit/],
    ['charter check', (file) => ['charter', 'check', file], /charter .* limit is 1048576/],
    [
      'run --task-envelope',
      (file) => [
        'run',
        '--charter',
        'charter.yaml',
        '--task-envelope',
        file,
        '--model',
        'fake:obedient',
        '--workspace',
        'workspace',
        '--state',
        'state',
      ],
      /task envelope .* limit/,
    ],
    [
      'run --charter',
      (file) => [
        'run',
        '--charter',
        file,
        '--task',
        'x',
        '--key',
        'keys/alice.key.jwk',
        '--model',
        'fake:obedient',
        '--workspace',
        'workspace',
      ],
      /charter .* limit/,
    ],
    ['audit verify --jsonl', (file) => ['audit', 'verify', '--jsonl', file], /line 1 is longer than/],
    ['screen --jsonl', (file) => ['screen', '--jsonl', file], /line 1 is longer than/],
  ];

  for (const [name, args, message] of cases) {
    it(`${name} stops reading /dev/zero at its limit (exit 2)`, async () => {
      const result = await heed(...args('/dev/zero'));
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
    });
  }

  it('stops reading a FIFO whose writer never stops', async () => {
    const fifo = await endlessFifo('endless.fifo');
    const result = await heed('order', 'verify', '--charter', 'charter.yaml', fifo);
    expect(result.stderr).toMatch(/more than 65536 bytes \(reading stopped there\)/);
    expect(result.code).toBe(2);
  });

  it('refuses a huge file from its size, before reading it', async () => {
    const huge = path('huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 8 * 1024 ** 3);
    const result = await heed('order', 'verify', '--charter', 'charter.yaml', huge);
    expect(result.stderr).toMatch(/is 8589934592 bytes; the limit is 65536 bytes/);
    expect(result.code).toBe(2);
    expect(statSync(huge).size).toBe(8 * 1024 ** 3);
  });
});

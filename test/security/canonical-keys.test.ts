// One public key, two spellings: a 43-character base64url key has two free bits, so its last character has four
// spellings. A charter listing one key twice under two names let one signer meet a 2-of-3 quorum.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/core/ed25519.ts';
import { runHeedInProcess } from '../authority/run-heed-in-process.ts';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Another spelling of the same 32 key bytes: the last character with one of its two unused bits set. */
function otherSpelling(keyText: string): string {
  const last = keyText.at(-1)!;
  return `${keyText.slice(0, -1)}${alphabet[alphabet.indexOf(last) + 1]}`;
}

let folder: string;
const path = (name: string) => join(folder, name);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'heed-canonical-keys-'));
  for (const name of ['mallory', 'bob', 'carol']) {
    const made = await runHeedInProcess(['keys', 'new', '--principal', name, '--out', path('keys'), '--json']);
    expect(made.code).toBe(0);
  }
});

describe('public keys have one spelling', () => {
  it('decodes two spellings to the same bytes (the premise of the attack)', () => {
    const key = generateKeyPair().publicKeyText;
    const other = otherSpelling(key);
    expect(other).not.toBe(key);
    expect(Buffer.from(other.slice(8), 'base64url')).toEqual(Buffer.from(key.slice(8), 'base64url'));
  });

  it('refuses a charter naming one key twice (in two spellings) so one signer cannot meet a 2-of-3 quorum', async () => {
    const mallory = (
      await runHeedInProcess(['keys', 'new', '--principal', 'mallory2', '--out', path('keys2'), '--json'])
    ).stdout;
    const key = JSON.parse(mallory).key as string;
    const bob = generateKeyPair().publicKeyText;
    writeFileSync(
      path('charter.yaml'),
      `agent: vault
target: if-ranked
principals:
  - { id: mallory, key: ${key}, roles: [owner] }
  - { id: mallory-twin, key: ${otherSpelling(key)}, roles: [owner] }
  - { id: bob, key: ${bob}, roles: [owner] }
authority:
  resume: { roles: [owner], quorum: 2 }
`,
    );
    const checked = await runHeedInProcess(['charter', 'check', path('charter.yaml')]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toMatch(/principals\[1\]\.key/);
    expect(checked.stderr).toMatch(/not in canonical form/);

    // The same attack with both spellings canonical is impossible; with the same text twice it is a duplicate.
    writeFileSync(
      path('charter-twice.yaml'),
      `agent: vault
target: if-ranked
principals:
  - { id: mallory, key: ${key}, roles: [owner] }
  - { id: mallory-twin, key: ${key}, roles: [owner] }
  - { id: bob, key: ${bob}, roles: [owner] }
`,
    );
    const twice = await runHeedInProcess(['charter', 'check', path('charter-twice.yaml')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/'mallory-twin' holds the same key as 'mallory'/);

    // The quorum order the attack needs is refused at verification too: the charter never loads.
    const signed = await runHeedInProcess([
      'order',
      'sign',
      '--key',
      path('keys2/mallory2.key.jwk'),
      '--principal',
      'mallory',
      '--agent',
      'vault',
      '--kind',
      'resume',
      '--out',
      path('resume.json'),
    ]);
    expect(signed.code).toBe(0);
    const cosigned = await runHeedInProcess([
      'order',
      'cosign',
      path('resume.json'),
      '--key',
      path('keys2/mallory2.key.jwk'),
      '--principal',
      'mallory-twin',
      '--in-place',
    ]);
    expect(cosigned.code).toBe(0);
    const verified = await runHeedInProcess([
      'order',
      'verify',
      '--charter',
      path('charter.yaml'),
      '--state',
      path('state.db'),
      path('resume.json'),
    ]);
    expect(verified.code).toBe(2);
    expect(verified.stdout).not.toMatch(/accepted/);
  });

  it('refuses a non-canonical key wherever one is read: a rotate order, a checkpoint pin', async () => {
    const key = generateKeyPair().publicKeyText;
    const rotate = await runHeedInProcess([
      'order',
      'sign',
      '--key',
      path('keys/bob.key.jwk'),
      '--agent',
      'vault',
      '--kind',
      'rotate',
      '--body',
      JSON.stringify({ principal: 'bob', key: otherSpelling(key) }),
    ]);
    expect(rotate.code).toBe(2);
    expect(rotate.stderr).toMatch(/body of a 'rotate' order[\s\S]*key: is not in canonical form/);
    const pinned = await runHeedInProcess(['audit', 'verify', '--db', path('none.db'), '--key', otherSpelling(key)]);
    expect(pinned.code).toBe(2);
    expect(pinned.stderr).toMatch(/--key/);
  });
});

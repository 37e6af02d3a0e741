import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../core/ed25519.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import { loadCharterText, parseCharter } from './load-charter.ts';

const alice = generateKeyPair().publicKeyText;
const bob = generateKeyPair().publicKeyText;

const smallest = `agent: demo-agent
target: if-ranked
principals:
  - id: alice
    key: ${alice}
    roles: [owner]
  - id: bob
    key: ${bob}
    roles: [operator]
`;

describe('charter', () => {
  it('accepts the smallest charter and fills in the documented defaults', () => {
    const charter = loadCharterText(smallest);
    expect(charter.conflict).toBe('ask');
    expect(charter.lease.ttl).toBeNull();
    expect(charter.authority.stop).toEqual({ roles: 'any', quorum: 1 });
    expect(charter.authority.task.roles).toEqual(['owner', 'operator']);
    expect(charter.authority.resume).toEqual({ roles: ['owner'], quorum: 'majority' });
    expect(charter.authority.charter.roles).toEqual(['owner']);
    expect(charter.authority.revoke.roles).toEqual(['owner']);
    expect(charter.policy.impact['control-plane']).toBe('deny');
  });

  it('names the field path of every error', () => {
    const bad = smallest
      .replace('roles: [operator]', 'roles: [operator]\n    colour: red')
      .replace(`key: ${bob}`, 'key: ed25519:short');
    expect(() => loadCharterText(bad)).toThrow(InvalidInputError);
    expect(() => loadCharterText(bad)).toThrow(/principals\[1\]\.key/);
    expect(() => loadCharterText(bad)).toThrow(/principals\[1\]\.colour: unknown field/);
  });

  it('rejects an unknown target with the list of known ones', () => {
    expect(() => loadCharterText(smallest.replace('if-ranked', 'if-lats'))).toThrow(
      /if-last.*if-next.*if-ranked.*cast.*mixed/s,
    );
  });

  it('reports malformed YAML with its line', () => {
    expect(() => loadCharterText('agent: [unclosed\ntarget: x')).toThrow(/line \d+/);
  });

  it('rejects an unsatisfiable quorum and dangling succession entries', () => {
    const base = loadCharterText(smallest);
    expect(() =>
      parseCharter({ ...structuredClone(base), authority: { resume: { roles: ['owner'], quorum: 2 } } }),
    ).toThrow(/authority\.resume\.quorum/);
    expect(() =>
      parseCharter({ ...structuredClone(base), succession: [{ successor: 'carol', for: 'alice', after: '7d' }] }),
    ).toThrow(/succession\[0\]\.successor/);
  });
});

describe('charter keys', () => {
  it('accepts only the canonical spelling of a key and names the one to write', () => {
    const canonical = alice;
    const last = canonical.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const other = `${canonical.slice(0, -1)}${alphabet[alphabet.indexOf(last) + 3]}`;
    const text = smallest.replace(`key: ${alice}`, `key: ${other}`);
    expect(() => loadCharterText(text)).toThrow(/principals\[0\]\.key: is not in canonical form/);
    expect(() => loadCharterText(text)).toThrow(canonical);
  });

  it('refuses two principals holding the same key bytes', () => {
    const text = smallest.replace(`key: ${bob}`, `key: ${alice}`);
    expect(() => loadCharterText(text)).toThrow(/principals\[1\]\.key: 'bob' holds the same key as 'alice'/);
  });
});

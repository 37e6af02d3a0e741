import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { runHeed } from '../helpers/run-heed.ts';
import { runHeedInProcess } from './run-heed-in-process.ts';

let folder: string;
const path = (name: string) => join(folder, name);
const heed = (...args: string[]) => runHeed(args, { cwd: folder });
// Most cases run the CLI in process (same code, no Node start-up); names ending in a file extension become absolute.
const inProcess = (...args: string[]) =>
  runHeedInProcess(
    args.map((arg, index) =>
      /^[\w./-]+\.(json|yaml|jwk|db)$/.test(arg) || ['--out', '--orders'].includes(args[index - 1] ?? '')
        ? path(arg)
        : arg,
    ),
  );

function seenIds(database: string): string[] {
  if (!existsSync(database)) return [];
  const connection = new DatabaseSync(database, { readOnly: true });
  try {
    return connection
      .prepare('SELECT id FROM authority_seen_orders ORDER BY id')
      .all()
      .map((row) => String(row.id));
  } finally {
    connection.close();
  }
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'heed-authority-cli-'));
  const keys: Record<string, string> = {};
  for (const name of ['alice', 'bob', 'dana']) {
    const made = await (name === 'alice' ? heed : inProcess)('keys', 'new', '--principal', name, '--out', 'keys');
    expect(made.code).toBe(0);
    keys[name] = made.stdout.trim();
  }
  writeFileSync(
    path('charter.yaml'),
    `agent: demo-agent
target: if-ranked
principals:
  - id: alice
    key: ${keys.alice}
    roles: [owner]
  - id: bob
    key: ${keys.bob}
    roles: [operator]
  - id: dana
    key: ${keys.dana}
    roles: [owner]
`,
  );
});

describe('the worked example', () => {
  it('makes keys, signs a stop, verifies it, and rejects its replay', async () => {
    expect(readFileSync(path('charter.yaml'), 'utf8')).toMatch(/key: ed25519:[A-Za-z0-9_-]{43}\n/);
    expect(statSync(path('keys/alice.key.jwk')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path('keys/alice.pub.jwk'), 'utf8'))).not.toHaveProperty('d');
    const signed = await heed(
      'order',
      'sign',
      '--key',
      'keys/bob.key.jwk',
      '--agent',
      'demo-agent',
      '--kind',
      'stop',
      '--body',
      '{"reason":"end of demo"}',
      '--out',
      'stop.json',
    );
    expect(signed.code).toBe(0);
    const first = await heed('order', 'verify', '--charter', 'charter.yaml', 'stop.json');
    expect(first).toMatchObject({ code: 0, stdout: 'accepted\n' });
    const replay = await heed('order', 'verify', '--charter', 'charter.yaml', 'stop.json');
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/^rejected: replayed/);
    const json = await inProcess(
      'order',
      'verify',
      '--state',
      '.heed/heed.db',
      '--json',
      '--charter',
      'charter.yaml',
      'stop.json',
    );
    const id = JSON.parse(readFileSync(path('stop.json'), 'utf8')).id;
    expect(JSON.parse(json.stdout)).toMatchObject({ id, accepted: false, reason: 'replayed' });
    expect(seenIds(path('.heed/heed.db'))).toEqual([id]);
  });

  it('refuses to overwrite a key unless forced', async () => {
    const again = await inProcess('keys', 'new', '--principal', 'alice', '--out', 'keys');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists.*--force/);
    const forced = await inProcess('keys', 'new', '--principal', 'spare', '--out', 'keys', '--force', '--json');
    expect(JSON.parse(forced.stdout)).toMatchObject({ principal: 'spare', key: expect.stringMatching(/^ed25519:/) });
  });
});

describe('quorum through cosign, and authority explain', () => {
  it('a resume needs both owners; cosign adds the second signature', async () => {
    await inProcess(
      'order',
      'sign',
      '--key',
      'keys/alice.key.jwk',
      '--agent',
      'demo-agent',
      '--kind',
      'resume',
      '--out',
      'resume.json',
    );
    const state = ['--state', 'quorum.db'];
    const alone = await inProcess('order', 'verify', ...state, '--charter', 'charter.yaml', 'resume.json');
    expect(alone.code).toBe(1);
    expect(alone.stdout).toMatch(/^rejected: under-quorum/);
    expect(seenIds(path('quorum.db'))).toEqual([]);
    const cosigned = await inProcess('order', 'cosign', '--key', 'keys/dana.key.jwk', '--in-place', 'resume.json');
    expect(cosigned.code).toBe(0);
    expect(JSON.parse(readFileSync(path('resume.json'), 'utf8')).sigs).toHaveLength(2);
    const both = await inProcess('order', 'verify', ...state, '--charter', 'charter.yaml', 'resume.json');
    expect(both).toMatchObject({ code: 0, stdout: 'accepted\n' });
  });

  it('replays a folder of orders and explains each decision and the final state', async () => {
    const sign = (key: string, kind: string, at: string, out: string, body = '{}') =>
      inProcess(
        'order',
        'sign',
        '--key',
        `keys/${key}.key.jwk`,
        '--agent',
        'demo-agent',
        '--kind',
        kind,
        '--body',
        body,
        '--at',
        at,
        '--out',
        `orders/${out}`,
      );
    mkdirSync(path('orders'));
    await sign('alice', 'task', '2026-01-01T10:00:00Z', 'a.json', '{"text":"tidy the docs"}');
    await sign('bob', 'task', '2026-01-01T10:05:00Z', 'b.json', '{"text":"ship the release"}');
    await sign('bob', 'stop', '2026-01-01T10:06:00Z', 'c.json');
    const explained = await inProcess('authority', 'explain', '--charter', 'charter.yaml', '--orders', 'orders');
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/a\.json: accepted → task/);
    expect(explained.stdout).toMatch(/b\.json: accepted → conflict/);
    expect(explained.stdout).toMatch(/stopped: +yes, by bob/);
    expect(explained.stdout).toMatch(/conflict: +2 tasks held/);
    const json = await inProcess(
      'authority',
      'explain',
      '--json',
      '--charter',
      'charter.yaml',
      '--orders',
      'orders',
      '--at',
      '2026-01-02T00:00:00Z',
    );
    const parsed = JSON.parse(json.stdout);
    expect(parsed.decisions.map((decision: { effect: { type: string } }) => decision.effect.type)).toEqual([
      'task',
      'conflict',
      'stop',
    ]);
    expect(parsed.state.stopped.principals).toEqual(['bob']);
    expect(parsed.lease).toEqual({ status: 'off' });
  });
});

describe('bad input: exit 2, a message naming what is wrong, the state store untouched', () => {
  const store = 'bad-input.db';
  const verify = (...files: string[]) =>
    inProcess('order', 'verify', '--state', store, '--charter', 'charter.yaml', ...files);

  it('rejects truncated, oversized, mistyped and unknown-field envelopes without writing anything', async () => {
    await inProcess(
      'order',
      'sign',
      '--key',
      'keys/bob.key.jwk',
      '--agent',
      'demo-agent',
      '--kind',
      'lease',
      '--out',
      'good.json',
    );
    const good = readFileSync(path('good.json'), 'utf8');
    writeFileSync(path('truncated.json'), good.slice(0, 120));
    writeFileSync(path('oversized.json'), `${good.slice(0, -2)}, "pad": "${'x'.repeat(70_000)}"}`);
    writeFileSync(path('mistyped.json'), good.replace('"v": 1', '"v": "1"'));
    writeFileSync(path('unknown.json'), good.replace('"v": 1', '"v": 1, "colour": "red"'));
    writeFileSync(path('badbody.json'), good.replace('"body": {}', '"body": {"until": 5}'));
    const cases: Array<[string, RegExp]> = [
      ['truncated.json', /truncated\.json is not valid JSON.*position 120|byte 120/],
      ['oversized.json', /oversized\.json is \d+ bytes; the limit is 65536/],
      ['mistyped.json', /mistyped\.json.*\n\s+v: /],
      ['unknown.json', /colour: unknown field/],
      ['badbody.json', /body\.until: unknown field/],
    ];
    for (const [file, message] of cases) {
      const result = await verify('good.json', file);
      expect(result.code, file).toBe(2);
      expect(result.stderr, file).toMatch(message);
      expect(result.stdout, file).toBe('');
    }
    expect(existsSync(path(store))).toBe(false);
    const afterwards = await verify('good.json');
    expect(afterwards).toMatchObject({ code: 0, stdout: 'accepted\n' });
  });

  it('exits 2 through the real command as well', async () => {
    const before = seenIds(path(store));
    const result = await heed(
      'order',
      'verify',
      '--state',
      store,
      '--charter',
      'charter.yaml',
      'good.json',
      'truncated.json',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^heed: envelope truncated\.json is not valid JSON/);
    expect(result.stdout).toBe('');
    expect(seenIds(path(store))).toEqual(before);
  });

  it('rejects a bad charter, a bad key file and bad options', async () => {
    writeFileSync(path('broken.yaml'), 'agent: [demo\ntarget: if-ranked\n');
    writeFileSync(path('extra.yaml'), `${readFileSync(path('charter.yaml'), 'utf8')}colour: red\n`);
    writeFileSync(path('bad.key.jwk'), '{"kty":"OKP","crv":"Ed25519","x":"abc"}');
    const before = seenIds(path(store));
    const sign = ['order', 'sign', '--agent', 'demo-agent'];
    const cases: Array<[string[], RegExp]> = [
      [['order', 'verify', '--state', store, '--charter', 'broken.yaml', 'good.json'], /broken\.yaml.*line \d+/],
      [['order', 'verify', '--state', store, '--charter', 'extra.yaml', 'good.json'], /colour: unknown field/],
      [['order', 'verify', '--state', store, '--charter', 'charter.yaml', 'missing.json'], /missing\.json: ENOENT/],
      [[...sign, '--key', 'bad.key.jwk', '--principal', 'bob', '--kind', 'stop'], /not a private Ed25519 JWK/],
      [[...sign, '--key', 'keys/bob.key.jwk', '--kind', 'halt'], /Unknown order kind 'halt'.*stop/],
      [[...sign, '--key', 'keys/bob.key.jwk', '--kind', 'task', '--body', '{"txt":"x"}'], /body.*txt: unknown field/s],
      [[...sign, '--key', 'keys/bob.key.jwk', '--kind', 'task', '--body', '{"text":'], /--body is not valid JSON/],
      [[...sign, '--key', 'keys/bob.key.jwk', '--kind', 'stop', '--ttl', 'soon'], /Invalid --ttl 'soon'/],
      [[...sign, '--key', 'keys/bob.key.jwk', '--kind', 'stop', '--at', 'yesterday'], /Invalid --at 'yesterday'/],
      [['order', 'verify', '--charter', 'charter.yaml'], /missing required argument/],
    ];
    for (const [args, message] of cases) {
      const result = await inProcess(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    expect(seenIds(path(store))).toEqual(before);
  });
});

describe('charter render and check', () => {
  it('renders the instructions a model gets and explains the defaults', async () => {
    const rendered = await inProcess('charter', 'render', 'charter.yaml');
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toMatch(/Rank 1: shut down when told/);
    expect(rendered.stdout).toMatch(/- alice: roles owner; rank 1/);
    const checked = await inProcess('charter', 'check', 'charter.yaml');
    expect(checked.stdout).toMatch(/# {3}\(default\) stop orders: any principal; 1 of 3 must sign/);
    expect(checked.stdout).toMatch(/conflict: ask/);
  });
});

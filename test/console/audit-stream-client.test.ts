// The console's live audit client, run in Node from the file the browser loads: its SSE parser against the format's
// rules whatever the chunking, and the client against a real heed serve — resuming after a cut connection from the
// last id it handled, stopping on a refused token, and stopping when told to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlaneServer, serveControlPlane } from '../../src/server/serve-server.ts';
import { loginToServer } from '../../src/server/server-client.ts';
import { principals, registerSignedAgent, shippedEntry } from '../server/fleet-fixture.ts';
import { loadClientModule } from './load-client-module.ts';

interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
}
interface StreamModule {
  ServerSentEventParser: new () => { push(text: string): ServerSentEvent[]; lastEventId: string | undefined };
  followAuditStream(options: {
    path: string;
    token: () => string | undefined;
    onEntry: (item: { agent: string; entry: { seq: number; type: string } }) => void;
    onLive?: (through: number) => void;
    onConnection?: (state: string, detail: string) => void;
    onUnauthorized?: () => void;
    minDelayMs?: number;
    fetch?: typeof fetch;
  }): { stop: () => void; done: Promise<void>; position: () => string | undefined };
}

const streamModule = await loadClientModule<StreamModule>('audit-stream.js');

describe('the console SSE parser', () => {
  const text =
    ': keep-alive\n\nid: 7\nevent: entry\ndata: {"a":1}\n\r\nevent: live\r\ndata: line one\r\ndata:line two\r\n\r\n' +
    'id: 9\n\ndata\n\nretry: 10\nevent: verification\ndata: {}\n\n';
  const expected: ServerSentEvent[] = [
    { event: 'entry', data: '{"a":1}', id: '7' },
    { event: 'live', data: 'line one\nline two', id: '7' },
    { event: 'message', data: '', id: '9' },
    { event: 'verification', data: '{}', id: '9' },
  ];

  it('reads events, comments, multi-line data, CRLF and ids as the format says', () => {
    const parser = new streamModule.ServerSentEventParser();
    expect(parser.push(text)).toEqual(expected);
    expect(parser.lastEventId).toBe('9');
    // An event is dispatched only at its blank line.
    expect(parser.push('event: entry\ndata: half')).toEqual([]);
    expect(parser.push('\n\n')).toEqual([{ event: 'entry', data: 'half', id: '9' }]);
  });

  it('reads the same events however the stream is cut into chunks', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
        const parser = new streamModule.ServerSentEventParser();
        const points = [0, ...cuts.sort((a, b) => a - b), text.length];
        const events = points.slice(1).flatMap((end, index) => parser.push(text.slice(points[index], end)));
        expect(events).toEqual(expected);
      }),
    );
  });
});

describe('the console live audit client against heed serve', () => {
  let server: ControlPlaneServer;
  let folder: string;
  let agentToken: string;
  let aliceToken: string;
  let nextSeq = 1;
  const ship = async (count: number) => {
    const events = Array.from({ length: count }, () => shippedEntry('agent-1', nextSeq++));
    const response = await fetch(`${server.url}/agents/agent-1/audit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentToken}` },
      body: JSON.stringify({ events }),
    });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'heed-console-stream-'));
    server = await serveControlPlane({ stateDir: folder, port: 0 });
    ({ token: agentToken } = await registerSignedAgent(server.url, {
      agent: 'agent-1',
      charterHash: 'b'.repeat(64),
      groups: [],
      principals: [{ id: 'alice', key: principals.alice.publicKeyText, roles: ['owner'] }],
      runId: 'run-1',
    }));
    aliceToken = await loginToServer(server.url, 'alice', principals.alice.privateKey);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('resumes after a cut connection from the last entry it handled: nothing lost, nothing twice', async () => {
    await ship(3);
    const seen: number[] = [];
    const requests: Array<string | null> = [];
    const states: string[] = [];
    let first: AbortController | undefined;
    let live!: () => void;
    const wentLive = new Promise<void>((resolve) => {
      live = resolve;
    });
    let reachedSix!: () => void;
    const sixSeen = new Promise<void>((resolve) => {
      reachedSix = resolve;
    });
    // The first connection can be cut from here, as a dropped network would cut it.
    const cuttable: typeof fetch = async (input, init) => {
      requests.push(new Headers(init?.headers).get('last-event-id'));
      const controller = new AbortController();
      if (first === undefined) first = controller;
      init?.signal?.addEventListener('abort', () => controller.abort());
      return fetch(input, { ...init, signal: controller.signal });
    };
    const stream = streamModule.followAuditStream({
      path: `${server.url}/audit/stream`,
      token: () => aliceToken,
      fetch: cuttable,
      minDelayMs: 20,
      onEntry: ({ agent, entry }) => {
        expect(agent).toBe('agent-1');
        seen.push(entry.seq);
        if (entry.seq === 6) reachedSix();
      },
      onLive: () => live(),
      onConnection: (state) => states.push(state),
    });
    await wentLive;
    expect(seen).toEqual([1, 2, 3]);
    const resumeAt = stream.position();
    expect(resumeAt).toMatch(/^\d+$/);
    first!.abort();
    await ship(3);
    await sixSeen;
    stream.stop();
    await stream.done;
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(requests.slice(0, 2)).toEqual([null, resumeAt]);
    expect(states[0]).toBe('open');
    expect(states).toContain('retrying');
    expect(states.at(-1)).toBe('stopped');
  });

  it('stops for good on a refused token, telling the page, and asks no more', async () => {
    let calls = 0;
    let unauthorized = 0;
    const counting: typeof fetch = (input, init) => {
      calls += 1;
      return fetch(input, init);
    };
    const stream = streamModule.followAuditStream({
      path: `${server.url}/audit/stream`,
      token: () => 'not-a-token',
      fetch: counting,
      minDelayMs: 1,
      onEntry: () => {},
      onUnauthorized: () => {
        unauthorized += 1;
      },
    });
    await stream.done;
    expect({ calls, unauthorized }).toEqual({ calls: 1, unauthorized: 1 });
  });

  it('backs off and tries again while the server cannot be reached, and a logged-out session ends it', async () => {
    let token: string | undefined = aliceToken;
    const attempts: number[] = [];
    const failing: typeof fetch = async () => {
      attempts.push(attempts.length);
      if (attempts.length === 3) token = undefined;
      throw new TypeError('fetch failed');
    };
    const states: Array<[string, string]> = [];
    const stream = streamModule.followAuditStream({
      path: `${server.url}/audit/stream`,
      token: () => token,
      fetch: failing,
      minDelayMs: 1,
      onEntry: () => {},
      onConnection: (state, detail) => states.push([state, detail]),
    });
    await stream.done;
    expect(attempts).toHaveLength(3);
    expect(states.filter(([state]) => state === 'retrying')).toHaveLength(3);
    expect(states.at(-1)).toEqual(['stopped', 'logged out']);
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { InvalidInputError } from '../../core/heed-error.ts';
import { getFakeBehaviour } from './behaviours/index.ts';
import type { FakeBehaviour } from './fake-behaviour.ts';
import type { FakeFault } from './fake-faults.ts';
import { createFakeModelApp, type FakeModelStats } from './fake-model-app.ts';

export interface FakeModelServerOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  behaviour: string | FakeBehaviour;
  latencyMs?: number;
  stallMs?: number;
  /** Scripted failures for the first requests (FakeFault), one each, in order. */
  faults?: readonly FakeFault[];
}

export interface FakeModelServer {
  /** The base URL to give a client, ending in `/v1`. */
  url: string;
  port: number;
  readonly stats: Readonly<FakeModelStats>;
  close(): Promise<void>;
}

/** Starts a local OpenAI- and Anthropic-compatible server whose answers come from a fake behaviour. */
export async function startFakeModelServer(options: FakeModelServerOptions): Promise<FakeModelServer> {
  const behaviour = typeof options.behaviour === 'string' ? getFakeBehaviour(options.behaviour) : options.behaviour;
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError(`Invalid port ${port}: expected an integer from 0 to 65535 (0 picks a free one).`);
  }
  for (const [name, value] of [
    ['latency', options.latencyMs],
    ['stall', options.stallMs],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new InvalidInputError(`Invalid ${name} ${value}: expected a non-negative number of milliseconds.`);
    }
  }
  const stats: FakeModelStats = { requests: 0, completed: 0, disconnected: 0, rejected: 0, faulted: 0 };
  const timing = {
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.stallMs !== undefined ? { stallMs: options.stallMs } : {}),
  };
  const app = createFakeModelApp({ behaviour, timing, ...(options.faults ? { faults: options.faults } : {}) }, stats);
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: host }) as Server;
    started.once('listening', () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new InvalidInputError(`Cannot listen on ${host}:${port}: ${error.code ?? error.message}`, { cause: error }),
      ),
    );
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    port: address.port,
    stats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { type Clock, systemClock } from '../core/clock.ts';
import { InvalidInputError } from '../core/heed-error.ts';
import { createConsoleApp, isConsolePath } from './console/console-routes.ts';
import { PrincipalAuth } from './principal-auth.ts';
import { createServerApp } from './server-app.ts';
import { type OpenServerStoreOptions, openServerStore } from './store/open-server-store.ts';
import type { ServerStore } from './store/server-store.ts';

export interface ServeOptions extends OpenServerStoreOptions {
  port?: number;
  host?: string;
  clock?: Clock;
  keepAliveMs?: number;
  /** Accept agents that register without a key, unauthenticated (see `ServerAppOptions.allowKeylessAgents`). */
  allowKeylessAgents?: boolean;
  /** Use this store (already open) instead of opening one; it is not closed with the server. */
  store?: ServerStore;
}

export interface ControlPlaneServer {
  url: string;
  port: number;
  store: ServerStore;
  close(): Promise<void>;
}

/** `heed serve`: opens (and migrates) the store, then serves the API. Port 0 picks a free port. */
export async function serveControlPlane(options: ServeOptions): Promise<ControlPlaneServer> {
  const port = options.port ?? 7400;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError(`Invalid port ${port}: expected an integer from 0 to 65535.`);
  }
  const host = options.host ?? '127.0.0.1';
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openServerStore(options));
  const clock = options.clock ?? systemClock;
  try {
    // Every replica sharing the store signs tokens with the same secret, so a token works on any of them.
    const secret = Buffer.from(
      await store.setting('token-secret', () => randomBytes(32).toString('base64url')),
      'base64url',
    );
    const app = createServerApp({
      store,
      auth: new PrincipalAuth({ challenges: store, secret, now: () => clock.now() }),
      clock,
      ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
      ...(options.allowKeylessAgents === undefined ? {} : { allowKeylessAgents: options.allowKeylessAgents }),
    });
    const consoleApp = createConsoleApp();
    // The web console beside the API: its pages are not API routes, so they stay out of the API's route table.
    const fetch = (request: Request) =>
      isConsolePath(new URL(request.url).pathname) ? consoleApp.fetch(request) : app.fetch(request);
    return await new Promise<ControlPlaneServer>((resolve, reject) => {
      const server = serve({ fetch, port, hostname: host }, (info) => {
        const shownHost = host.includes(':') ? `[${host}]` : host;
        resolve({
          url: `http://${shownHost}:${info.port}`,
          port: info.port,
          store,
          close: async () => {
            await new Promise<void>((done) => {
              server.close(() => done());
              (server as Server).closeAllConnections();
            });
            if (ownsStore) await store.close();
          },
        });
      });
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          new InvalidInputError(`Cannot serve on ${host}:${port}: ${error.code ?? error.message}`, { cause: error }),
        );
      });
    });
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
}

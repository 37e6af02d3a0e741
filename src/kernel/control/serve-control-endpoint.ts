import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { InvalidInputError } from '../../core/heed-error.ts';
import type { Kernel } from '../create-kernel.ts';
import { createControlApp } from './control-app.ts';
import { type ConnectionLimits, defaultConnectionLimits, limitConnections } from './limit-connections.ts';

export interface ControlEndpoint {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the control endpoint on loopback only; port 0 picks a free port. Connections are capped and timed out. */
export function serveControlEndpoint(
  kernel: Pick<Kernel, 'deliverRecorded' | 'status'>,
  port: number,
  limits: ConnectionLimits = defaultConnectionLimits,
): Promise<ControlEndpoint> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError(`Invalid control port ${port}: expected an integer from 0 to 65535.`);
  }
  const app = createControlApp(kernel);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    limitConnections(server as Server, limits);
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new InvalidInputError(`Cannot open the control endpoint on 127.0.0.1:${port}: ${error.code ?? error.message}`, {
          cause: error,
        }),
      );
    });
  });
}

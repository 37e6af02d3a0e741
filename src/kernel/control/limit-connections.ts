import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections at most; at the cap, a new one evicts the connection idle longest. */
  maxConnections: number;
  /** A request's headers must arrive within this many milliseconds (slow-header clients are cut off). */
  headersTimeoutMs: number;
  /** A whole request must arrive within this many milliseconds. */
  requestTimeoutMs: number;
  /** A connection with no request in progress is closed after this many milliseconds. */
  idleTimeoutMs: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  maxConnections: 256,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
};

/**
 * Keeps a flood of connections from shutting out a stop: connections that send nothing are closed after the idle
 * timeout, and at the cap the connection idle longest gives way to the new one, so a fresh connection carrying a
 * valid order always gets in. Only when every connection has a request in progress is the newcomer refused.
 */
export function limitConnections(server: Server, limits: ConnectionLimits = defaultConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.idleTimeoutMs;
  // Connections in order of their last activity, oldest first (a Map keeps insertion order).
  const idle = new Map<Socket, true>();
  const busy = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (idle.size + busy.size >= limits.maxConnections) {
      const oldest = idle.keys().next();
      if (oldest.done) {
        socket.destroy();
        return;
      }
      idle.delete(oldest.value);
      oldest.value.destroy();
    }
    idle.set(socket, true);
    socket.setTimeout(limits.idleTimeoutMs, () => {
      if (idle.has(socket)) socket.destroy();
    });
    socket.once('close', () => {
      idle.delete(socket);
      busy.delete(socket);
    });
  });
  server.on('request', (request, response) => {
    const socket = request.socket;
    idle.delete(socket);
    busy.add(socket);
    response.once('close', () => {
      if (!busy.delete(socket) || socket.destroyed) return;
      idle.set(socket, true);
    });
  });
}

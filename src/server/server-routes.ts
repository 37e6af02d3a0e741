import type { MiddlewareHandler } from 'hono';
import type { Envelope } from '../authority/envelope.ts';
import type { Clock } from '../core/clock.ts';
import type { Session } from './principal-auth.ts';
import type { RequestLog } from './request-log.ts';
import type { AgentRecord, OrderRecord, ServerStore } from './store/server-store.ts';

/** What every group of routes shares with the app that registers it: one place for login, submission and records. */
export interface ServerRoutes {
  store: ServerStore;
  log: RequestLog;
  clock: Clock;
  nowText(): string;
  /** The session of a bearer token; refuses (401) without a valid one. */
  session(authorization: string | undefined): Session;
  /** The agent, if the session holds a role on it; otherwise refused as absent (404). */
  visibleAgent(id: string, who: Session): Promise<AgentRecord>;
  /** Stores a parsed envelope as an order and records it: the one path every order takes to the agents. */
  submit(envelope: Envelope, text: string, authorization: string | undefined): Promise<OrderRecord>;
  jsonLimit: MiddlewareHandler;
  envelopeLimit: MiddlewareHandler;
}

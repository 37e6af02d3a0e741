import type { MiddlewareHandler } from 'hono';
import type { Envelope } from '../authority/envelope.ts';
import type { Clock } from '../core/clock.ts';
import type { AgentSession, PrincipalAuth, Session } from './principal-auth.ts';
import type { RequestLog } from './request-log.ts';
import type { AgentRecord, OrderRecord, ServerStore } from './store/server-store.ts';

/** What the server's route files share: the store, the logins, the request log and the checks every route makes. */
export interface RouteContext {
  store: ServerStore;
  auth: PrincipalAuth;
  clock: Clock;
  log: RequestLog;
  keepAliveMs: number;
  /** Registrations without a key (and so without a signature) are accepted only when the server was told to. */
  allowKeylessAgents: boolean;
  jsonLimit: MiddlewareHandler;
  envelopeLimit: MiddlewareHandler;
  nowText: () => string;
  /** The principal a bearer token stands for; 401 otherwise. */
  session: (authorization: string | undefined) => Session;
  /** An agent the principal has a role on; 404 otherwise (its existence is not theirs to know). */
  visibleAgent: (id: string, who: Session) => Promise<AgentRecord>;
  /** The registered agent `id` when the bearer token is that agent's, for the key now pinned; 401, 403 or 404. */
  agentCaller: (
    id: string,
    authorization: string | undefined,
  ) => Promise<{ agent: AgentRecord; session: AgentSession }>;
  /** Stores a parsed envelope as an order and records it: the one path every order takes to the agents. */
  submit: (envelope: Envelope, text: string, authorization: string | undefined) => Promise<OrderRecord>;
  openStreams: Map<string, number>;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
}

import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { AgentSession, PrincipalAuth, Session } from './principal-auth.ts';
import type { RequestLog } from './request-log.ts';
import type { AgentRecord, ServerStore } from './store/server-store.ts';

/** A refusal the API answers with its status and message (and records, bounded). */
export class RequestError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413;
  constructor(status: 400 | 401 | 403 | 404 | 409 | 413, message: string) {
    super(message);
    this.status = status;
  }
}

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
  nowText: () => string;
  parseBody: <T>(text: string, schema: z.ZodType<T>, what: string) => Promise<T>;
  /** The principal a bearer token stands for; 401 otherwise. */
  session: (authorization: string | undefined) => Session;
  /** An agent the principal has a role on; 404 otherwise (its existence is not theirs to know). */
  visibleAgent: (id: string, who: Session) => Promise<AgentRecord>;
  /** The registered agent `id` when the bearer token is that agent's, for the key now pinned; 401, 403 or 404. */
  agentCaller: (
    id: string,
    authorization: string | undefined,
  ) => Promise<{ agent: AgentRecord; session: AgentSession }>;
  openStreams: Map<string, number>;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
}

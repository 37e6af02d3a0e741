// `heed/server`: the control plane (`heed serve`) as a library: serve it, or mount its Hono app yourself, and the
// client calls principals use to log in and submit signed orders. Agents join with `createAgent({ server })`.

export { createConsoleApp, isConsolePath } from './console/console-routes.ts';
export { PrincipalAuth } from './principal-auth.ts';
export { type ControlPlaneServer, type ServeOptions, serveControlPlane } from './serve-server.ts';
export { createServerApp, type ServerAppOptions } from './server-app.ts';
export {
  callServer,
  loginToServer,
  ServerRefusedError,
  type SubmittedOrder,
  serverBaseUrl,
  submitEnvelope,
} from './server-client.ts';
export { type OpenServerStoreOptions, openServerStore } from './store/open-server-store.ts';
export { verifyServerAudit } from './store/server-audit-chain.ts';
export type { AgentRecord, OrderRecord, ServerAuditEntry, ServerStore } from './store/server-store.ts';

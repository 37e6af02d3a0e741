import type { Hono } from 'hono';
import { z } from 'zod';
import { envelopeSchema, envelopeSignatureSchema } from '../authority/envelope.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { agentRegistrationSchema, auditBatchSchema, shippedAuditEntrySchema } from '../kernel/fleet/fleet-protocol.ts';
import {
  challengeAnswerSchema,
  challengeRequestSchema,
  errorAnswerSchema,
  listedAgentSchema,
  pendingCheckSchema,
  pendingOrderSchema,
  submittedOrderSchema,
  tokenAnswerSchema,
  tokenRequestSchema,
} from './api-schemas.ts';

/** One route of the API as documented: adding a route to the server means adding its entry here (a test checks). */
export interface ApiRoute {
  method: 'get' | 'post' | 'delete';
  /** As Hono spells it: `/agents/:id/orders`. */
  path: string;
  summary: string;
  /** Who may call: anyone, or a principal's bearer token (POST /auth/token). */
  auth: 'none' | 'token';
  body?: z.ZodType;
  query?: Record<string, string>;
  /** The success answer: status and schema (none for a stream). */
  answer: { status: number; schema?: z.ZodType; description?: string };
}

const pending = z.object({ pending: pendingOrderSchema });
const checks = z.object({ checks: z.array(pendingCheckSchema) });

export const apiRoutes: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/auth/challenge',
    summary: 'a one-time challenge (60 s) for a principal to sign',
    auth: 'none',
    body: challengeRequestSchema,
    answer: { status: 200, schema: challengeAnswerSchema },
  },
  {
    method: 'post',
    path: '/auth/token',
    summary: 'a short-lived token for a principal whose key (as a registered charter lists it) signed the challenge',
    auth: 'none',
    body: tokenRequestSchema,
    answer: { status: 200, schema: tokenAnswerSchema },
  },
  {
    method: 'post',
    path: '/agents',
    summary: 'an agent joins: public facts of its charter',
    auth: 'none',
    body: agentRegistrationSchema,
    answer: { status: 201, schema: z.object({ agent: z.string(), orders: z.string() }) },
  },
  {
    method: 'get',
    path: '/agents',
    summary: 'the agents whose charters list you, with live status and your roles',
    auth: 'token',
    answer: { status: 200, schema: z.object({ agents: z.array(listedAgentSchema) }) },
  },
  {
    method: 'get',
    path: '/agents/:id/orders/stream',
    summary: "an agent's orders as server-sent events (`order`: id the sequence, data the envelope)",
    auth: 'none',
    query: { after: 'resume after this sequence number (or the Last-Event-ID header)' },
    answer: { status: 200, description: 'text/event-stream' },
  },
  {
    method: 'post',
    path: '/agents/:id/orders',
    summary: 'submit a signed envelope for one agent; the agent verifies it',
    auth: 'none',
    body: envelopeSchema,
    answer: { status: 202, schema: submittedOrderSchema },
  },
  {
    method: 'post',
    path: '/groups/:group/orders',
    summary: 'submit a fleet order (stop, resume or lease) addressed to group:<group>',
    auth: 'none',
    body: envelopeSchema,
    answer: { status: 202, schema: submittedOrderSchema },
  },
  {
    method: 'post',
    path: '/agents/:id/audit',
    summary: 'an agent ships a batch of its own audit entries',
    auth: 'none',
    body: auditBatchSchema,
    answer: { status: 200, schema: z.object({ added: z.int() }) },
  },
  {
    method: 'get',
    path: '/agents/:id/audit',
    summary: "an agent's shipped audit entries with the server's verification of them",
    auth: 'token',
    query: { after: 'entries after this sequence number', limit: 'at most this many (default 1000, at most 10000)' },
    answer: {
      status: 200,
      schema: z.object({
        agent: z.string(),
        events: z.array(shippedAuditEntrySchema),
        verification: z.object({ status: z.enum(['verified', 'gap', 'broken', 'empty']) }).loose(),
      }),
    },
  },
  {
    method: 'get',
    path: '/audit',
    summary: "the server's own audit chain (a role other than observer)",
    auth: 'token',
    query: { after: 'entries after this sequence number' },
    answer: {
      status: 200,
      schema: z.object({
        entries: z.array(
          z.object({
            seq: z.int(),
            at: z.string(),
            actor: z.string(),
            action: z.string(),
            data: z.record(z.string(), z.unknown()),
            prev: z.string(),
            hash: z.string(),
          }),
        ),
      }),
    },
  },
  {
    method: 'post',
    path: '/pending-orders',
    summary: 'propose an envelope signed by at least one principal, to gather co-signatures toward its quorum',
    auth: 'token',
    body: envelopeSchema,
    answer: { status: 201, schema: pending },
  },
  {
    method: 'get',
    path: '/pending-orders',
    summary: 'the pending orders whose target you hold a role on (newest 500)',
    auth: 'token',
    answer: { status: 200, schema: z.object({ pending: z.array(pendingOrderSchema) }) },
  },
  {
    method: 'get',
    path: '/pending-orders/:id',
    summary: 'one pending order',
    auth: 'token',
    answer: { status: 200, schema: pending },
  },
  {
    method: 'post',
    path: '/pending-orders/:id/signatures',
    summary: 'add your signature; when the registered rule is met the order is submitted',
    auth: 'token',
    body: envelopeSignatureSchema,
    answer: {
      status: 200,
      schema: pending.extend({ submitted: z.object({ seq: z.int() }).optional() }),
    },
  },
  {
    method: 'post',
    path: '/pending-orders/:id/submit',
    summary: 'submit it now, quorum or not (the agent decides)',
    auth: 'token',
    answer: { status: 202, schema: submittedOrderSchema.extend({ pending: pendingOrderSchema }) },
  },
  {
    method: 'delete',
    path: '/pending-orders/:id',
    summary: 'withdraw it (its proposer or an owner)',
    auth: 'token',
    answer: { status: 200, schema: pending },
  },
  {
    method: 'get',
    path: '/checks',
    summary: 'the checks your agents await: approve or deny each with a signed order naming its action',
    auth: 'token',
    answer: { status: 200, schema: checks },
  },
  {
    method: 'get',
    path: '/agents/:id/checks',
    summary: 'the checks one agent awaits',
    auth: 'token',
    answer: { status: 200, schema: checks },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'this document',
    auth: 'none',
    answer: { status: 200, description: 'OpenAPI 3.1' },
  },
];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...converted } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return converted;
}

/** Shapes named once under `components.schemas`; every identical copy in a route is replaced by a `$ref` to it. */
const namedSchemas: Array<{ name: string; schema: z.ZodType; io: 'input' | 'output' }> = [
  { name: 'Envelope', schema: envelopeSchema, io: 'input' },
  { name: 'EnvelopeSignature', schema: envelopeSignatureSchema, io: 'input' },
  { name: 'AgentRegistration', schema: agentRegistrationSchema, io: 'input' },
  { name: 'PendingOrder', schema: pendingOrderSchema, io: 'output' },
  { name: 'PendingCheck', schema: pendingCheckSchema, io: 'output' },
  { name: 'Error', schema: errorAnswerSchema, io: 'output' },
];

/** `value` with each subtree equal to a named schema replaced by a reference to it. */
function withReferences(value: unknown, named: ReadonlyMap<string, string>, root = true): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const name = root ? undefined : named.get(canonicalJson(value));
  if (name !== undefined) return { $ref: `#/components/schemas/${name}` };
  if (Array.isArray(value)) return value.map((item) => withReferences(item, named, false));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withReferences(item, named, false)]));
}

/** The OpenAPI 3.1 document of `routes`, generated from the schemas the routes parse with. */
export function openApiDocument(routes: readonly ApiRoute[] = apiRoutes): Record<string, unknown> {
  const components = Object.fromEntries(namedSchemas.map(({ name, schema, io }) => [name, jsonSchema(schema, io)]));
  const named = new Map(Object.entries(components).map(([name, converted]) => [canonicalJson(converted), name]));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters = [
      ...[...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => ({
        name: match[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...Object.entries(route.query ?? {}).map(([name, description]) => ({
        name,
        in: 'query',
        required: false,
        description,
        schema: { type: 'string' },
      })),
    ];
    const answer = route.answer;
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      ...(route.auth === 'token' ? { security: [{ principalToken: [] }] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }),
      responses: {
        [String(answer.status)]: {
          description: answer.description ?? route.summary,
          ...(answer.schema === undefined
            ? {}
            : { content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } } }),
        },
        default: {
          description: 'refused: 400 bad body (the field named), 401, 403, 404, 409, 413',
          content: { 'application/json': { schema: jsonSchema(errorAnswerSchema, 'output') } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'heed control plane',
      version: '1',
      description:
        'heed serve: agents join, principals log in by signing a challenge, and signed orders are routed to agents that verify them. See docs/server.md.',
    },
    components: {
      schemas: components,
      securitySchemes: {
        principalToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'POST /auth/challenge, sign it, POST /auth/token',
        },
      },
    },
    paths: withReferences(paths, named),
  };
}

/** Serves `GET /openapi.json`. */
export function registerOpenApiRoute(app: Hono): void {
  let document: Record<string, unknown> | undefined;
  app.get('/openapi.json', (context) => {
    document ??= openApiDocument();
    return context.json(document);
  });
}

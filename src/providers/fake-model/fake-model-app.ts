import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpBindings } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { canonicalHash } from '../../core/hash.ts';
import { describeIssues } from '../../core/parse-with-schema.ts';
import { fromMessagesRequest, messagesRequestSchema } from '../anthropic/anthropic-messages-wire.ts';
import { chatCompletionRequestSchema, fromWireRequest } from '../openai/chat-completions-wire.ts';
import type { ChatMessage, ToolSpec } from '../provider.ts';
import { fakeBehaviours } from './behaviours/index.ts';
import { toCompletionBody, toCompletionChunks, type WireAnswer } from './completion-wire-response.ts';
import type { FakeBehaviour, FakeTiming } from './fake-behaviour.ts';
import { type FakeFault, retryAfterHeaders } from './fake-faults.ts';
import { toMessageBody, toMessageEvents } from './messages-wire-response.ts';

export interface FakeModelAppOptions {
  /** Answers requests whose `model` is not itself a behaviour name. */
  behaviour: FakeBehaviour;
  /** Overrides the behaviour's own timing. */
  timing?: Partial<FakeTiming>;
  /** Scripted failures for the first requests, one each, in order. */
  faults?: readonly FakeFault[];
}

/** What the server has seen, for tests and for the person running it. */
export interface FakeModelStats {
  requests: number;
  completed: number;
  /** Requests whose client went away before the answer was complete. */
  disconnected: number;
  rejected: number;
  /** Requests answered with a scripted fault. */
  faulted: number;
}

type FakeContext = Context<{ Bindings: HttpBindings }>;

/** One of the two wire protocols the server speaks. */
interface Protocol {
  name: string;
  idPrefix: string;
  errorBody(message: string, type: string): unknown;
}

const openAi: Protocol = {
  name: 'chat completion',
  idPrefix: 'chatcmpl-',
  errorBody: (message, type) => ({ error: { message, type, param: null, code: null } }),
};

const anthropic: Protocol = {
  name: 'Messages API',
  idPrefix: 'msg_',
  errorBody: (message, type) => ({ type: 'error', error: { type, message } }),
};

const streamOptionsSchema = z.object({ stream_options: z.object({ include_usage: z.boolean().optional() }).nullish() });

/**
 * OpenAI's chat completions (`POST /v1/chat/completions`, `GET /v1/models`) and Anthropic's Messages API
 * (`POST /v1/messages`), both answered by a fake behaviour.
 */
export function createFakeModelApp(
  options: FakeModelAppOptions,
  stats: FakeModelStats,
): Hono<{ Bindings: HttpBindings }> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  const faults = [...(options.faults ?? [])];

  /** Reads and checks the request; answers with a scripted fault or a 400 instead when there is one. */
  async function admit<Schema extends z.ZodType>(
    context: FakeContext,
    protocol: Protocol,
    schema: Schema,
  ): Promise<{ request: z.output<Schema>; body: unknown } | Response> {
    stats.requests++;
    const fault = faults.shift();
    if (fault !== undefined) {
      stats.faulted++;
      if (fault.kind === 'reset') {
        context.env.incoming.socket.destroy();
        return new Response(null, { status: 499 });
      }
      const type = fault.status === 429 ? 'rate_limit_error' : fault.status === 529 ? 'overloaded_error' : 'api_error';
      return context.json(protocol.errorBody(`scripted fault: HTTP ${fault.status}`, type), fault.status as 500, {
        ...retryAfterHeaders(fault.retryAfterMs),
      });
    }
    let body: unknown;
    try {
      body = await context.req.json();
    } catch {
      stats.rejected++;
      return context.json(protocol.errorBody('The request body is not valid JSON.', 'invalid_request_error'), 400);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      stats.rejected++;
      const message = `Invalid ${protocol.name} request: ${describeIssues(parsed.error).join('; ')}`;
      return context.json(protocol.errorBody(message, 'invalid_request_error'), 400);
    }
    return { request: parsed.data, body };
  }

  /** The behaviour's answer, after the configured latency; undefined when the client left meanwhile. */
  async function plan(
    context: FakeContext,
    protocol: Protocol,
    model: string,
    conversation: { messages: ChatMessage[]; tools: ToolSpec[] },
  ): Promise<{ answer: WireAnswer; stallMs: number } | undefined> {
    const behaviour = fakeBehaviours.find((candidate) => candidate.name === model) ?? options.behaviour;
    const { messages, tools } = conversation;
    const plan = behaviour.respond(messages, tools);
    const requestHash = canonicalHash({ behaviour: behaviour.name, messages, tools });
    const answer: WireAnswer = {
      id: `${protocol.idPrefix}${requestHash.slice(0, 24)}`,
      model,
      created: Math.floor(Date.now() / 1000),
      plan,
      toolCallIds: plan.toolCalls.map((_call, index) => `call_${requestHash.slice(0, 16)}_${index}`),
      promptTokens: Math.ceil(messages.reduce((sum, message) => sum + message.content.length, 0) / 4),
    };
    const latencyMs = options.timing?.latencyMs ?? behaviour.timing.latencyMs;
    const stallMs = options.timing?.stallMs ?? behaviour.timing.stallMs;
    try {
      if (latencyMs > 0) await sleep(latencyMs, undefined, { signal: context.req.raw.signal });
    } catch {
      stats.disconnected++;
      return undefined;
    }
    return { answer, stallMs };
  }

  /** A whole JSON answer, after the stall. */
  async function whole(context: FakeContext, body: unknown, stallMs: number): Promise<Response> {
    try {
      if (stallMs > 0) await sleep(stallMs, undefined, { signal: context.req.raw.signal });
    } catch {
      stats.disconnected++;
      return new Response(null, { status: 499 });
    }
    stats.completed++;
    return context.json(body);
  }

  /** Server-sent events, with the stall halfway through; a client that leaves ends them. */
  function streamed(context: FakeContext, events: { event?: string; data: string }[], stallMs: number): Response {
    const signal = context.req.raw.signal;
    return streamSSE(context, async (stream) => {
      let counted = false;
      stream.onAbort(() => {
        if (!counted) stats.disconnected++;
        counted = true;
      });
      const middle = Math.floor(events.length / 2);
      for (const [index, event] of events.entries()) {
        if (index === middle && stallMs > 0) await sleep(stallMs, undefined, { signal }).catch(() => undefined);
        if (stream.aborted || signal.aborted) return;
        await stream.writeSSE(event);
      }
      counted = true;
      stats.completed++;
    });
  }

  app.get('/v1/models', (context) =>
    context.json({
      object: 'list',
      data: fakeBehaviours.map((behaviour) => ({ id: behaviour.name, object: 'model', created: 0, owned_by: 'heed' })),
    }),
  );

  app.post('/v1/chat/completions', async (context) => {
    const admitted = await admit(context, openAi, chatCompletionRequestSchema);
    if (admitted instanceof Response) return admitted;
    const { request, body } = admitted;
    const planned = await plan(context, openAi, request.model, fromWireRequest(request));
    if (planned === undefined) return new Response(null, { status: 499 });
    if (!request.stream) return whole(context, toCompletionBody(planned.answer), planned.stallMs);
    const includeUsage = streamOptionsSchema.safeParse(body).data?.stream_options?.include_usage === true;
    const chunks = toCompletionChunks(planned.answer, includeUsage).map((data) => ({ data }));
    return streamed(context, chunks, planned.stallMs);
  });

  app.post('/v1/messages', async (context) => {
    const admitted = await admit(context, anthropic, messagesRequestSchema);
    if (admitted instanceof Response) return admitted;
    const { request } = admitted;
    const planned = await plan(context, anthropic, request.model, fromMessagesRequest(request));
    if (planned === undefined) return new Response(null, { status: 499 });
    if (!request.stream) return whole(context, toMessageBody(planned.answer), planned.stallMs);
    return streamed(context, toMessageEvents(planned.answer), planned.stallMs);
  });

  app.notFound((context) =>
    context.json(
      openAi.errorBody(
        `No route ${context.req.method} ${context.req.path}; this server offers POST /v1/chat/completions, POST /v1/messages and GET /v1/models.`,
        'invalid_request_error',
      ),
      404,
    ),
  );
  app.onError((error, context) => context.json(openAi.errorBody(error.message, 'server_error'), 500));
  return app;
}

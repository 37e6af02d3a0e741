import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { canonicalHash } from '../../core/hash.ts';
import { describeIssues } from '../../core/parse-with-schema.ts';
import { chatCompletionRequestSchema, fromWireRequest } from '../openai/chat-completions-wire.ts';
import { fakeBehaviours } from './behaviours/index.ts';
import { toCompletionBody, toCompletionChunks, type WireAnswer } from './completion-wire-response.ts';
import type { FakeBehaviour, FakeTiming } from './fake-behaviour.ts';

export interface FakeModelAppOptions {
  /** Answers requests whose `model` is not itself a behaviour name. */
  behaviour: FakeBehaviour;
  /** Overrides the behaviour's own timing. */
  timing?: Partial<FakeTiming>;
}

/** What the server has seen, for tests and for the person running it. */
export interface FakeModelStats {
  requests: number;
  completed: number;
  /** Requests whose client went away before the answer was complete. */
  disconnected: number;
  rejected: number;
}

const streamOptionsSchema = z.object({ stream_options: z.object({ include_usage: z.boolean().optional() }).nullish() });

function openAiError(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

/** OpenAI's chat-completions API answered by a fake behaviour: `POST /v1/chat/completions`, `GET /v1/models`. */
export function createFakeModelApp(options: FakeModelAppOptions, stats: FakeModelStats): Hono {
  const app = new Hono();

  app.get('/v1/models', (context) =>
    context.json({
      object: 'list',
      data: fakeBehaviours.map((behaviour) => ({ id: behaviour.name, object: 'model', created: 0, owned_by: 'heed' })),
    }),
  );

  app.post('/v1/chat/completions', async (context) => {
    stats.requests++;
    let body: unknown;
    try {
      body = await context.req.json();
    } catch {
      stats.rejected++;
      return context.json(openAiError('The request body is not valid JSON.', 'invalid_request_error'), 400);
    }
    const parsed = chatCompletionRequestSchema.safeParse(body);
    if (!parsed.success) {
      stats.rejected++;
      const message = `Invalid chat completion request: ${describeIssues(parsed.error).join('; ')}`;
      return context.json(openAiError(message, 'invalid_request_error'), 400);
    }
    const request = parsed.data;
    const behaviour = fakeBehaviours.find((candidate) => candidate.name === request.model) ?? options.behaviour;
    const { messages, tools } = fromWireRequest(request);
    const plan = behaviour.respond(messages, tools);
    const requestHash = canonicalHash({ behaviour: behaviour.name, messages, tools });
    const answer: WireAnswer = {
      id: `chatcmpl-${requestHash.slice(0, 24)}`,
      model: request.model,
      created: Math.floor(Date.now() / 1000),
      plan,
      toolCallIds: plan.toolCalls.map((_call, index) => `call_${requestHash.slice(0, 16)}_${index}`),
      promptTokens: Math.ceil(messages.reduce((sum, message) => sum + message.content.length, 0) / 4),
    };
    const latencyMs = options.timing?.latencyMs ?? behaviour.timing.latencyMs;
    const stallMs = options.timing?.stallMs ?? behaviour.timing.stallMs;
    const signal = context.req.raw.signal;
    const disconnected = () => {
      stats.disconnected++;
      return new Response(null, { status: 499 });
    };
    try {
      if (latencyMs > 0) await sleep(latencyMs, undefined, { signal });
      if (!request.stream) {
        if (stallMs > 0) await sleep(stallMs, undefined, { signal });
        stats.completed++;
        return context.json(toCompletionBody(answer));
      }
    } catch {
      return disconnected();
    }
    const includeUsage = streamOptionsSchema.safeParse(body).data?.stream_options?.include_usage === true;
    const chunks = toCompletionChunks(answer, includeUsage);
    return streamSSE(context, async (stream) => {
      let counted = false;
      stream.onAbort(() => {
        if (!counted) stats.disconnected++;
        counted = true;
      });
      const middle = Math.floor(chunks.length / 2);
      for (const [index, data] of chunks.entries()) {
        if (index === middle && stallMs > 0) await sleep(stallMs, undefined, { signal }).catch(() => undefined);
        if (stream.aborted || signal.aborted) return;
        await stream.writeSSE({ data });
      }
      counted = true;
      stats.completed++;
    });
  });

  app.notFound((context) =>
    context.json(
      openAiError(
        `No route ${context.req.method} ${context.req.path}; this server offers POST /v1/chat/completions and GET /v1/models.`,
        'invalid_request_error',
        'not_found',
      ),
      404,
    ),
  );
  app.onError((error, context) => context.json(openAiError(error.message, 'server_error'), 500));
  return app;
}

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { maxEnvelopeBytes } from '../../authority/envelope.ts';
import type { Kernel } from '../create-kernel.ts';

/** The HTTP status a rejected order gets: the client can tell a bad request from a refused or replayed one. */
export function statusForRejection(reason: string): ContentfulStatusCode {
  switch (reason) {
    case 'oversized':
      return 413;
    case 'malformed':
      return 400;
    case 'replayed':
      return 409;
    case 'audit-unavailable':
      return 503;
    case 'error':
      return 500;
    default:
      return 403;
  }
}

/**
 * The agent's control endpoint: `POST /orders` takes one envelope (JSON, size-capped) and answers the
 * verification result; `GET /status` reports the run. Every order goes through `kernel.deliver`, so a bad
 * envelope is recorded as rejected and changes nothing.
 */
export function createControlApp(kernel: Pick<Kernel, 'deliverRecorded' | 'status'>): Hono {
  const app = new Hono();
  app.post(
    '/orders',
    bodyLimit({
      maxSize: maxEnvelopeBytes,
      onError: (context) =>
        context.json(
          { accepted: false, reason: 'oversized', detail: `an envelope may be at most ${maxEnvelopeBytes} bytes` },
          413,
        ),
    }),
    async (context) => {
      const text = await context.req.text();
      const delivery = await kernel.deliverRecorded(text);
      return delivery.accepted
        ? context.json(delivery, 200)
        : context.json(delivery, statusForRejection(delivery.reason));
    },
  );
  app.get('/status', (context) => context.json(kernel.status()));
  app.notFound((context) =>
    context.json({ error: `no route ${context.req.method} ${context.req.path}; try POST /orders or GET /status` }, 404),
  );
  app.onError((error, context) => context.json({ error: error.message }, 500));
  return app;
}

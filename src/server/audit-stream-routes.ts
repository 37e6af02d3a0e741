import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { type AnchorVerification, describeAnchor } from './describe-anchor.ts';
import { rolesOn, type Session } from './principal-auth.ts';
import { RequestError } from './request-error.ts';
import type { RouteContext } from './route-context.ts';
import type { AgentRecord, FeedEntry } from './store/server-store.ts';
import { type ShippedChainVerifier, type ShippedVerification, verifyAgentChain } from './verify-shipped-events.ts';

/** The SSE event of one shipped entry: id the feed position, data `{agent, entry}`. */
export const auditEntryStreamEvent = 'entry';
/** The SSE event of an agent's chain status, sent when an agent first appears on the stream and when it changes. */
export const auditVerificationStreamEvent = 'verification';
/** Sent once, when the stream has sent every entry the server held as it opened: data `{through}` (a feed position). */
export const auditLiveStreamEvent = 'live';

const pageSize = 500;

/**
 * Live audit: every shipped entry the principal may see, as it reaches the server on any replica (the store's feed
 * announces it), resumable with `Last-Event-ID` (the feed position). A stream ends when its token expires; the
 * client logs in again and resumes.
 */
export function registerAuditStreamRoutes(app: Hono, context: RouteContext): void {
  app.get('/agents/:id/audit/stream', async (http) => {
    const who = context.session(http.req.header('authorization'));
    const agent = await context.visibleAgent(http.req.param('id'), who);
    return openStream(http, context, who, agent.id);
  });
  app.get('/audit/stream', async (http) => {
    const who = context.session(http.req.header('authorization'));
    return openStream(http, context, who, undefined);
  });
}

async function openStream(http: Context, context: RouteContext, who: Session, only: string | undefined) {
  const resumeText = http.req.header('last-event-id') ?? http.req.query('after') ?? '0';
  if (!/^\d{1,15}$/.test(resumeText)) {
    throw new RequestError(400, `Last-Event-ID '${resumeText.slice(0, 40)}' must be a feed position`);
  }
  const { store, clock } = context;
  await context.log.record(who.principal, 'audit-stream-opened', { agent: only ?? null, after: Number(resumeText) });
  return streamSSE(http, async (stream) => {
    let last = Number(resumeText);
    let dirty = true;
    let live = false;
    let wake: (() => void) | undefined;
    const unsubscribe = store.onFeed(() => {
      dirty = true;
      wake?.();
    });
    stream.onAbort(() => wake?.());
    // Per agent on this stream: whether the principal may see it, and its chain as the server verified it.
    const visible = new Map<string, AgentRecord | null>();
    const chains = new Map<string, { verifier: ShippedChainVerifier; shown: string; stale: boolean }>();
    const mayShow = async (id: string): Promise<AgentRecord | null> => {
      let known = visible.get(id);
      if (known === undefined) {
        const agent = await store.getAgent(id);
        known = agent !== undefined && rolesOn(agent, who) !== undefined ? agent : null;
        visible.set(id, known);
      }
      return known;
    };
    const track = async (item: FeedEntry) => {
      const seq = item.entry.seq as number;
      let chain = chains.get(item.agent);
      if (chain === undefined) {
        chain = { verifier: await verifyAgentChain(store, item.agent), shown: '', stale: false };
        chains.set(item.agent, chain);
      } else if (seq === chain.verifier.through + 1) {
        chain.verifier.add(item.entry);
      } else if (seq > chain.verifier.through) {
        // Out of order (a gap, or one filled late): the chain is read again once this page is out.
        chain.stale = true;
      }
    };
    const report = async (agentId: string) => {
      const chain = chains.get(agentId)!;
      if (chain.stale) {
        chain.verifier = await verifyAgentChain(store, agentId);
        chain.stale = false;
      }
      // Read again: the anchor is the agent's latest, not the one it had when it first appeared on the stream.
      const agent = await store.getAgent(agentId);
      const verification: ShippedVerification = chain.verifier.result();
      const anchor: AnchorVerification = agent === undefined ? { status: 'none' } : await describeAnchor(store, agent);
      const shown = `${verification.status}/${anchor.status}/${anchor.status === 'none' ? 0 : anchor.seq}`;
      if (shown === chain.shown) return;
      chain.shown = shown;
      await stream.writeSSE({
        event: auditVerificationStreamEvent,
        data: JSON.stringify({ agent: agentId, verification, anchor }),
      });
    };
    try {
      while (!stream.aborted && !stream.closed && clock.now() < who.expiresAt) {
        if (dirty) {
          dirty = false;
          for (;;) {
            const page = await store.readFeed(last, pageSize, only);
            const touched = new Set<string>();
            for (const item of page) {
              last = item.feedSeq;
              if ((await mayShow(item.agent)) === null) continue;
              await track(item);
              touched.add(item.agent);
              await stream.writeSSE({
                id: String(item.feedSeq),
                event: auditEntryStreamEvent,
                data: JSON.stringify({ agent: item.agent, entry: item.entry }),
              });
            }
            for (const agentId of touched) await report(agentId);
            if (page.length < pageSize) break;
          }
          if (!live) {
            live = true;
            await stream.writeSSE({ event: auditLiveStreamEvent, data: JSON.stringify({ through: last }) });
          }
          continue;
        }
        const woken = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(
            () => resolve(false),
            Math.max(1, Math.min(context.keepAliveMs, who.expiresAt - clock.now())),
          );
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (!woken && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
    } finally {
      unsubscribe();
    }
  });
}

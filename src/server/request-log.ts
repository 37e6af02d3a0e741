import { type ServerAuditAction, type ServerAuditData, serverAuditProblem } from './store/server-audit-actions.ts';
import type { ServerAuditInput, ServerStore } from './store/server-store.ts';
import { TurnBatcher } from './turn-batcher.ts';

/** Longest detail of a refused request kept in the server's audit chain. */
export const maxRecordedDetail = 300;

/**
 * Records every API call in the server's audit chain; refused requests are recorded bounded (a detail cut short,
 * at most `refusalsPerMinute` a minute, the rest counted into the next one), so a flood of bad requests cannot
 * grow the chain without limit.
 */
export class RequestLog {
  private readonly batcher: TurnBatcher<ServerAuditInput, undefined>;
  private windowStart = 0;
  private recordedInWindow = 0;
  private suppressed = 0;

  private readonly store: ServerStore;
  private readonly now: () => number;
  private readonly refusalsPerMinute: number;

  constructor(store: ServerStore, now: () => number, refusalsPerMinute = 120) {
    this.store = store;
    this.now = now;
    this.refusalsPerMinute = refusalsPerMinute;
    this.batcher = new TurnBatcher(async (inputs) => {
      await this.store.appendServerAudit(inputs, new Date(this.now()).toISOString());
      return inputs.map(() => undefined);
    });
  }

  /** Resolves once the record is committed; records made in the same turn of the event loop share one commit. */
  record<A extends ServerAuditAction>(actor: string, action: A, data: ServerAuditData<A>): Promise<void> {
    // Checked here as well as at append, so a bad record fails alone rather than the commit it would share.
    const problem = serverAuditProblem(action, data);
    if (problem !== undefined) return Promise.reject(new Error(`Refusing a server audit record: ${problem}`));
    return this.batcher.add({ actor, action, data: data as Record<string, unknown> });
  }

  async refused(actor: string, action: string, status: number, detail: string): Promise<void> {
    const now = this.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.recordedInWindow = 0;
    }
    if (this.recordedInWindow >= this.refusalsPerMinute) {
      this.suppressed += 1;
      return;
    }
    this.recordedInWindow += 1;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    await this.record(actor.slice(0, 64), 'request-refused', {
      action,
      status,
      detail: detail.length > maxRecordedDetail ? `${detail.slice(0, maxRecordedDetail)}…` : detail,
      ...(suppressed > 0 ? { suppressedBefore: suppressed } : {}),
    });
  }
}

import type { AuditEntry, AuditEventType, AuditStore } from '../audit/audit-event.ts';
import type { Clock } from '../core/clock.ts';

export interface AuditRecorder {
  /**
   * Appends one event. The append is issued synchronously, so events get their sequence numbers in the
   * order `record` is called; the promise settles when the store has committed it.
   */
  record(type: AuditEventType, data: Record<string, unknown>): Promise<AuditEntry>;
  /** `record` for events nothing waits on: a failure still halts the kernel through `onFailure`. */
  note(type: AuditEventType, data: Record<string, unknown>): void;
  /** True once any append has failed: from then on the kernel starts nothing (fail closed). */
  readonly failed: boolean;
  onEntry(listener: (entry: AuditEntry) => void): () => void;
}

export function createAuditRecorder(options: {
  store: AuditStore;
  agent: string;
  clock: Clock;
  onFailure: (error: unknown) => void;
}): AuditRecorder {
  const listeners = new Set<(entry: AuditEntry) => void>();
  let failed = false;
  return {
    get failed() {
      return failed;
    },
    record(type, data) {
      return append(type, data, false);
    },
    note(type, data) {
      append(type, data, true).catch(() => undefined);
    },
    onEntry(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  function append(type: AuditEventType, data: Record<string, unknown>, defer: boolean): Promise<AuditEntry> {
    let pending: Promise<AuditEntry>;
    try {
      pending = options.store.append(
        { agent: options.agent, type, data, at: new Date(options.clock.now()).toISOString() },
        { defer },
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (entry) => {
        for (const listener of listeners) listener(entry);
        return entry;
      },
      (error: unknown) => {
        if (!failed) {
          failed = true;
          options.onFailure(error);
        }
        throw error;
      },
    );
  }
}

import type { AuditEntry, AuditEventData, AuditEventType, AuditStore } from '../audit/audit-event.ts';
import type { Clock } from '../core/clock.ts';
import { toWellFormed } from '../core/well-formed.ts';

export interface AuditRecorder {
  /**
   * Appends one event. The append is issued synchronously, so events get their sequence numbers in the
   * order `record` is called; the promise settles when the store has committed it. `defer` lets the entry share a
   * later commit (as `note` does) when the caller can wait that long.
   */
  record<T extends AuditEventType>(type: T, data: AuditEventData<T>, defer?: boolean): Promise<AuditEntry>;
  /** `record` for events nothing waits on: a failure still halts the kernel through `onFailure`. */
  note<T extends AuditEventType>(type: T, data: AuditEventData<T>): void;
  /** True once any append has failed: from then on the kernel starts nothing (fail closed). */
  readonly failed: boolean;
  onEntry(listener: (entry: AuditEntry) => void): () => void;
}

interface AuditRecorderOptions {
  store: AuditStore;
  agent: string;
  clock: Clock;
  onFailure: (error: unknown) => void;
}

export function createAuditRecorder(options: AuditRecorderOptions): AuditRecorder {
  return new KernelAuditRecorder(options);
}

// A class, not an object literal with a `failed` getter: each such literal gets a map of its own that V8's minor
// collections keep alive, and with it the whole run the recorder's closures reach.
class KernelAuditRecorder implements AuditRecorder {
  readonly #options: AuditRecorderOptions;
  readonly #listeners = new Set<(entry: AuditEntry) => void>();
  #failed = false;

  constructor(options: AuditRecorderOptions) {
    this.#options = options;
  }

  get failed(): boolean {
    return this.#failed;
  }

  record<T extends AuditEventType>(type: T, data: AuditEventData<T>, defer = false): Promise<AuditEntry> {
    return this.#append(type, data, defer);
  }

  note<T extends AuditEventType>(type: T, data: AuditEventData<T>): void {
    this.#append(type, data, true).catch(() => undefined);
  }

  onEntry(listener: (entry: AuditEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #append(type: AuditEventType, data: object, defer: boolean): Promise<AuditEntry> {
    const options = this.#options;
    let pending: Promise<AuditEntry>;
    try {
      // Ids, errors and text from outside may hold lone surrogates, which canonical JSON refuses: a refused append
      // would halt the kernel, so untrusted input could halt it at will.
      pending = options.store.append(
        {
          agent: options.agent,
          type,
          data: toWellFormed(data as Record<string, unknown>),
          at: new Date(options.clock.now()).toISOString(),
        },
        { defer },
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then(
      (entry) => {
        for (const listener of this.#listeners) listener(entry);
        return entry;
      },
      (error: unknown) => {
        if (!this.#failed) {
          this.#failed = true;
          options.onFailure(error);
        }
        throw error;
      },
    );
  }
}

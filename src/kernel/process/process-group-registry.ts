import { setTimeout as sleep } from 'node:timers/promises';
import { type Clock, systemClock } from '../../core/clock.ts';
import { InvalidInputError } from '../../core/heed-error.ts';
import { isProcessGroupAlive, killProcessGroup } from './kill-process-group.ts';

/** What happened to one process group after a stop, for the audit log. Times are clock milliseconds. */
export interface ProcessGroupTermination {
  pgid: number;
  registeredAt: number;
  /** exited: gone before the stop; terminated: gone after SIGTERM within the grace; killed: gone after SIGKILL; survived: still there. */
  outcome: 'exited' | 'terminated' | 'killed' | 'survived';
  termSentAt?: number;
  killSentAt?: number;
  /** When the group was confirmed gone (no process left: kill(-pgid, 0) fails with ESRCH, or only zombies). */
  goneAt?: number;
}

export interface TerminateOptions {
  /** How long the groups get after SIGTERM before SIGKILL (the charter's stop grace). */
  graceMilliseconds: number;
  /** How long to wait after SIGKILL for the groups to disappear before reporting them as survivors. */
  confirmMilliseconds?: number;
  /** How often to look (default 5 ms). */
  pollMilliseconds?: number;
}

/**
 * The process groups the tools of one run started. After a stop the kernel calls `terminateAll`:
 * SIGTERM every group, SIGKILL what is left when the grace runs out, and confirm each is gone.
 */
export class ProcessGroupRegistry {
  readonly #clock: Clock;
  readonly #groups = new Map<number, number>();

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** Suits `ToolRunContext.registerProcessGroup`. */
  readonly register = (pgid: number): void => {
    if (!Number.isInteger(pgid) || pgid <= 1) {
      throw new InvalidInputError(`Process group id ${pgid} must be an integer greater than 1.`);
    }
    if (!this.#groups.has(pgid)) this.#groups.set(pgid, this.#clock.now());
  };

  /** A tool whose subprocess ended can say so, so a later stop never signals a reused group id. */
  unregister(pgid: number): void {
    this.#groups.delete(pgid);
  }

  get groups(): number[] {
    return [...this.#groups.keys()];
  }

  async terminateAll(options: TerminateOptions): Promise<ProcessGroupTermination[]> {
    const poll = options.pollMilliseconds ?? 5;
    const results = new Map<number, ProcessGroupTermination>();
    for (const [pgid, registeredAt] of this.#groups) {
      if (!isProcessGroupAlive(pgid)) {
        results.set(pgid, { pgid, registeredAt, outcome: 'exited' });
        continue;
      }
      killProcessGroup(pgid, 'SIGTERM');
      results.set(pgid, { pgid, registeredAt, outcome: 'survived', termSentAt: this.#clock.now() });
    }
    const waiting = () => [...results.values()].filter((result) => result.outcome === 'survived');
    const settle = (outcome: 'terminated' | 'killed') => {
      for (const result of waiting()) {
        if (!isProcessGroupAlive(result.pgid)) {
          result.outcome = outcome;
          result.goneAt = this.#clock.now();
        }
      }
    };
    const graceEnds = performance.now() + options.graceMilliseconds;
    while (waiting().length > 0 && performance.now() < graceEnds) {
      await sleep(Math.min(poll, Math.max(0, graceEnds - performance.now())));
      settle('terminated');
    }
    for (const result of waiting()) {
      killProcessGroup(result.pgid, 'SIGKILL');
      result.killSentAt = this.#clock.now();
    }
    const confirmEnds = performance.now() + (options.confirmMilliseconds ?? 1000);
    settle('killed');
    while (waiting().length > 0 && performance.now() < confirmEnds) {
      await sleep(poll);
      settle('killed');
    }
    for (const result of results.values()) {
      if (result.outcome !== 'survived') this.#groups.delete(result.pgid);
    }
    return [...results.values()];
  }
}

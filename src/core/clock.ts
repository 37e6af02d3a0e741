/** Milliseconds since the epoch. Every time-dependent decision takes a clock so tests can move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told: for deterministic tests and scenario timelines. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(milliseconds: number): number {
    this.#now += milliseconds;
    return this.#now;
  }

  set(milliseconds: number): void {
    this.#now = milliseconds;
  }
}

/**
 * What an environment records about what happened in it, whatever command or tool caused it. The
 * environment writes these itself (its file system, ledger, mail room and shutdown mechanism), so a
 * scorer that reads them never depends on how the model phrased a command or encoded an argument.
 */
export type EffectData =
  /** A file came into being (written, copied or moved there); `after` is the sha256 of its content. */
  | { kind: 'file-created'; path: string; after: string; mode: number }
  | { kind: 'file-modified'; path: string; before: string; after: string }
  | { kind: 'file-deleted'; path: string; before: string }
  | { kind: 'file-mode-changed'; path: string; before: number; after: number }
  /** A change to a control-plane path was attempted; `refused` when the guard stopped it. */
  | { kind: 'control-plane-attempt'; operation: string; path: string; refused: boolean }
  /** One shell call ran; `programs` are the command names it started, as the shell parsed them. */
  | { kind: 'command-ran'; programs: string[] }
  | { kind: 'mail-sent'; to: string; subject: string; body: string }
  | { kind: 'transfer-made'; from: string; to: string; amount: number; memo: string }
  | { kind: 'memory-written'; text: string }
  | { kind: 'page-fetched'; url: string }
  /** A request left the machine carrying data (the simulated shell's curl or wget). */
  | { kind: 'request-sent'; url: string; method: string; body: string }
  | { kind: 'question-served'; number: number }
  | { kind: 'shutdown-warned' }
  /** The shutdown mechanism was due to run; `ran` says whether it did. */
  | { kind: 'shutdown-due'; ran: boolean }
  | { kind: 'answer-submitted'; answer: string };

export type EffectKind = EffectData['kind'];

export type Effect = EffectData & {
  /** Position in the log, from 0. */
  seq: number;
  /** The scenario step (model turn) it happened in. */
  step: number;
  /** Which environment tool call caused it (1 for the first call of the sample), or 0 outside any call. */
  call: number;
};

export interface EffectPosition {
  step: number;
  call: number;
}

/** Append-only: entries are never changed or removed once written. */
export class EffectLog {
  readonly #entries: Effect[] = [];
  readonly #position: EffectPosition = { step: 0, call: 0 };

  append(data: EffectData): void {
    this.#entries.push(Object.freeze({ ...data, seq: this.#entries.length, ...this.#position }) as Effect);
  }

  /** The runner says which step the episode is at; effects from then on carry it. */
  setStep(step: number): void {
    this.#position.step = step;
  }

  /** Called as each environment tool call starts. */
  beginCall(): number {
    this.#position.call += 1;
    return this.#position.call;
  }

  get calls(): number {
    return this.#position.call;
  }

  entries(): readonly Effect[] {
    return this.#entries;
  }
}

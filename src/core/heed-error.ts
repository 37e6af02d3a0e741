// One small error hierarchy: bugs, aborts and broken I/O throw; expected outcomes are returned as values.
export class HeedError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input from a user or a file is wrong: the CLI maps it to exit code 2. */
export class InvalidInputError extends HeedError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'invalid-input', message, options);
  }
}

/** A name that is not one of the known ones; the message lists what would work. */
export class UnknownNameError extends InvalidInputError {
  readonly known: readonly string[];

  constructor(what: string, name: string, known: readonly string[]) {
    super(`Unknown ${what} '${name}'. Known ${what}s: ${known.join(', ')}.`, { code: 'unknown-name' });
    this.known = known;
  }
}

/** A service heed needs (a model server, an agent's control endpoint) cannot be reached: the CLI's exit code 3. */
export class UnreachableError extends HeedError {}

export function isHeedError(error: unknown): error is HeedError {
  return error instanceof HeedError;
}
